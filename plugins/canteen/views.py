"""Canteen pages: canteens (list, detail with closures and yearly settings, edit) and
beneficiaries (list per canteen with search, filters and export; detail; register and edit).

Views stay thin: they read the request, call ``services``, commit once on success and roll back
on error. Sensitive fields are removed from forms and pages for users without
``canteen.beneficiaries.sensitive``; each time they are shown, the access is logged.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from core.auth.gate import require
from core.db import db
from core.partners.models import Partner
from core.tabular import export_response
from core.web.forms import show_errors
from core.web.listing import escape_like, paginate, sorted_by
from plugins.canteen import services
from plugins.canteen.forms import BeneficiaryForm, CanteenForm, ClosureForm, YearSettingsForm
from plugins.canteen.models import (
    CATEGORIES,
    STATUSES,
    Beneficiary,
    Canteen,
)
from plugins.canteen.permissions import (
    BENEFICIARIES_EDIT,
    BENEFICIARIES_VIEW,
    CANTEENS_EDIT,
    VIEW,
)

bp = Blueprint("canteen", __name__, url_prefix="/canteen", template_folder="templates")

CANTEEN_SORT = {"name": Canteen.name, "capacity": Canteen.capacity,
                "created": Canteen.created_at}
BENEFICIARY_SORT = {"name": Beneficiary.last_name, "first_name": Beneficiary.first_name,
                    "idnp": Beneficiary.idnp, "birth_date": Beneficiary.birth_date,
                    "category": Beneficiary.category, "status": Beneficiary.status,
                    "created": Beneficiary.created_at}


# --------------------------------------------------------------------------- helpers




def _get_canteen(canteen_id: int) -> Canteen:
    canteen = db.session.get(Canteen, canteen_id)
    if canteen is None:
        abort(404)
    return canteen


def _get_beneficiary(beneficiary_id: int) -> Beneficiary:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    if beneficiary is None:
        abort(404)
    return beneficiary


def _operator_choices(current_id: int | None = None) -> list[tuple[int, str]]:
    stmt = select(Partner).where(or_(Partner.archived.is_(False), Partner.id == current_id))
    return [SelectChoice(p.id, p.name) for p in db.session.scalars(stmt.order_by(Partner.name))]


def _canteen_choices() -> list[tuple[int, str]]:
    canteens = db.session.scalars(select(Canteen).order_by(Canteen.name))
    return [SelectChoice(c.id, c.name) for c in canteens]


# --------------------------------------------------------------------------- canteens


def _canteen_query(q: str):
    stmt = select(Canteen).options(joinedload(Canteen.operator))
    if q:
        stmt = stmt.where(Canteen.name.ilike(f"%{escape_like(q)}%", escape="\\"))
    return sorted_by(stmt, CANTEEN_SORT, "name").order_by(Canteen.id)


@bp.route("/")
@require(VIEW)
def index():
    q = request.args.get("q", "").strip()
    page = paginate(db.session, _canteen_query(q))
    return render_template("canteen/index.html", page=page, q=q)


@bp.route("/export")
@require(VIEW)
def export():
    """The filtered canteen list (all pages) as CSV or XLSX."""
    canteens = db.session.scalars(_canteen_query(request.args.get("q", "").strip())).all()
    rows = [[c.id, c.name, c.operator.name, c.address, c.capacity,
             ", ".join(c.weekday_labels)] for c in canteens]
    return export_response("canteens", ("id", "name", "operator", "address", "capacity",
                                        "opening_days"), rows, request.args.get("fmt", "csv"))


@bp.route("/<int:canteen_id>")
@require(VIEW)
def detail(canteen_id: int):
    return _render_detail(_get_canteen(canteen_id))


def _render_detail(canteen: Canteen, closure_form: ClosureForm | None = None,
                   settings_form: YearSettingsForm | None = None):
    if settings_form is None:
        settings_form = YearSettingsForm(prefix="settings", formdata=None,
                                         year=date.today().year)
    counts = dict(db.session.execute(
        select(Beneficiary.status, func.count()).where(Beneficiary.canteen_id == canteen.id)
        .group_by(Beneficiary.status)).all())
    return render_template(
        "canteen/detail.html", canteen=canteen, counts=counts, statuses=STATUSES,
        closure_form=closure_form or ClosureForm(prefix="closure", formdata=None),
        settings_form=settings_form, today=date.today(),
        open_today=services.is_open_on(canteen, date.today()))


@bp.route("/new", methods=["GET", "POST"])
@require(CANTEENS_EDIT)
def create():
    form = CanteenForm()
    form.operator_id.choices = _operator_choices()
    if form.validate_on_submit():
        try:
            canteen = services.create_canteen(db.session, **form.canteen_data())
            db.session.commit()
        except services.CanteenInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Canteen %(name)s created.", name=canteen.name), "success")
            return redirect(url_for("canteen.detail", canteen_id=canteen.id))
    return render_template("canteen/form.html", form=form, canteen=None)


@bp.route("/<int:canteen_id>/edit", methods=["GET", "POST"])
@require(CANTEENS_EDIT)
def edit(canteen_id: int):
    canteen = _get_canteen(canteen_id)
    form = CanteenForm(obj=canteen)
    form.operator_id.choices = _operator_choices(canteen.operator_id)
    if request.method == "GET":
        form.opening_days.data = canteen.weekdays
    if form.validate_on_submit():
        try:
            services.update_canteen(db.session, canteen, **form.canteen_data())
            db.session.commit()
        except services.CanteenInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Canteen %(name)s saved.", name=canteen.name), "success")
            return redirect(url_for("canteen.detail", canteen_id=canteen.id))
    return render_template("canteen/form.html", form=form, canteen=canteen)


@bp.route("/<int:canteen_id>/closures", methods=["POST"])
@require(CANTEENS_EDIT)
def add_closure(canteen_id: int):
    canteen = _get_canteen(canteen_id)
    form = ClosureForm(prefix="closure")
    if form.validate_on_submit():
        try:
            services.add_closure(db.session, canteen, start_date=form.start_date.data,
                                 end_date=form.end_date.data, reason=form.reason.data)
            db.session.commit()
        except services.CanteenInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Closure recorded."), "success")
            return redirect(url_for("canteen.detail", canteen_id=canteen.id) + "#closures")
    return _render_detail(canteen, closure_form=form), 422


@bp.route("/<int:canteen_id>/closures/<int:closure_id>/delete", methods=["POST"])
@require(CANTEENS_EDIT)
def remove_closure(canteen_id: int, closure_id: int):
    canteen = _get_canteen(canteen_id)
    try:
        services.remove_closure(db.session, canteen, closure_id)
    except LookupError:
        abort(404)
    db.session.commit()
    flash(_("Closure removed."), "success")
    return redirect(url_for("canteen.detail", canteen_id=canteen.id) + "#closures")


@bp.route("/<int:canteen_id>/settings", methods=["POST"])
@require(CANTEENS_EDIT)
def set_settings(canteen_id: int):
    canteen = _get_canteen(canteen_id)
    form = YearSettingsForm(prefix="settings")
    if form.validate_on_submit():
        try:
            services.set_year_settings(db.session, canteen, year=form.year.data,
                                       daily_allowance=form.daily_allowance.data,
                                       min_kcal=form.min_kcal.data)
            db.session.commit()
        except services.CanteenInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Settings for %(year)d saved.", year=form.year.data), "success")
            return redirect(url_for("canteen.detail", canteen_id=canteen.id) + "#settings")
    return _render_detail(canteen, settings_form=form), 422


# --------------------------------------------------------------------------- beneficiaries


def _beneficiary_filters() -> dict:
    args = request.args
    status, category = args.get("status", ""), args.get("category", "")
    return {"q": args.get("q", "").strip(),
            "status": status if status in STATUSES else "",
            "category": category if category in CATEGORIES else ""}


def _beneficiary_query(canteen: Canteen, filters: dict):
    stmt = select(Beneficiary).where(Beneficiary.canteen_id == canteen.id)
    q = filters["q"]
    if q:
        if services.looks_like_idnp(q):
            compact = "".join(q.split())
            stmt = stmt.where(Beneficiary.idnp.like(f"{escape_like(compact)}%", escape="\\"))
        else:
            conditions = []
            for word in q.split():
                like = f"%{escape_like(word)}%"
                conditions.append(or_(Beneficiary.first_name.ilike(like, escape="\\"),
                                      Beneficiary.last_name.ilike(like, escape="\\")))
            stmt = stmt.where(*conditions)
    if filters["status"]:
        stmt = stmt.where(Beneficiary.status == filters["status"])
    if filters["category"]:
        stmt = stmt.where(Beneficiary.category == filters["category"])
    stmt = sorted_by(stmt, BENEFICIARY_SORT, "name")
    return stmt.order_by(Beneficiary.first_name, Beneficiary.id)


@bp.route("/<int:canteen_id>/beneficiaries")
@require(BENEFICIARIES_VIEW)
def beneficiaries(canteen_id: int):
    canteen = _get_canteen(canteen_id)
    filters = _beneficiary_filters()
    page = paginate(db.session, _beneficiary_query(canteen, filters))
    return render_template("canteen/beneficiaries.html", canteen=canteen, page=page,
                           filters=filters, statuses=STATUSES, categories=CATEGORIES,
                           summary=services.eligibility_summary)


@bp.route("/<int:canteen_id>/beneficiaries/export")
@require(BENEFICIARIES_VIEW)
def export_beneficiaries(canteen_id: int):
    """The filtered list (all pages); sensitive columns only with the sensitive permission,
    and then each exported person's access is logged."""
    canteen = _get_canteen(canteen_id)
    fmt = request.args.get("fmt", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    stmt = _beneficiary_query(canteen, _beneficiary_filters())
    sensitive = services.can_see_sensitive()
    if sensitive:
        _log_export(stmt)
    beneficiaries_ = list(db.session.scalars(stmt.options(joinedload(Beneficiary.canteen))))
    rows = [services.export_row(b, sensitive) for b in beneficiaries_]
    return export_response(f"beneficiaries-{canteen.id}", services.export_headers(sensitive),
                           rows, fmt)


def _end_read() -> None:
    """End the GET request's read transaction before writing to the access log: on SQLite a
    read (DEFERRED) transaction that later writes can fail if another writer committed in
    between; a transaction that starts with the write waits for the lock instead."""
    db.session.commit()


def _log_export(stmt) -> None:
    ids = db.session.scalars(stmt.with_only_columns(Beneficiary.id).order_by(None)).all()
    _end_read()
    services.log_sensitive_export(db.session, ids)
    db.session.commit()


@bp.route("/beneficiaries/<int:beneficiary_id>")
@require(BENEFICIARIES_VIEW)
def beneficiary(beneficiary_id: int):
    b = _get_beneficiary(beneficiary_id)
    _end_read()
    show_sensitive = services.view_beneficiary(db.session, b)
    db.session.commit()
    return render_template("canteen/beneficiary.html", b=b, show_sensitive=show_sensitive,
                           summary=services.eligibility_summary(b),
                           idnp_warning=services.idnp_warning(b.idnp), statuses=STATUSES)


def _beneficiary_form(b: Beneficiary | None, canteen_id: int | None = None) -> BeneficiaryForm:
    form = BeneficiaryForm(obj=b)
    form.canteen_id.choices = _canteen_choices()
    if b is None and canteen_id and request.method == "GET":
        form.canteen_id.data = canteen_id
    if not services.can_see_sensitive():
        form.drop_sensitive()
    if request.method == "GET" and b is not None and "disability_degree" in form:
        form.disability_degree.data = b.disability_degree or ""
    return form


def _duplicate_page(form, b, matches, canteen_id):
    flash(_("This person may already be registered. Check the list below; if it is a "
            "different person, save again with \"Save anyway\"."), "warning")
    return render_template("canteen/beneficiary_form.html", form=form, b=b,
                           canteen_id=canteen_id, duplicates=matches,
                           summary=services.eligibility_summary), 409


@bp.route("/<int:canteen_id>/beneficiaries/new", methods=["GET", "POST"])
@require(BENEFICIARIES_EDIT)
def register(canteen_id: int):
    canteen = _get_canteen(canteen_id)
    form = _beneficiary_form(None, canteen.id)
    if form.validate_on_submit():
        confirmed = request.form.get("save_anyway") == "yes"
        try:
            data = form.beneficiary_data()
            b = services.register_beneficiary(db.session, confirmed=confirmed, **data)
            db.session.commit()
        except services.CanteenInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except services.PossibleDuplicates as dup:
            db.session.rollback()
            return _duplicate_page(form, None, dup.matches, canteen.id)
        else:
            flash(_("%(name)s registered.", name=b.full_name), "success")
            warning = services.idnp_warning(b.idnp)
            if warning:
                flash(warning, "warning")
            return redirect(url_for("canteen.beneficiary", beneficiary_id=b.id))
    return render_template("canteen/beneficiary_form.html", form=form, b=None,
                           canteen_id=canteen.id, duplicates=[])


@bp.route("/beneficiaries/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@require(BENEFICIARIES_EDIT)
def edit_beneficiary(beneficiary_id: int):
    b = _get_beneficiary(beneficiary_id)
    form = _beneficiary_form(b)
    if request.method == "GET" and services.can_see_sensitive():
        _end_read()
        services.log_sensitive_access(db.session, b, "edit")
        db.session.commit()
    if form.validate_on_submit():
        confirmed = request.form.get("save_anyway") == "yes"
        try:
            services.update_beneficiary(db.session, b, confirmed=confirmed,
                                        **form.beneficiary_data())
            db.session.commit()
        except services.CanteenInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except services.PossibleDuplicates as dup:
            db.session.rollback()
            return _duplicate_page(form, b, dup.matches, b.canteen_id)
        else:
            flash(_("%(name)s saved.", name=b.full_name), "success")
            warning = services.idnp_warning(b.idnp)
            if warning:
                flash(warning, "warning")
            return redirect(url_for("canteen.beneficiary", beneficiary_id=b.id))
    return render_template("canteen/beneficiary_form.html", form=form, b=b,
                           canteen_id=b.canteen_id, duplicates=[])


@bp.route("/beneficiaries/<int:beneficiary_id>/status", methods=["POST"])
@require(BENEFICIARIES_EDIT)
def set_status(beneficiary_id: int):
    b = _get_beneficiary(beneficiary_id)
    try:
        services.change_status(db.session, b, request.form.get("status", ""))
        db.session.commit()
    except services.CanteenInvalid as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
    else:
        flash(_("Status changed to %(status)s.", status=b.status_label), "success")
    return redirect(url_for("canteen.beneficiary", beneficiary_id=b.id))
