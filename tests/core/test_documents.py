"""The documents service: what an issued PDF says, PDF/A, identical reprints, cancel and reissue."""
from __future__ import annotations

import hashlib
import io
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader
from sqlalchemy import func, select, update

from core.auth.gate import SYSTEM, PermissionDenied, acting_as
from core.documents import service
from core.documents.models import CANCELLED, ISSUED, ImmutableDocument, IssuedDocument
from core.sequences import SequenceCounter, SequenceDefinition
from tests.conftest import create_user

ROMANIAN = "ș ț ă î â Ș Ț"
CYRILLIC = "Банк продуктов"
SEQUENCE = "test.sample"
SAMPLE = "tests/documents/sample.html"

#: A document type that exists only in tests, built like a plugin's handover certificate.
TEMPLATES = {
    SAMPLE: """{% extends "core/documents/pdf/base.html" %}
{% from "core/documents/pdf/macros.html" import props, signatures %}
{% block content %}
<p>{{ letters }}</p>
<p>{{ cyrillic }}</p>
{{ props([("Donor", donor), ("Value", amount|money)]) }}
<table class="grid"><thead><tr><th>#</th><th>Item</th></tr></thead><tbody>
{% for row in rows %}<tr><td class="num">{{ loop.index }}</td><td>{{ row }}</td></tr>{% endfor %}
</tbody></table>
{{ signatures([{"label": "Predat", "name": giver}, {"label": "Primit"}]) }}
{% endblock %}""",
}


def sample_context(**changes) -> dict:
    context = {"letters": ROMANIAN, "cyrillic": CYRILLIC, "donor": "SRL Fructe Proaspete",
               "amount": Decimal("1234.50"), "rows": ["Mere", "Pâine"], "giver": "Ion Țurcan"}
    context.update(changes)
    return context


def install_sample(app) -> None:
    from core.db import db

    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])
    with app.app_context():
        db.session.add(SequenceDefinition(code=SEQUENCE, prefix="TST", padding=6,
                                          label="Sample documents"))
        db.session.commit()


@pytest.fixture
def docs_app(app):
    install_sample(app)
    return app


def issue_sample(session, **changes) -> IssuedDocument:
    arguments = dict(doc_type="test.sample", sequence=SEQUENCE, template=SAMPLE,
                     context=sample_context(), title="Act de predare-primire",
                     doc_date=date(2026, 3, 9))
    arguments.update(changes)
    return service.issue(session, **arguments)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def xmp_pdfa_id(pdf: bytes) -> dict:
    """pdfaid:part and pdfaid:conformance from the XMP packet (attribute or element form)."""
    reader = PdfReader(io.BytesIO(pdf))
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return {}
    root = ET.fromstring(metadata.get_object().get_data())
    ns = "http://www.aiim.org/pdfa/ns/id/"
    found = {}
    for element in root.iter():
        for key in ("part", "conformance"):
            if f"{{{ns}}}{key}" in element.attrib:
                found[key] = element.attrib[f"{{{ns}}}{key}"]
            if element.tag == f"{{{ns}}}{key}":
                found[key] = (element.text or "").strip()
    return found


def count_documents(session) -> int:
    return session.scalar(select(func.count()).select_from(IssuedDocument))


# --------------------------------------------------------------------------- what the PDF says


def test_issued_pdf_carries_romanian_and_cyrillic_text_and_its_number(docs_app, tmp_path):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session)
        db.session.commit()
        pdf = service.reprint(document)

    assert document.number == "TST-2026-000001"
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert ROMANIAN in text
    assert CYRILLIC in text
    assert "Ion Țurcan" in text and "Pâine" in text
    assert "TST-2026-000001" in text
    assert "09.03.2026" in text  # the document date, dd.mm.yyyy
    assert "1.234,50 lei" in text  # a Romanian document: decimal comma
    # The same, read by poppler (which drops spaces between lone letters, so compare letters).
    poppler = pdftotext(pdf, tmp_path)
    assert CYRILLIC in poppler
    assert "TST-2026-000001" in poppler
    assert "Banca de Alimente" in poppler
    assert "șțăîâȘȚ" in "".join(poppler.split())


def test_pdf_is_a4_with_embedded_dejavu_and_page_numbers(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        rows = [f"Produs {i}" for i in range(1, 60)]  # more than one page
        document = issue_sample(db.session, context=sample_context(rows=rows), language="en")
        pdf = service.reprint(document)

    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in pt
    fonts = {str(font.get_object()["/BaseFont"])
             for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVu" in name for name in fonts), fonts
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {pages}" in page.extract_text()
    # The number is on every page, so a loose page can be matched to its document.
    assert all(document.number in page.extract_text() for page in reader.pages)


def test_document_language_sets_number_format_not_the_interface(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("ro"):
        english = issue_sample(db.session, language="en")
        romanian = issue_sample(db.session, language="ro")
        assert "1,234.50 lei" in pdf_text(service.reprint(english))
        assert "1.234,50 lei" in pdf_text(service.reprint(romanian))
        assert (english.language, romanian.language) == ("en", "ro")


def test_pdfa_variant_declares_pdfa_3b_in_its_xmp_metadata(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        archival = issue_sample(db.session, pdfa=True)
        plain = issue_sample(db.session, pdfa=False)
        archival_pdf, plain_pdf = service.reprint(archival), service.reprint(plain)

    assert archival.pdfa is True and plain.pdfa is False
    assert xmp_pdfa_id(archival_pdf) == {"part": "3", "conformance": "B"}
    intents = PdfReader(io.BytesIO(archival_pdf)).trailer["/Root"]["/OutputIntents"]
    assert [str(i.get_object()["/S"]) for i in intents] == ["/GTS_PDFA1"]  # sRGB colour profile
    assert xmp_pdfa_id(plain_pdf) == {}
    assert ROMANIAN in pdf_text(archival_pdf)


def test_render_pdf_works_without_issuing(docs_app):
    from core.db import db

    with docs_app.app_context():
        context = {**sample_context(), "organisation": {"name": "Test NGO"},
                   "document": {"number": "DRAFT", "date": date(2026, 1, 2), "title": "Preview",
                                "type": "x", "language": "ro", "replaces": None}}
        pdf = service.render_pdf(SAMPLE, context)
        assert count_documents(db.session) == 0
    text = pdf_text(pdf)
    assert "DRAFT" in text and "Test NGO" in text and "02.01.2026" in text
    assert xmp_pdfa_id(pdf) == {}


def test_header_shows_the_food_bank_partner_as_issuer(docs_app):
    from core.db import db
    from core.partners.models import Partner, PartnerAddress

    with docs_app.app_context(), acting_as(SYSTEM):
        bank = Partner(type="food_bank", name="Banca de Alimente",
                       legal_name="Asociația Obștească „Banca de Alimente”", idno="1012620004321")
        bank.addresses.append(PartnerAddress(kind="legal", street="str. Ștefan cel Mare 1",
                                             city="Chișinău"))
        db.session.add(bank)
        db.session.flush()
        text = pdf_text(service.reprint(issue_sample(db.session)))
    assert "Asociația Obștească „Banca de Alimente”" in text
    assert "1012620004321" in text
    assert "str. Ștefan cel Mare 1, Chișinău" in text


def test_configured_organisation_overrides_the_header(make_app):
    from core.db import db

    app = make_app(ORGANISATION_NAME="Concordia. Proiecte Sociale",
                   ORGANISATION_IDNO="1003600000001")
    install_sample(app)
    with app.app_context(), acting_as(SYSTEM):
        text = pdf_text(service.reprint(issue_sample(db.session)))
    assert "Concordia. Proiecte Sociale" in text and "1003600000001" in text


# --------------------------------------------------------------------------- what is stored


def test_issue_stores_bytes_hash_issuer_subject_and_partner(docs_app):
    from core.db import db
    from core.partners.models import Partner

    with docs_app.app_context(), acting_as(SYSTEM):
        partner = Partner(type="ngo", name="Concordia")
        db.session.add(partner)
        db.session.flush()
        document = issue_sample(db.session, subject=("donors_donation", 42),
                                partner_id=partner.id)
        db.session.commit()
        document_id, partner_id = document.id, partner.id
        db.reset_session()

        stored = db.session.get(IssuedDocument, document_id)
        assert stored.status == ISSUED
        assert stored.doc_type == "test.sample"
        assert stored.title == "Act de predare-primire"
        assert stored.doc_date == date(2026, 3, 9)
        assert (stored.subject_table, stored.subject_id) == ("donors_donation", "42")
        assert stored.partner_id == partner_id
        assert stored.issued_by_name == "system" and stored.issued_by_id is None
        assert stored.issued_at is not None and stored.issued_at.tzinfo is not None
        assert stored.sha256 == hashlib.sha256(stored.pdf).hexdigest()
        assert stored.size == len(stored.pdf) > 1000
        assert [d.id for d in service.documents_about(db.session, "donors_donation", 42)] == [
            document_id]


def test_issuer_is_the_acting_user_by_name(docs_app):
    from core.auth.models import User
    from core.db import db

    user_id = create_user(docs_app, "maria", roles=("accountant",))
    with docs_app.app_context():
        with acting_as(db.session.get(User, user_id)):
            document = issue_sample(db.session)
        assert document.issued_by_id == user_id
        assert document.issued_by_name == "Maria (maria)"


def test_default_date_is_today_in_chisinau(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session, doc_date=None)
        assert document.doc_date == service.today()
        assert document.number == f"TST-{service.today().year}-000001"


def test_reprint_is_byte_identical_and_matches_the_hash(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session)
        first = service.reprint(document)
        db.session.commit()
        document_id, sha = document.id, document.sha256
        db.reset_session()
        # The template changes after issue (a new layout): a reprint must not re-render.
        changed = {SAMPLE: TEMPLATES[SAMPLE].replace("<p>{{ letters }}</p>",
                                                     "<p>New layout</p>")}
        docs_app.jinja_env.loader = ChoiceLoader([DictLoader(changed), docs_app.jinja_env.loader])
        again = service.reprint(db.session.get(IssuedDocument, document_id))
        assert "New layout" in pdf_text(service.reprint(issue_sample(db.session)))
    assert again == first
    assert hashlib.sha256(again).hexdigest() == sha
    assert "New layout" not in pdf_text(again)


def test_reprint_refuses_a_file_altered_in_the_database(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session)
        db.session.commit()
        document_id = document.id
        db.session.execute(update(IssuedDocument.__table__)
                           .where(IssuedDocument.__table__.c.id == document_id)
                           .values(pdf=b"%PDF-1.7 forged"))
        db.session.commit()
        db.reset_session()
        with pytest.raises(service.DocumentIntegrityError, match="TST-2026-000001"):
            service.reprint(db.session.get(IssuedDocument, document_id))


def test_an_issued_document_cannot_be_edited(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session)
        db.session.commit()
        document.title = "Another title"
        with pytest.raises(ImmutableDocument):
            db.session.flush()
        db.session.rollback()
        assert document.title == "Act de predare-primire"


# --------------------------------------------------------------------------- bad input


def test_unknown_sequence_is_refused_and_nothing_changes(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        with pytest.raises(service.DocumentError, match="no.such.sequence"):
            issue_sample(db.session, sequence="no.such.sequence")
        assert count_documents(db.session) == 0
        assert db.session.scalars(select(SequenceCounter)).all() == []


def test_unknown_template_is_refused_before_a_number_is_taken(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        with pytest.raises(service.DocumentError, match="missing.html"):
            issue_sample(db.session, template="tests/documents/missing.html")
        assert db.session.scalars(select(SequenceCounter)).all() == []
        assert issue_sample(db.session).number == "TST-2026-000001"


def test_issuing_needs_a_known_user(docs_app):
    from core.db import db

    with docs_app.app_context():
        with pytest.raises(service.DocumentError):
            issue_sample(db.session)
        assert count_documents(db.session) == 0


def test_unknown_language_is_refused_before_a_number_is_taken(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        with pytest.raises(service.DocumentError, match="xx"):
            issue_sample(db.session, language="xx")
        assert db.session.scalars(select(SequenceCounter)).all() == []


def test_a_document_error_is_a_translatable_value_error(docs_app):
    from core.db import db

    assert issubclass(service.DocumentError, ValueError)
    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        with pytest.raises(service.DocumentError, match="title"):
            issue_sample(db.session, title="   ")


# --------------------------------------------------------------------------- cancel and reissue


def test_cancel_records_who_when_why_and_keeps_the_file(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session)
        db.session.commit()
        document_id, pdf = document.id, service.reprint(document)
        service.cancel(db.session, document, "  Cantitate greșită la poziția 2  ")
        db.session.commit()
        db.reset_session()
        stored = db.session.get(IssuedDocument, document_id)
        assert stored.status == CANCELLED
        assert stored.cancel_reason == "Cantitate greșită la poziția 2"
        assert stored.cancelled_by_name == "system"
        assert stored.cancelled_at is not None
        assert service.reprint(stored) == pdf  # the file itself never changes
        assert count_documents(db.session) == 1


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_cancel_without_a_reason_is_refused(docs_app, reason):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        document = issue_sample(db.session)
        db.session.commit()
        with pytest.raises(service.DocumentError, match="reason"):
            service.cancel(db.session, document, reason)
        db.session.commit()
        db.reset_session()
        stored = db.session.get(IssuedDocument, document.id)
        assert stored.status == ISSUED and stored.cancel_reason is None


def test_cancelling_twice_is_refused_and_keeps_the_first_reason(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        document = issue_sample(db.session)
        service.cancel(db.session, document, "first reason")
        db.session.commit()
        with pytest.raises(service.DocumentError, match="already cancelled"):
            service.cancel(db.session, document, "second reason")
        db.session.commit()
        db.reset_session()
        assert db.session.get(IssuedDocument, document.id).cancel_reason == "first reason"


def test_cancel_needs_the_cancel_permission(docs_app):
    from core.auth.models import User
    from core.db import db

    clerk_id = create_user(docs_app, "clerk", roles=("warehouse_clerk",))
    with docs_app.app_context():
        with acting_as(SYSTEM):
            document = issue_sample(db.session)
            db.session.commit()
        with acting_as(db.session.get(User, clerk_id)):
            with pytest.raises(PermissionDenied):
                service.cancel(db.session, document, "not mine to cancel")
            with pytest.raises(PermissionDenied):
                service.reissue(db.session, document, "nor this", template=SAMPLE,
                                context=sample_context())
        assert document.status == ISSUED


def test_reissue_cancels_and_links_the_correction(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM):
        original = issue_sample(db.session, subject=("donors_donation", 7), pdfa=True)
        db.session.commit()
        correction = service.reissue(db.session, original, "Wrong quantity of apples",
                                     template=SAMPLE,
                                     context=sample_context(rows=["Mere 12 kg"]))
        db.session.commit()
        original_id, correction_id = original.id, correction.id
        db.reset_session()

        old = db.session.get(IssuedDocument, original_id)
        new = db.session.get(IssuedDocument, correction_id)
        assert old.status == CANCELLED and old.cancel_reason == "Wrong quantity of apples"
        assert new.status == ISSUED
        assert new.replaces_id == old.id
        assert service.replaced_by(db.session, old).id == new.id
        assert (old.number, new.number) == ("TST-2026-000001", "TST-2026-000002")
        # The correction keeps what described the original.
        assert (new.doc_type, new.title, new.subject_table, new.subject_id, new.pdfa) == (
            old.doc_type, old.title, "donors_donation", "7", True)
        text = pdf_text(service.reprint(new))
        assert "Mere 12 kg" in text
        assert "TST-2026-000001" in text  # says which document it replaces
        assert "Mere 12 kg" not in pdf_text(service.reprint(old))
        assert count_documents(db.session) == 2


def test_reissue_with_bad_input_changes_nothing(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        document = issue_sample(db.session)
        db.session.commit()
        with pytest.raises(service.DocumentError, match="reason"):
            service.reissue(db.session, document, " ", template=SAMPLE, context=sample_context())
        with pytest.raises(service.DocumentError):
            service.reissue(db.session, document, "typo", template="tests/documents/nope.html",
                            context=sample_context())
        db.session.commit()
        db.reset_session()
        assert db.session.get(IssuedDocument, document.id).status == ISSUED
        assert count_documents(db.session) == 1
        assert db.session.get(SequenceCounter, (SEQUENCE, 2026)).last_value == 1


def test_reissuing_a_cancelled_document_is_refused(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        document = issue_sample(db.session)
        service.cancel(db.session, document, "duplicate")
        with pytest.raises(service.DocumentError, match="already cancelled"):
            service.reissue(db.session, document, "again", template=SAMPLE,
                            context=sample_context())


def test_a_replacement_must_replace_a_cancelled_document_once(docs_app):
    from core.db import db

    with docs_app.app_context(), acting_as(SYSTEM), force_locale("en"):
        original = issue_sample(db.session)
        with pytest.raises(service.DocumentError, match="still valid"):
            issue_sample(db.session, replaces=original)
        service.cancel(db.session, original, "wrong donor")
        issue_sample(db.session, replaces=original)
        with pytest.raises(service.DocumentError, match="already replaced"):
            issue_sample(db.session, replaces=original)
        assert count_documents(db.session) == 2
