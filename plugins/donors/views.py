"""Donor pages: the list (filter, sort, export), a profile, its edit page, the contract scan.

Views stay thin: they read the request, call ``plugins.donors.services``, commit once on success
and roll back on error. Portal users (a donor's own user) only ever see their own profile: every
query goes through ``scope_to_partner``, so another donor's page is a 404.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, or_

from core.auth.gate import require
from core.db import db
from core.partners.models import Partner
from core.tabular import export_response
from core.web.forms import show_errors
from core.web.listing import escape_like, paginate, sorted_by
from plugins.donors import services
from plugins.donors.forms import DonorProfileForm
from plugins.donors.models import (
    CONTRACT_STATES,
    DONOR_TYPES,
    EXPIRED,
    EXPIRING,
    EXPIRY_WARNING_DAYS,
    NO_CONTRACT,
    VALID,
    DonorProfile,
)

bp = Blueprint("donors", __name__, url_prefix="/donors", template_folder="templates")

SORT_COLUMNS = {
    "name": Partner.name,
    "type": DonorProfile.donor_type,
    "contract": DonorProfile.contract_number,
    "valid_until": DonorProfile.contract_valid_until,
    "annual": DonorProfile.annual_limit,
    "monthly": DonorProfile.monthly_limit,
}
ACTIVE_STATES = ("active", "inactive", "all")


# --------------------------------------------------------------------------- list and export


def _filters() -> dict:
    args = request.args
    dtype, contract, show = args.get("type", ""), args.get("contract", ""), args.get("show", "")
    return {
        "q": args.get("q", "").strip(),
        "type": dtype if dtype in DONOR_TYPES else "",
        "contract": contract if contract in CONTRACT_STATES else "",
        "show": show if show in ACTIVE_STATES else "active",
    }



def _contract_condition(state: str, today):
    number = DonorProfile.contract_number
    until = DonorProfile.contract_valid_until
    has_number = and_(number.is_not(None), number != "")
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    if state == NO_CONTRACT:
        return or_(number.is_(None), number == "")
    if state == EXPIRED:
        return and_(has_number, until < today)
    if state == EXPIRING:
        return and_(has_number, until >= today, until <= soon)
    assert state == VALID
    return and_(has_number, or_(until.is_(None), until > soon))


def _filtered_query(filters: dict, today):
    stmt = services.profile_query()
    if filters["q"]:
        like = f"%{escape_like(filters['q'])}%"
        stmt = stmt.where(or_(Partner.name.ilike(like, escape="\\"),
                              Partner.idno.ilike(like, escape="\\"),
                              DonorProfile.contract_number.ilike(like, escape="\\")))
    if filters["type"]:
        stmt = stmt.where(DonorProfile.donor_type == filters["type"])
    if filters["contract"]:
        stmt = stmt.where(_contract_condition(filters["contract"], today))
    if filters["show"] == "active":
        stmt = stmt.where(DonorProfile.active.is_(True))
    elif filters["show"] == "inactive":
        stmt = stmt.where(DonorProfile.active.is_(False))
    return sorted_by(stmt, SORT_COLUMNS, "name").order_by(DonorProfile.id)


@bp.route("/")
@require("donors.profiles.view")
def index():
    filters, today = _filters(), services.today()
    page = paginate(db.session, _filtered_query(filters, today))
    return render_template("donors/index.html", page=page, filters=filters, today=today,
                           types=DONOR_TYPES, contract_states=CONTRACT_STATES)


@bp.route("/export")
@require("donors.profiles.view")
def export():
    """The filtered list (all pages) as CSV or XLSX."""
    fmt, today = request.args.get("fmt", "csv"), services.today()
    profiles = db.session.scalars(_filtered_query(_filters(), today)).all()
    rows = [services.export_row(p, today) for p in profiles]
    return export_response("donors", services.EXPORT_HEADERS, rows, fmt)


# --------------------------------------------------------------------------- one profile


def _profile_or_404(partner_id: int) -> DonorProfile:
    profile = services.get_profile(db.session, partner_id)
    if profile is None:
        abort(404)
    return profile


@bp.route("/<int:partner_id>")
@require("donors.profiles.view")
def detail(partner_id: int):
    profile = _profile_or_404(partner_id)
    return render_template("donors/detail.html", profile=profile, partner=profile.partner,
                           state=profile.contract_state(services.today()),
                           contract_states=CONTRACT_STATES)


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@require("donors.profiles.edit")
def edit(partner_id: int):
    """Create (the "Make donor" link) or edit the donor profile of a partner."""
    partner = services.get_partner(db.session, partner_id)
    if partner is None:
        abort(404)
    profile = services.get_profile(db.session, partner_id)
    form = DonorProfileForm(obj=profile)
    if profile is None and request.method == "GET":
        form.donor_type.data = partner.type if partner.type in DONOR_TYPES else "other"
        form.contact_email.data = partner.email
        form.contact_phone.data = partner.phone
    if form.validate_on_submit():
        upload = form.contract_scan.data
        scan = None
        if upload is not None and getattr(upload, "filename", ""):
            scan = (upload.filename, upload.read(services.max_scan_size() + 1))
        try:
            services.save_profile(db.session, partner, scan=scan, **form.profile_data())
            db.session.commit()
        except services.DonorInvalid as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Donor profile of %(name)s saved.", name=partner.name), "success")
            return redirect(url_for("donors.detail", partner_id=partner.id))
    return render_template("donors/form.html", form=form, partner=partner, profile=profile)



@bp.route("/<int:partner_id>/contract-scan")
@require("donors.profiles.view")
def contract_scan(partner_id: int):
    found = services.scan_bytes(db.session, partner_id)
    if found is None:
        abort(404)
    profile, data = found
    response = Response(data, mimetype=profile.scan_content_type)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in profile.scan_filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe or "contract"}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:partner_id>/contract-scan/delete", methods=["POST"])
@require("donors.profiles.edit")
def remove_contract_scan(partner_id: int):
    profile = _profile_or_404(partner_id)
    services.remove_scan(db.session, profile)
    db.session.commit()
    flash(_("Contract scan removed."), "success")
    return redirect(url_for("donors.detail", partner_id=partner_id))
