"""Catalogue and location pages: lists (paginated, sortable, filterable, exportable), forms,
the product import (upload → preview → confirm, all or nothing) and the location tree.

Views stay thin: they read the request, call ``plugins.inventory.services``, commit once on
success and roll back on error.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from core.auth.gate import has_permission, require
from core.db import db
from core.partners.models import Partner
from core.tabular import TableError, export_response, read_table_bytes
from core.web.forms import ImportConfirmForm, ImportUploadForm, show_errors
from core.web.listing import escape_like, paginate, sorted_by
from plugins.inventory import services
from plugins.inventory.forms import (
    CategoryForm,
    LocationForm,
    ProductForm,
)
from plugins.inventory.models import (
    ALLERGENS,
    DATE_MARKS,
    LOCATION_KINDS,
    PHYSICAL_KINDS,
    STORAGE_CONDITIONS,
    UNITS,
    Location,
    Product,
    ProductCategory,
)

bp = Blueprint("inventory", __name__, url_prefix="/inventory", template_folder="templates",
               static_folder="static")

STATES = ("active", "inactive", "all")
PREVIEW_ROWS = 500
_FORM_OVERHEAD = 8 * 1024



def _state_filter(stmt, column, state: str):
    if state == "active":
        return stmt.where(column.is_(True))
    if state == "inactive":
        return stmt.where(column.is_(False))
    return stmt


def _state() -> str:
    state = request.args.get("state", "active")
    return state if state in STATES else "active"



@bp.route("/")
@require("inventory.view")
def index():
    if has_permission("inventory.catalogue.view"):
        return redirect(url_for("inventory.products"))
    if has_permission("inventory.locations.view"):
        return redirect(url_for("inventory.locations"))
    abort(403)


# --------------------------------------------------------------------------- categories

CATEGORY_SORT = {"code": ProductCategory.code, "name": ProductCategory.name_ro,
                 "storage": ProductCategory.storage_condition}


def _category_filters() -> dict:
    storage = request.args.get("storage", "")
    return {"q": request.args.get("q", "").strip(), "state": _state(),
            "storage": storage if storage in STORAGE_CONDITIONS else ""}


def _category_query(filters: dict):
    stmt = select(ProductCategory)
    if filters["q"]:
        like = f"%{escape_like(filters['q'])}%"
        stmt = stmt.where(or_(*(c.ilike(like, escape="\\") for c in (
            ProductCategory.code, ProductCategory.name_ro, ProductCategory.name_ru,
            ProductCategory.name_en))))
    if filters["storage"]:
        stmt = stmt.where(ProductCategory.storage_condition == filters["storage"])
    stmt = _state_filter(stmt, ProductCategory.active, filters["state"])
    return sorted_by(stmt, CATEGORY_SORT, "code").order_by(ProductCategory.id)


@bp.route("/categories")
@require("inventory.catalogue.view")
def categories():
    filters = _category_filters()
    page = paginate(db.session, _category_query(filters))
    return render_template("inventory/categories.html", page=page, filters=filters,
                           storages=STORAGE_CONDITIONS)


@bp.route("/categories/export")
@require("inventory.catalogue.view")
def categories_export():
    stmt = _category_query(_category_filters())

    def rows():
        for category in db.session.scalars(stmt):
            yield services.category_export_row(category)

    return export_response("categories", services.CATEGORY_FIELDS, rows,
                           request.args.get("fmt", "csv"))


@bp.route("/categories/new", methods=["GET", "POST"])
@require("inventory.catalogue.edit")
def category_create():
    return _category_form(None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@require("inventory.catalogue.edit")
def category_edit(category_id: int):
    category = db.session.get(ProductCategory, category_id) or abort(404)
    return _category_form(category)


def _category_form(category: ProductCategory | None):
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            if category is None:
                category = services.create_category(db.session, **form.category_data())
            else:
                services.update_category(db.session, category, **form.category_data())
            db.session.commit()
        except services.CatalogueInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Category %(name)s saved.", name=category.name), "success")
            return redirect(url_for("inventory.categories"))
    return render_template("inventory/category_form.html", form=form, category=category)


# --------------------------------------------------------------------------- products

PRODUCT_SORT = {"name": Product.name_ro, "gtin": Product.gtin, "category": ProductCategory.code,
                "unit": Product.unit, "storage": Product.storage_condition}


def _product_filters() -> dict:
    args = request.args
    storage = args.get("storage", "")
    try:
        category = int(args.get("category") or 0)
    except ValueError:
        category = 0
    return {"q": args.get("q", "").strip(), "state": _state(), "category": category,
            "storage": storage if storage in STORAGE_CONDITIONS else ""}


def _product_query(filters: dict):
    stmt = select(Product).join(ProductCategory, Product.category_id == ProductCategory.id)
    q = filters["q"]
    if q:
        like = f"%{escape_like(q)}%"
        stmt = stmt.where(or_(Product.name_ro.ilike(like, escape="\\"),
                              Product.name_ru.ilike(like, escape="\\"),
                              Product.name_en.ilike(like, escape="\\"),
                              Product.gtin == "".join(q.split())))
    if filters["category"]:
        stmt = stmt.where(Product.category_id == filters["category"])
    if filters["storage"]:
        stmt = stmt.where(Product.storage_condition == filters["storage"])
    stmt = _state_filter(stmt, Product.active, filters["state"])
    return sorted_by(stmt, PRODUCT_SORT, "name").order_by(Product.id)


def _category_choices() -> list[ProductCategory]:
    return list(db.session.scalars(select(ProductCategory).where(
        ProductCategory.active.is_(True)).order_by(ProductCategory.code)))


@bp.route("/products")
@require("inventory.catalogue.view")
def products():
    filters = _product_filters()
    page = paginate(db.session, _product_query(filters))
    return render_template("inventory/products.html", page=page, filters=filters,
                           storages=STORAGE_CONDITIONS, categories=_category_choices(),
                           units=UNITS)


@bp.route("/products/export")
@require("inventory.catalogue.view")
def products_export():
    stmt = _product_query(_product_filters())

    def rows():
        for product in db.session.scalars(stmt):
            yield services.product_export_row(product)

    return export_response("products", services.PRODUCT_FIELDS, rows,
                           request.args.get("fmt", "csv"))


@bp.route("/products/new", methods=["GET", "POST"])
@require("inventory.catalogue.edit")
def product_create():
    return _product_form(None)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@require("inventory.catalogue.edit")
def product_edit(product_id: int):
    product = db.session.get(Product, product_id) or abort(404)
    return _product_form(product)


def _product_form(product: Product | None):
    form = ProductForm(obj=product)
    choices = _category_choices()
    if product is not None and product.category not in choices:
        choices.append(product.category)
    form.category.choices = [(c.id, f"{c.code} · {c.name}") for c in choices]
    if request.method == "GET" and product is not None:
        form.category.data = product.category_id
    if form.validate_on_submit():
        try:
            if product is None:
                product = services.create_product(db.session, **form.product_data())
            else:
                services.update_product(db.session, product, **form.product_data())
            db.session.commit()
        except services.CatalogueInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Product %(name)s saved.", name=product.name), "success")
            warning = services.alcohol_warning(product)
            if warning:
                flash(warning, "warning")
            return redirect(url_for("inventory.products"))
    return render_template("inventory/product_form.html", form=form, product=product)


# --------------------------------------------------------------------------- product import


def _max_file_size() -> int:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 16 * 1024 * 1024
    return max(0, (limit - _FORM_OVERHEAD) * 3 // 4)


def _render_import(upload, check=None, confirm=None, filename: str = ""):
    return render_template("inventory/import.html", upload=upload, check=check, confirm=confirm,
                           filename=filename, preview_rows=PREVIEW_ROWS, allergens=ALLERGENS,
                           units=UNITS, storages=STORAGE_CONDITIONS, date_marks=DATE_MARKS)


def _file_error(message: str) -> services.ImportCheck:
    return services.ImportCheck(errors=[services.RowError(0, "", message)])


@bp.route("/products/import", methods=["GET", "POST"])
@require("inventory.catalogue.import")
def products_import():
    upload = ImportUploadForm()
    if not upload.validate_on_submit():
        return _render_import(upload)
    storage = upload.file.data
    filename = (storage.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    data = storage.read(_max_file_size() + 1)
    if len(data) > _max_file_size():
        return _render_import(upload, _file_error(_("The file is too large.")), filename=filename)
    try:
        check = services.check_product_table(db.session, read_table_bytes(data, filename))
    except TableError as exc:
        check = _file_error(str(exc))
    if not check.ok:
        return _render_import(upload, check, filename=filename)
    confirm = ImportConfirmForm.carrying(data, filename)
    return _render_import(upload, check, confirm, filename=filename)


@bp.route("/products/import/confirm", methods=["POST"])
@require("inventory.catalogue.import")
def products_import_confirm():
    """Import the previewed file in one transaction, or nothing."""
    confirm = ImportConfirmForm()
    upload = ImportUploadForm(formdata=None)
    again = _file_error(_("The file did not come back from the preview; upload it again."))
    data = confirm.carried_file()
    if data is None:
        return _render_import(upload, again)
    filename = confirm.filename.data
    try:
        count = services.import_products(db.session, read_table_bytes(data, filename))
        db.session.commit()
    except TableError as exc:
        db.session.rollback()
        return _render_import(upload, _file_error(str(exc)), filename=filename)
    except services.ImportInvalid as exc:
        db.session.rollback()
        return _render_import(upload, exc.check, filename=filename)
    flash(ngettext("%(num)d product imported from %(file)s.",
                   "%(num)d products imported from %(file)s.", count, file=filename), "success")
    return redirect(url_for("inventory.products"))


# --------------------------------------------------------------------------- locations


@bp.route("/locations")
@require("inventory.locations.view")
def locations():
    show_inactive = request.args.get("state") == "all"
    tree = services.location_tree(db.session, include_inactive=show_inactive)
    virtual = db.session.scalars(select(Location).where(
        Location.kind.not_in(PHYSICAL_KINDS)).order_by(Location.code)).all()
    return render_template("inventory/locations.html", tree=tree, virtual=virtual,
                           show_inactive=show_inactive)


@bp.route("/locations/export")
@require("inventory.locations.view")
def locations_export():
    rows = [[loc.code, loc.name, loc.kind, loc.parent.code if loc.parent else "",
             loc.storage_condition, loc.partner_id or "", loc.active]
            for loc in db.session.scalars(select(Location).order_by(Location.code))]
    return export_response("locations", ("code", "name", "kind", "parent", "storage_condition",
                                         "partner_id", "active"), rows,
                           request.args.get("fmt", "csv"))


@bp.route("/locations/new", methods=["GET", "POST"])
@require("inventory.locations.edit")
def location_create():
    return _location_form(None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@require("inventory.locations.edit")
def location_edit(location_id: int):
    location = db.session.get(Location, location_id) or abort(404)
    return _location_form(location)


def _location_form(location: Location | None):
    form = LocationForm(obj=location)
    parents = [(0, "—")] + [
        (loc.id, "\u2003" * depth + str(loc))
        for depth, loc in services.location_tree(db.session)
        if loc.kind in ("warehouse", "zone") and loc is not location]
    form.parent.choices = parents
    partners = db.session.execute(select(Partner.id, Partner.name).where(
        Partner.archived.is_(False)).order_by(Partner.name)).all()
    form.partner.choices = [(0, "—")] + [(pid, name) for pid, name in partners]
    if request.method == "GET":
        if location is not None:
            form.parent.data = location.parent_id or 0
            form.partner.data = location.partner_id or 0
        elif request.args.get("parent", "").isdigit():
            parent = db.session.get(Location, int(request.args["parent"]))
            if parent is not None:
                form.parent.data = parent.id
                form.kind.data = "zone" if parent.kind == "warehouse" else "shelf"
                form.storage_condition.data = parent.storage_condition
    if form.validate_on_submit():
        try:
            if location is None:
                location = services.create_location(db.session, **form.location_data())
            else:
                services.update_location(db.session, location, **form.location_data())
            db.session.commit()
        except services.CatalogueInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Location %(name)s saved.", name=location.name), "success")
            return redirect(url_for("inventory.locations"))
    return render_template("inventory/location_form.html", form=form, location=location,
                           kinds=LOCATION_KINDS)
