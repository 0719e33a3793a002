"""Partner pages (list, detail, create, edit, archive, addresses, contacts, import, export).

Views stay thin: they read the request, call ``core.partners.services``, commit once on success
and roll back on error. Portal users (``user.partner_id`` set) only ever see their own
organisation: every query goes through ``scope_to_partner``, so any other partner is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import or_, select

from core.auth.gate import require, scope_to_partner
from core.db import db
from core.partners import services
from core.partners.forms import (
    AddressForm,
    ContactForm,
    PartnerForm,
)
from core.partners.importing import ImportCheck, ImportInvalid, RowError, check_table
from core.partners.models import ADDRESS_KINDS, PARTNER_TYPES, Partner
from core.tabular import TableError, export_response, read_table_bytes
from core.web.forms import ImportConfirmForm, ImportUploadForm, show_errors
from core.web.listing import escape_like, paginate, sorted_by
from core.web.ui import collect

bp = Blueprint("partners", __name__, url_prefix="/partners", template_folder="../templates")

STATES = ("active", "archived", "all")
SORT_COLUMNS = {
    "name": Partner.name,
    "type": Partner.type,
    "idno": Partner.idno,
    "email": Partner.email,
    "created": Partner.created_at,
}
PREVIEW_ROWS = 500  # rows shown on a clean preview; every row is imported
_FORM_OVERHEAD = 8 * 1024  # room for the other fields of the confirm form


# --------------------------------------------------------------------------- helpers


def _scoped(stmt):
    return scope_to_partner(stmt, Partner.id)


def _get_partner(partner_id: int) -> Partner:
    """The partner, or 404 if it does not exist or the portal user may not see it."""
    partner = db.session.scalar(_scoped(select(Partner).where(Partner.id == partner_id)))
    if partner is None:
        abort(404)
    return partner



def _filters() -> dict:
    args = request.args
    state = args.get("state", "active")
    ptype = args.get("type", "")
    return {
        "q": args.get("q", "").strip(),
        "type": ptype if ptype in PARTNER_TYPES else "",
        "state": state if state in STATES else "active",
    }


def _filtered_query(filters: dict):
    stmt = _scoped(select(Partner))
    q = filters["q"]
    if q:
        like = f"%{escape_like(q)}%"
        conditions = [Partner.name.ilike(like, escape="\\"),
                      Partner.legal_name.ilike(like, escape="\\"),
                      Partner.idno.ilike(like, escape="\\"),
                      Partner.email.ilike(like, escape="\\")]
        compact = "".join(q.split())
        if compact != q:  # "1003 6000 1234 6" finds the IDNO stored without spaces
            conditions.append(Partner.idno.ilike(f"%{escape_like(compact)}%", escape="\\"))
        stmt = stmt.where(or_(*conditions))
    if filters["type"]:
        stmt = stmt.where(Partner.type == filters["type"])
    if filters["state"] == "active":
        stmt = stmt.where(Partner.archived.is_(False))
    elif filters["state"] == "archived":
        stmt = stmt.where(Partner.archived.is_(True))
    stmt = sorted_by(stmt, SORT_COLUMNS, "name")
    return stmt.order_by(Partner.id)  # a stable order for pages with equal names



# --------------------------------------------------------------------------- list and export


@bp.route("/")
@require(services.VIEW)
def index():
    filters = _filters()
    page = paginate(db.session, _filtered_query(filters))
    return render_template("core/partners/index.html", page=page, filters=filters,
                           types=PARTNER_TYPES, states=STATES)


@bp.route("/export")
@require(services.VIEW)
def export():
    """The filtered list (all pages) as CSV or XLSX; the columns re-import."""
    fmt = request.args.get("fmt", "csv")
    stmt = _filtered_query(_filters())

    def rows():
        for partner in db.session.scalars(stmt.execution_options(yield_per=500)):
            yield services.export_row(partner)

    return export_response("partners", services.PARTNER_FIELDS, rows, fmt)


# --------------------------------------------------------------------------- detail


@bp.route("/<int:partner_id>")
@require(services.VIEW)
def detail(partner_id: int):
    partner = _get_partner(partner_id)
    return _render_detail(partner)


def _render_detail(partner: Partner, address_form: AddressForm | None = None,
                   contact_form: ContactForm | None = None):
    sections = collect("partner_sections", partner=partner, user=current_user)
    return render_template(
        "core/partners/detail.html", partner=partner, sections=sections,
        address_form=address_form or AddressForm(prefix="address"),
        contact_form=contact_form or ContactForm(prefix="contact"),
        format_iban=services.format_iban, address_kinds=ADDRESS_KINDS,
    )


# --------------------------------------------------------------------------- create and edit


@bp.route("/new", methods=["GET", "POST"])
@require(services.EDIT)
def create():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = services.create_partner(db.session, **form.partner_data())
            db.session.commit()
        except services.PartnerInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Partner %(name)s created.", name=partner.name), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return render_template("core/partners/form.html", form=form, partner=None)


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@require(services.EDIT)
def edit(partner_id: int):
    partner = _get_partner(partner_id)
    form = PartnerForm(obj=partner)
    if request.method == "GET" and partner.iban:
        form.iban.data = services.format_iban(partner.iban)
    if form.validate_on_submit():
        try:
            services.update_partner(db.session, partner, **form.partner_data())
            db.session.commit()
        except services.PartnerInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Partner %(name)s saved.", name=partner.name), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return render_template("core/partners/form.html", form=form, partner=partner)


@bp.route("/<int:partner_id>/archive", methods=["POST"])
@require(services.EDIT)
def archive(partner_id: int):
    partner = _get_partner(partner_id)
    services.archive(db.session, partner)
    db.session.commit()
    flash(_("Partner %(name)s archived: it no longer appears in lists and choices, and its "
            "records are kept.", name=partner.name), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.route("/<int:partner_id>/unarchive", methods=["POST"])
@require(services.EDIT)
def unarchive(partner_id: int):
    partner = _get_partner(partner_id)
    services.unarchive(db.session, partner)
    db.session.commit()
    flash(_("Partner %(name)s is active again.", name=partner.name), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


# --------------------------------------------------------------------------- addresses, contacts


@bp.route("/<int:partner_id>/addresses", methods=["POST"])
@require(services.EDIT)
def add_address(partner_id: int):
    partner = _get_partner(partner_id)
    form = AddressForm(prefix="address")
    if form.validate_on_submit():
        try:
            services.add_address(db.session, partner, kind=form.kind.data,
                                 street=form.street.data, city=form.city.data,
                                 district=form.district.data, postal_code=form.postal_code.data,
                                 country=form.country.data)
            db.session.commit()
        except services.PartnerInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Address added."), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id) + "#addresses")
    return _render_detail(partner, address_form=form)


@bp.route("/<int:partner_id>/addresses/<int:address_id>/delete", methods=["POST"])
@require(services.EDIT)
def remove_address(partner_id: int, address_id: int):
    partner = _get_partner(partner_id)
    try:
        services.remove_address(db.session, partner, address_id)
    except LookupError:
        abort(404)
    db.session.commit()
    flash(_("Address removed."), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id) + "#addresses")


@bp.route("/<int:partner_id>/contacts", methods=["POST"])
@require(services.EDIT)
def add_contact(partner_id: int):
    partner = _get_partner(partner_id)
    form = ContactForm(prefix="contact")
    if form.validate_on_submit():
        try:
            services.add_contact(db.session, partner, name=form.name.data,
                                 position=form.position.data, email=form.email.data,
                                 phone=form.phone.data)
            db.session.commit()
        except services.PartnerInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Contact added."), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id) + "#contacts")
    return _render_detail(partner, contact_form=form)


@bp.route("/<int:partner_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@require(services.EDIT)
def remove_contact(partner_id: int, contact_id: int):
    partner = _get_partner(partner_id)
    try:
        services.remove_contact(db.session, partner, contact_id)
    except LookupError:
        abort(404)
    db.session.commit()
    flash(_("Contact removed."), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id) + "#contacts")


# --------------------------------------------------------------------------- import


def _max_file_size() -> int:
    """The largest file that still fits, base64-encoded, in the confirm form under
    MAX_CONTENT_LENGTH (so the preview never promises an import the server will refuse)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 16 * 1024 * 1024
    return max(0, (limit - _FORM_OVERHEAD) * 3 // 4)


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n).1f MB", n=size / (1024 * 1024))
    return _("%(n)d kB", n=size // 1024)


def _render_import(upload: ImportUploadForm, check: ImportCheck | None = None,
                   confirm: ImportConfirmForm | None = None, filename: str = ""):
    return render_template(
        "core/partners/import.html", upload=upload, check=check, confirm=confirm,
        filename=filename, types=PARTNER_TYPES,
        preview_rows=PREVIEW_ROWS, max_size=_size_label(_max_file_size()),
    )


def _file_error(message: str) -> ImportCheck:
    return ImportCheck(errors=[RowError(0, "", message)])


def _check_file(data: bytes, filename: str) -> ImportCheck:
    try:
        table = read_table_bytes(data, filename)
    except TableError as exc:
        return _file_error(str(exc))
    return check_table(db.session, table)


@bp.route("/import", methods=["GET", "POST"])
@require(services.IMPORT)
def import_upload():
    """Upload, then a preview: every error of every row, or the rows and a Confirm button."""
    upload = ImportUploadForm()
    if not upload.validate_on_submit():
        return _render_import(upload)
    storage = upload.file.data
    filename = (storage.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    data = storage.read(_max_file_size() + 1)
    if len(data) > _max_file_size():
        check = _file_error(_("The file is too large: at most %(size)s.",
                              size=_size_label(_max_file_size())))
        return _render_import(upload, check, filename=filename)
    check = _check_file(data, filename)
    if not check.ok:
        return _render_import(upload, check, filename=filename)
    confirm = ImportConfirmForm.carrying(data, filename)
    return _render_import(upload, check, confirm, filename=filename)


@bp.route("/import/confirm", methods=["POST"])
@require(services.IMPORT)
def import_confirm():
    """Import the previewed file, all rows in one transaction, or nothing."""
    confirm = ImportConfirmForm()
    upload = ImportUploadForm(formdata=None)
    again = _file_error(_("The file did not come back from the preview; upload it again."))
    data = confirm.carried_file()
    if data is None:
        return _render_import(upload, again)
    filename = confirm.filename.data
    try:
        table = read_table_bytes(data, filename)
        count = services.import_rows(db.session, table)
        db.session.commit()
    except TableError as exc:
        db.session.rollback()
        return _render_import(upload, _file_error(str(exc)), filename=filename)
    except ImportInvalid as exc:
        db.session.rollback()
        return _render_import(upload, exc.check, filename=filename)
    flash(ngettext("%(num)d partner imported from %(file)s.",
                   "%(num)d partners imported from %(file)s.", count, file=filename), "success")
    return redirect(url_for("partners.index"))
