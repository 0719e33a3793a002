"""Catalogue: categories and products, as a warehouse clerk sees them."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from stdnum import ean

from core.auth.gate import SYSTEM, acting_as
from core.db import db
from plugins.inventory import services
from plugins.inventory.models import Product, ProductCategory
from tests.conftest import AuthActions, page_text

VALID = "484000100001" + ean.calc_check_digit("484000100001")
WRONG = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _product_form(category_id, **over):
    data = {"gtin": VALID, "name_ro": "Lapte 1 l", "name_ru": "Молоко", "name_en": "Milk 1 l",
            "category": str(category_id), "unit": "l", "net_kg_per_unit": "1.03",
            "storage_condition": "", "date_mark": "use_by", "allergens": ["milk"],
            "value_per_kg": "18.50", "min_stock_kg": "10", "active": "y"}
    data.update(over)
    return data


def test_create_category_and_list_it(inv_app, clerk):
    response = clerk.post("/inventory/categories/new", data={
        "code": "BAKERY", "name_ro": "Panificație", "name_ru": "Хлеб", "name_en": "Bakery",
        "storage_condition": "ambient", "max_days_past_best_before": "1",
        "kg_per_meal": "0.4", "co2e_per_kg": "1.6", "active": "y"}, follow_redirects=True)
    assert "Category Bakery saved." in page_text(response)
    listing = page_text(clerk.get("/inventory/categories"))
    assert "BAKERY" in listing and "Bakery" in listing
    with inv_app.app_context():
        category = db.session.scalar(select(ProductCategory))
        assert category.kg_per_meal == Decimal("0.400")


def test_duplicate_category_code_is_refused(inv_app, clerk, dairy):
    response = clerk.post("/inventory/categories/new", data={
        "code": "DAIRY", "name_ro": "Altceva", "storage_condition": "ambient", "active": "y"})
    assert "The code DAIRY is already used by Dairy." in page_text(response)
    assert _count(inv_app, ProductCategory) == 1


def test_product_created_with_allergens_and_category_storage(inv_app, clerk, dairy):
    response = clerk.post("/inventory/products/new", data=_product_form(dairy),
                          follow_redirects=True)
    text = page_text(response)
    assert "Product Milk 1 l saved." in text
    assert VALID in text and "Milk" in text
    with inv_app.app_context():
        product = db.session.scalar(select(Product))
        assert product.allergens == ["milk"]
        assert product.storage_condition == "chilled"  # from the category
        assert product.net_kg_per_unit == Decimal("1.030")
        assert product.value_per_kg == Decimal("18.50")


def test_wrong_gtin_checksum_is_shown_next_to_the_field_and_nothing_saved(inv_app, clerk,
                                                                          dairy):
    response = clerk.post("/inventory/products/new", data=_product_form(dairy, gtin=WRONG))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"The GTIN/EAN {WRONG} has a wrong check digit." in page_text(response)
    assert 'id="gtin-error"' in html
    assert html.index('id="gtin"') < html.index('id="gtin-error"') < html.index('id="name_ro"')
    assert _count(inv_app, Product) == 0


def test_gtin_field_is_ready_for_a_scanner(clerk, dairy):
    html = clerk.get("/inventory/products/new").get_data(as_text=True)
    gtin_input = html[html.index('id="gtin"') - 200: html.index('id="gtin"') + 200]
    assert "autofocus" in gtin_input and "data-scanner" in gtin_input
    assert "inventory/scanner.js" in html
    assert clerk.get("/inventory/static/inventory/scanner.js").status_code == 200


def test_duplicate_gtin_is_refused(inv_app, clerk, dairy):
    clerk.post("/inventory/products/new", data=_product_form(dairy))
    response = clerk.post("/inventory/products/new", data=_product_form(dairy, name_ro="Alt"))
    assert f"The GTIN {VALID} is already used by" in page_text(response)
    assert _count(inv_app, Product) == 1


def test_alcoholic_product_is_saved_with_a_warning(inv_app, clerk, dairy):
    response = clerk.post("/inventory/products/new",
                          data=_product_form(dairy, alcoholic="y", name_en="Wine"),
                          follow_redirects=True)
    text = page_text(response)
    assert "Product Wine saved." in text
    assert "Wine is marked alcoholic" in text
    assert _count(inv_app, Product) == 1


def test_product_list_filters_and_sorts(inv_app, clerk, dairy):
    with inv_app.app_context(), acting_as(SYSTEM):
        other = services.create_category(db.session, code="DRY", name_ro="Uscate",
                                         name_en="Dry goods")
        services.create_product(db.session, name_ro="Orez", name_en="Rice", category=other,
                                unit="kg")
        services.create_product(db.session, name_ro="Lapte", name_en="Milk", category=dairy,
                                unit="kg")
        services.create_product(db.session, name_ro="Arpacaș", name_en="Barley",
                                category=other, unit="kg", active=False)
        db.session.commit()
    text = page_text(clerk.get(f"/inventory/products?category={dairy}"))
    assert "Milk" in text and "Rice" not in text
    text = page_text(clerk.get("/inventory/products?sort=-name"))
    assert text.index("Rice") < text.index("Milk")
    assert "Barley" not in text
    assert "Barley" in page_text(clerk.get("/inventory/products?state=inactive"))


def test_names_follow_the_users_language_falling_back_to_romanian(inv_app, dairy):
    with inv_app.app_context(), acting_as(SYSTEM):
        category = db.session.get(ProductCategory, dairy)
        product = services.create_product(db.session, name_ro="Chefir", name_en="",
                                           category=category, unit="kg")
        db.session.commit()
    for language, category_name, product_name in (("en", "Dairy", "Chefir"),
                                                  ("ru", "Молочные", "Chefir"),
                                                  ("ro", "Lactate", "Chefir")):
        with inv_app.test_request_context(), force_locale(language):
            category = db.session.get(ProductCategory, dairy)
            assert category.name == category_name
            assert db.session.get(Product, product.id).name == product_name


def test_services_refuse_without_permission(inv_app, dairy):
    from core.auth.gate import PermissionDenied

    with inv_app.app_context(), acting_as(None), pytest.raises(PermissionDenied):
        services.create_category(db.session, code="X", name_ro="X")


def test_deactivate_hides_from_the_active_list(inv_app, clerk, dairy):
    with inv_app.app_context(), acting_as(SYSTEM):
        category = db.session.get(ProductCategory, dairy)
        product = services.create_product(db.session, name_ro="Lapte", name_en="Milk",
                                           category=category, unit="kg")
        services.deactivate_product(db.session, product)
        services.deactivate_category(db.session, category)
        db.session.commit()
    assert "Milk" not in page_text(clerk.get("/inventory/products"))
    assert "Dairy" not in page_text(clerk.get("/inventory/categories"))
    assert "Dairy" in page_text(clerk.get("/inventory/categories?state=all"))


def test_canteen_manager_cannot_edit_the_catalogue(inv_app, dairy):
    client = inv_app.test_client()
    AuthActions(inv_app, client).login("cook", roles=("canteen_manager",))
    assert client.get("/inventory/products").status_code == 200
    assert client.get("/inventory/products/new").status_code == 403
    assert client.post("/inventory/products/new",
                       data=_product_form(dairy)).status_code == 403
    assert client.get("/inventory/categories/new").status_code == 403
    assert client.get("/inventory/locations/new").status_code == 403
    assert client.get("/inventory/products/import").status_code == 403
    assert _count(inv_app, Product) == 0


def test_menu_shows_the_warehouse_group(clerk):
    text = page_text(clerk.get("/"))
    assert "Warehouse" in text and "Products" in text and "Locations" in text


def test_pages_speak_romanian_by_default(make_app):
    app = make_app(["inventory"], BABEL_DEFAULT_LOCALE="ro")
    client = app.test_client()
    AuthActions(app, client).login("clerk", roles=("warehouse_clerk",))
    text = page_text(client.get("/inventory/locations"))
    assert "Depozite, zone și rafturi" in text
    assert "Pierderi de inventar (virtuală)" in text
    text = page_text(client.get("/inventory/products/new"))
    assert "Cod de bare GTIN / EAN" in text and "Țelină" in text


def test_scanning_a_barcode_into_the_search_finds_the_product(inv_app, clerk, dairy):
    clerk.post("/inventory/products/new", data=_product_form(dairy), follow_redirects=True)
    clerk.post("/inventory/products/new", data=_product_form(dairy, gtin="", name_en="Kefir"),
               follow_redirects=True)
    text = page_text(clerk.get(f"/inventory/products?q={VALID}"))
    assert "Milk 1 l" in text and "Kefir" not in text
    text = page_text(clerk.get("/inventory/products?sort=category"))
    assert "Kefir" in text


def test_inventory_home_leads_to_what_the_user_may_see(inv_app, clerk):
    assert clerk.get("/inventory/").headers["Location"].endswith("/inventory/products")
    from core.partners.models import Partner

    with inv_app.app_context():
        partner = Partner(type="ngo", name="Concordia")
        db.session.add(partner)
        db.session.commit()
        partner_id = partner.id
    portal = inv_app.test_client()
    AuthActions(inv_app, portal).login("coord", roles=("partner_coordinator",),
                                       partner_id=partner_id)
    assert portal.get("/inventory/").status_code == 403
    assert portal.get("/inventory/products").status_code == 403
