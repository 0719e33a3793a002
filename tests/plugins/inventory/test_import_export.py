"""Product import (all or nothing, every row error listed), exports, CLI, demo data."""
from __future__ import annotations

import io

from sqlalchemy import func, select
from stdnum import ean

from core.auth.gate import SYSTEM, acting_as
from core.db import db
from core.tabular import csv_bytes, read_table_bytes
from plugins.inventory.demo import load_demo
from plugins.inventory.models import Location, Product, ProductCategory
from tests.conftest import page_text


def gtin(stem: str) -> str:
    return stem + ean.calc_check_digit(stem)


HEADER = ["name_ro", "name_en", "gtin", "category", "unit", "net_kg_per_unit", "allergens",
          "alcoholic"]
GOOD_ROWS = [
    ["Lapte", "Milk", gtin("484000100001"), "DAIRY", "l", "1,03", "milk", "no"],
    ["Brânză", "Cheese", gtin("484000100002"), "DAIRY", "kg", "1", "milk", ""],
    ["Chefir", "Kefir", "", "DAIRY", "piece", "0.5", "", "no"],
]
BAD_ROWS = [
    GOOD_ROWS[0],
    ["Iaurt", "Yoghurt", "4840001000010", "DAIRY", "kg", "1", "milk", "no"],  # bad check digit
    ["", "Nameless", "", "NOPE", "box", "1", "milk, chocolate", "maybe"],
    ["Lapte 2", "Milk 2", gtin("484000100001"), "DAIRY", "l", "1", "", "no"],  # GTIN twice
]


def _products(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Product))


def _upload(client, rows, name="products.csv"):
    return client.post("/inventory/products/import", data={
        "file": (io.BytesIO(csv_bytes(HEADER, rows)), name)},
        content_type="multipart/form-data")


def test_import_with_errors_lists_every_row_error_and_imports_nothing(inv_app, clerk, dairy):
    text = page_text(_upload(clerk, BAD_ROWS))
    assert "errors: nothing was imported" in text
    assert "The GTIN/EAN 4840001000010 has a wrong check digit." in text
    assert "The Romanian name is required." in text
    assert "Unknown category NOPE." in text
    assert "Choose one of: kg, l, piece." in text
    assert "Unknown allergens: chocolate." in text
    assert "Write yes or no, not maybe." in text
    assert f"GTIN {gtin('484000100001')} appears twice in the file (also row 2)." in text
    assert "Confirm import" not in text
    assert _products(inv_app) == 0


def test_clean_import_previews_then_imports_every_row(inv_app, clerk, dairy):
    text = page_text(_upload(clerk, GOOD_ROWS))
    assert "3 products will be imported." in text
    assert _products(inv_app) == 0  # nothing before the confirmation
    html = _upload(clerk, GOOD_ROWS).get_data(as_text=True)
    payload = html.split('name="payload" type="hidden" value="')[1].split('"')[0]
    response = clerk.post("/inventory/products/import/confirm", data={
        "payload": payload, "filename": "products.csv"}, follow_redirects=True)
    assert "3 products imported from products.csv." in page_text(response)
    with inv_app.app_context():
        milk = db.session.scalar(select(Product).where(Product.name_ro == "Lapte"))
        assert str(milk.net_kg_per_unit) == "1.030"
        assert milk.allergens == ["milk"] and milk.storage_condition == "chilled"


def test_product_export_reads_back_and_reimports_elsewhere(inv_app, clerk, dairy):
    with inv_app.app_context(), acting_as(SYSTEM):
        from plugins.inventory.services import import_products

        import_products(db.session, read_table_bytes(csv_bytes(HEADER, GOOD_ROWS), "p.csv"))
        db.session.commit()
    for fmt in ("csv", "xlsx"):
        response = clerk.get(f"/inventory/products/export?fmt={fmt}")
        assert response.status_code == 200
        table = read_table_bytes(response.data, f"products.{fmt}")
        assert sorted(row["name_ro"] for row in table) == ["Brânză", "Chefir", "Lapte"]
        assert {row["category"] for row in table} == {"DAIRY"}
    # the filter applies to the export too
    table = read_table_bytes(clerk.get("/inventory/products/export?q=Chefir").data, "p.csv")
    assert [row["name_ro"] for row in table] == ["Chefir"]
    # an export imports again once its GTINs are free: it checks clean except the duplicates
    from plugins.inventory.services import check_product_table

    with inv_app.app_context():
        check = check_product_table(db.session, table)
        assert check.ok, check.errors


def test_category_export_reads_back(inv_app, clerk, dairy):
    table = read_table_bytes(clerk.get("/inventory/categories/export?fmt=xlsx").data, "c.xlsx")
    assert [(r["code"], r["name_ro"], r["storage_condition"]) for r in table] == [
        ("DAIRY", "Lactate", "chilled")]


def test_cli_import_exit_codes(inv_app, dairy, tmp_path):
    runner = inv_app.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(HEADER, BAD_ROWS))
    result = runner.invoke(args=["inventory", "import-products", str(bad)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output
    assert "row 3, gtin: The GTIN/EAN 4840001000010 has a wrong check digit." in result.output
    assert "row 4, category: Unknown category NOPE." in result.output
    assert _products(inv_app) == 0

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(HEADER, GOOD_ROWS))
    result = runner.invoke(args=["inventory", "import-products", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 products imported from good.csv" in result.output
    assert _products(inv_app) == 3


def test_cli_import_unreadable_file_exits_1(inv_app, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    result = inv_app.test_cli_runner().invoke(args=["inventory", "import-products", str(broken)])
    assert result.exit_code == 1
    assert _products(inv_app) == 0


def test_demo_data_is_idempotent(inv_app):
    def counts():
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (ProductCategory, Product, Location))

    with inv_app.app_context(), acting_as(SYSTEM):
        lines = load_demo(db.session)
        db.session.commit()
        first = counts()
        assert load_demo(db.session) == ["0 product categories", "0 products",
                                         "0 warehouse locations"]
        db.session.commit()
        assert counts() == first
        assert first[1] >= 20 and "20 products" in lines
        assert all(ean.is_valid(g) for g in db.session.scalars(select(Product.gtin)))
        warehouse = db.session.scalar(select(Location).where(
            Location.name == "Depozit central Chișinău"))
        zones = {z.storage_condition for z in warehouse.children}
        assert zones == {"ambient", "chilled", "frozen"}
        assert all(zone.children for zone in warehouse.children)  # every zone has shelves


def test_demo_command_loads_inventory(inv_app):
    result = inv_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "inventory: 20 products" in result.output
