"""Locations: the warehouse tree, virtual locations seeded once, partner links."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core.auth.gate import SYSTEM, acting_as
from core.db import db
from core.plugin_lifecycle import seed
from plugins.inventory import services
from plugins.inventory.models import Location
from tests.conftest import page_text


def _ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Location.code, Location.id)).all())


def test_seed_data_creates_the_virtual_locations_once(inv_app):
    with inv_app.app_context():
        seed(db.session, inv_app.extensions["foodbank.pm"])
        seed(db.session, inv_app.extensions["foodbank.pm"])
        db.session.commit()
        rows = db.session.execute(select(Location.kind, func.count()).group_by(Location.kind))
        counts = dict(rows.all())
    assert counts == {"supplier": 1, "partner": 1, "disposal": 1, "loss": 1}


def test_clerk_builds_a_warehouse_tree(inv_app, clerk):
    def post(**data):
        return clerk.post("/inventory/locations/new", data={"active": "y", **data},
                          follow_redirects=True)

    assert "Location Depozit saved." in page_text(post(
        code="W1", name="Depozit", kind="warehouse", parent="0",
        storage_condition="ambient", partner="0"))
    warehouse = _ids(inv_app)["W1"]
    # the "Add zone" link pre-fills the kind and the parent
    form = clerk.get(f"/inventory/locations/new?parent={warehouse}").get_data(as_text=True)
    assert f'<option selected value="{warehouse}">' in form
    assert '<option selected value="zone">' in form
    post(code="W1-C", name="Zona rece", kind="zone", parent=str(warehouse),
         storage_condition="chilled", partner="0")
    zone = _ids(inv_app)["W1-C"]
    post(code="W1-C-01", name="Raft 1", kind="shelf", parent=str(zone),
         storage_condition="chilled", partner="0")

    text = re.sub(r"<[^>]+>", "", page_text(clerk.get("/inventory/locations")))
    assert text.index("W1 Depozit") < text.index("W1-C Zona rece") < text.index("W1-C-01 Raft 1")
    assert "Inventory loss (virtual)" in text  # the seeded virtual locations


def test_a_shelf_must_sit_in_a_zone(inv_app, clerk):
    with inv_app.app_context(), acting_as(SYSTEM):
        warehouse = services.create_location(db.session, code="W1", name="Depozit",
                                             kind="warehouse")
        db.session.commit()
        warehouse_id = warehouse.id
    response = clerk.post("/inventory/locations/new", data={
        "code": "S1", "name": "Raft", "kind": "shelf", "parent": str(warehouse_id),
        "storage_condition": "ambient", "partner": "0", "active": "y"})
    assert "A shelf belongs to a zone." in page_text(response)
    assert "S1" not in _ids(inv_app)


def test_location_cannot_be_moved_inside_itself(inv_app):
    with inv_app.app_context(), acting_as(SYSTEM):
        w = services.create_location(db.session, code="W1", name="W", kind="warehouse")
        z = services.create_location(db.session, code="Z1", name="Z", kind="zone", parent=w)
        try:
            services.update_location(db.session, z, code="Z1", name="Z", kind="zone",
                                     parent=z)
        except services.CatalogueInvalid as exc:
            assert "parent" in exc.errors
        else:
            raise AssertionError("a zone inside itself was accepted")


def test_canteen_location_links_a_core_partner(inv_app):
    from core.partners.models import Partner

    with inv_app.app_context(), acting_as(SYSTEM):
        partner = Partner(type="canteen_operator", name="Cantina Bălți")
        db.session.add(partner)
        db.session.flush()
        canteen = services.create_location(db.session, code="C-BALTI", name="Cantina Bălți",
                                           kind="canteen", partner=partner.id)
        assert canteen.partner_id == partner.id
        try:
            services.create_location(db.session, code="W9", name="W", kind="warehouse",
                                     partner=partner.id)
        except services.CatalogueInvalid as exc:
            assert exc.errors == {
                "partner": "Only partner and canteen locations link to a partner."}
        else:
            raise AssertionError("a warehouse linked to a partner")


def test_locations_export_reads_back(inv_app, clerk):
    from core.tabular import read_table_bytes

    response = clerk.get("/inventory/locations/export?fmt=xlsx")
    table = read_table_bytes(response.data, "locations.xlsx")
    assert {row["code"] for row in table} == {"V-SUPPLIERS", "V-PARTNERS", "V-DISPOSAL",
                                               "V-LOSS"}
