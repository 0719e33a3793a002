"""The documents service: render a template to (archival) PDF, number it, keep it, cancel it.

Every plugin issues its documents (handover certificates, donor statements...) through
:func:`issue`. The number comes from a gap-free sequence in the caller's transaction, the PDF
bytes and their SHA-256 are stored, so a reprint is the very same file. An issued document is
never edited: a correction cancels it and issues a new one that ``replaces`` it, and both stay
on record.

Services take the session and never commit; the caller commits once per business operation.
Permission to issue belongs to the caller's own permission (``donors.documents.issue``...);
cancelling is checked here with ``core.documents.cancel``.
"""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import TemplateNotFound
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.gate import current_actor, ensure
from core.db.types import utcnow
from core.documents.models import CANCELLED, ISSUED, IssuedDocument
from core.sequences import SequenceDefinition, UnknownSequence, allocate, local_today

#: The PDF/A flavour for legal evidence: PDF/A-3 level B (visual appearance preserved).
PDFA_VARIANT = "pdf/a-3b"

#: Used in the header when no organisation is configured and no food-bank partner exists.
DEFAULT_ORGANISATION = "Banca de Alimente"


class DocumentError(ValueError):
    """Bad input for a documents operation; the message is translated and shown to the user.

    Raised before anything is changed, so the caller can show the message and carry on.
    """


class DocumentIntegrityError(DocumentError):
    """The stored PDF no longer matches its fingerprint (tampered with or damaged)."""


# --------------------------------------------------------------------------- rendering


def _local_files_only(roots: list[Path]):
    """A WeasyPrint URL fetcher that loads images and stylesheets from the app's static folders,
    nothing else.

    A document is rendered on the server: it must never reach out to the network or read files
    outside the static folders, whatever a template (or data put into it) asks for. WeasyPrint
    is imported here, not at module level: it costs a second at start-up of every process.
    """
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("file", "data"))
            self._roots = [root.resolve() for root in roots]

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self._roots):
                    raise ValueError(f"document resources must come from a static folder: {url}")
            return super().fetch(url, headers)

    return LocalFilesOnly()


def _static_roots() -> list[Path]:
    app = current_app
    folders = [app.static_folder] + [bp.static_folder for bp in app.blueprints.values()]
    return [Path(f) for f in folders if f]


def render_html(template_name: str, context: dict[str, Any], *, language: str = "ro") -> str:
    """Render ``template_name`` of the current app in ``language`` (without page-only context).

    Works inside or outside a request; the interface language of the user does not matter, the
    document's own language does (dates, decimal commas and template strings).
    """
    template = current_app.jinja_env.get_template(template_name)
    with force_locale(language):
        return template.render(**context)


def render_pdf(template_name: str, context: dict[str, Any], *, pdfa: bool = False,
               language: str = "ro") -> bytes:
    """Render a template to PDF bytes (PDF/A-3b when ``pdfa``; archival, fonts embedded)."""
    html = render_html(template_name, context, language=language)
    roots = _static_roots()
    base_url = roots[0].resolve().as_uri() + "/"
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url,
                               url_fetcher=_local_files_only(roots))
    options: dict[str, Any] = {}
    if pdfa:
        options["pdf_variant"] = PDFA_VARIANT
    return document.write_pdf(**options)


def organisation_header(session: Session) -> dict[str, str]:
    """Who issues documents: config ``ORGANISATION_*`` first, else the food-bank partner."""
    from core.partners.models import Partner

    config = current_app.config
    header = {"name": "", "idno": "", "address": ""}
    partner = session.scalar(
        select(Partner).where(Partner.type == "food_bank", Partner.archived.is_(False))
        .order_by(Partner.id).limit(1))
    if partner is not None:
        legal = next((a for a in partner.addresses if a.kind == "legal"), None)
        header.update(name=partner.legal_name or partner.name, idno=partner.idno or "",
                      address=str(legal) if legal else "")
    for key in header:
        configured = config.get(f"ORGANISATION_{key.upper()}")
        if configured:
            header[key] = configured
    header["name"] = header["name"] or DEFAULT_ORGANISATION
    return header


# --------------------------------------------------------------------------- issuing


def today() -> date:
    """Today's date where the Food Bank works (Europe/Chisinau), not the server's."""
    return local_today()


def _actor_names() -> tuple[int | None, str]:
    actor = current_actor()
    if actor is None:
        raise DocumentError(_("Documents can only be issued and cancelled by a known user."))
    username = getattr(actor, "username", str(actor))
    display = getattr(actor, "display_name", "") or username
    name = display if display == username else f"{display} ({username})"
    return getattr(actor, "id", None), name


def _check_language(language: str) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise DocumentError(_("Documents can be issued in %(languages)s, not in %(language)s.",
                              languages=", ".join(current_app.config["LANGUAGES"]),
                              language=language))


def _check_template(template_name: str) -> None:
    try:
        current_app.jinja_env.get_template(template_name)
    except TemplateNotFound:
        raise DocumentError(_("The document template %(name)s does not exist.",
                              name=template_name)) from None


def _check_sequence(session: Session, code: str) -> None:
    if session.get(SequenceDefinition, code) is None:
        raise DocumentError(_("The number sequence %(code)s is not declared by any enabled "
                              "plugin.", code=code))


def _check_replaceable(session: Session, replaces: IssuedDocument) -> None:
    if replaces.status != CANCELLED:
        raise DocumentError(_("Document %(number)s is still valid: cancel it before issuing "
                              "its replacement.", number=replaces.number))
    successor = replaced_by(session, replaces)
    if successor is not None:
        raise DocumentError(_("Document %(number)s was already replaced by %(other)s.",
                              number=replaces.number, other=successor.number))


def issue(session: Session, *, doc_type: str, sequence: str, template: str,
          context: dict[str, Any], title: str, doc_date: date | None = None,
          subject: tuple[str, Any] | None = None, partner_id: int | None = None,
          pdfa: bool = True, language: str = "ro",
          replaces: IssuedDocument | None = None) -> IssuedDocument:
    """Number, render and store a document; returns it (flushed, so it has an id).

    The template receives ``context`` plus ``document`` (number, date, title, type, language,
    issuer, ``replaces``) and ``organisation`` (name, IDNO, address), unless the caller gives its
    own ``organisation``. Raises :class:`DocumentError` on bad input, before taking a number.
    """
    title = (title or "").strip()
    if not title:
        raise DocumentError(_("A document needs a title."))
    if not doc_type or len(doc_type) > 64:
        raise DocumentError(_("A document needs a type code of at most 64 characters."))
    _check_language(language)
    if subject is not None and (len(subject) != 2 or not subject[0] or subject[1] is None):
        raise DocumentError(_("A document's subject is a (table, id) pair."))
    _check_sequence(session, sequence)
    _check_template(template)
    if replaces is not None:
        _check_replaceable(session, replaces)
    issued_by_id, issued_by_name = _actor_names()
    doc_date = doc_date or today()

    try:
        number, _year, _value = allocate(session, sequence, on=doc_date)
    except UnknownSequence:  # pragma: no cover - checked above, kept for safety
        raise DocumentError(_("The number sequence %(code)s is not declared by any enabled "
                              "plugin.", code=sequence)) from None

    info = {
        "number": number,
        "date": doc_date,
        "title": title,
        "type": doc_type,
        "language": language,
        "issued_by": issued_by_name,
        "replaces": ({"number": replaces.number, "date": replaces.doc_date}
                     if replaces is not None else None),
    }
    full_context = {"organisation": organisation_header(session), **context, "document": info}
    pdf = render_pdf(template, full_context, pdfa=pdfa, language=language)

    document = IssuedDocument(
        doc_type=doc_type, number=number, title=title[:300], doc_date=doc_date,
        language=language, pdfa=pdfa,
        subject_table=subject[0] if subject else None,
        subject_id=str(subject[1]) if subject else None,
        partner_id=partner_id, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
        issued_at=utcnow(), issued_by_id=issued_by_id, issued_by_name=issued_by_name,
        status=ISSUED, replaces_id=replaces.id if replaces is not None else None,
    )
    session.add(document)
    session.flush()
    return document


def reprint(document: IssuedDocument) -> bytes:
    """The stored PDF, byte for byte; refuses bytes that do not match the stored SHA-256."""
    pdf = document.pdf
    if hashlib.sha256(pdf).hexdigest() != document.sha256 or len(pdf) != document.size:
        raise DocumentIntegrityError(_("The stored file of document %(number)s does not match "
                                       "its fingerprint; it was altered or damaged.",
                                       number=document.number))
    return pdf


# --------------------------------------------------------------------------- cancelling


def _check_cancellable(document: IssuedDocument, reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError(_("Say why the document is cancelled: a reason is required."))
    if document.status == CANCELLED:
        raise DocumentError(_("Document %(number)s is already cancelled.",
                              number=document.number))
    return reason


def cancel(session: Session, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Cancel ``document`` (who, when, why); its file and number stay on record unchanged."""
    ensure("core.documents.cancel")
    reason = _check_cancellable(document, reason)
    _id, name = _actor_names()
    document.status = CANCELLED
    document.cancelled_at = utcnow()
    document.cancelled_by_name = name
    document.cancel_reason = reason
    session.flush()
    return document


def reissue(session: Session, document: IssuedDocument, reason: str, *, template: str,
            context: dict[str, Any], sequence: str | None = None, title: str | None = None,
            doc_date: date | None = None, partner_id: int | None = None,
            pdfa: bool | None = None, language: str | None = None) -> IssuedDocument:
    """Cancel ``document`` with ``reason`` and issue its correction, which ``replaces`` it.

    The new document keeps the type, subject, partner, title, language and PDF/A choice of the
    old one unless given, and takes a new number from the same sequence (found from the old
    number's prefix) unless ``sequence`` is given. Both stay on record.
    """
    ensure("core.documents.cancel")
    _check_cancellable(document, reason)
    sequence = sequence or sequence_of(session, document)
    _check_sequence(session, sequence)
    _check_template(template)
    _check_language(language or document.language)
    if title is not None and not title.strip():
        raise DocumentError(_("A document needs a title."))
    if replaced_by(session, document) is not None:  # pragma: no cover - needs a corrupt record
        raise DocumentError(_("Document %(number)s was already replaced.",
                              number=document.number))
    cancel(session, document, reason)
    subject = ((document.subject_table, document.subject_id)
               if document.subject_table else None)
    return issue(
        session, doc_type=document.doc_type, sequence=sequence, template=template,
        context=context, title=title or document.title, doc_date=doc_date, subject=subject,
        partner_id=document.partner_id if partner_id is None else partner_id,
        pdfa=document.pdfa if pdfa is None else pdfa,
        language=language or document.language, replaces=document,
    )


# --------------------------------------------------------------------------- lookups


def sequence_of(session: Session, document: IssuedDocument) -> str:
    """The code of the sequence that numbered ``document`` (its prefix and padding match)."""
    head, _sep, digits = document.number.rpartition("-")
    prefix = head.rsplit("-", 1)[0]
    codes = [d.code for d in session.scalars(
        select(SequenceDefinition).where(SequenceDefinition.prefix == prefix))
        if d.padding <= len(digits)]
    if len(codes) == 1:
        return codes[0]
    raise DocumentError(_("No number sequence matches document %(number)s; say which one to "
                          "use.", number=document.number))


def replaced_by(session: Session, document: IssuedDocument) -> IssuedDocument | None:
    """The document that corrects ``document``, if any."""
    return session.scalar(select(IssuedDocument).where(IssuedDocument.replaces_id == document.id))


def documents_about(session: Session, table: str, record_id: Any) -> list[IssuedDocument]:
    """Every document issued about a record, newest first (for plugins' detail pages)."""
    return list(session.scalars(
        select(IssuedDocument)
        .where(IssuedDocument.subject_table == table,
               IssuedDocument.subject_id == str(record_id))
        .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())))
