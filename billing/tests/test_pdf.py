"""BIL-11: the PDF of an invoice and a credit note, in Danish and Norwegian, rendered once after
issue, stored with its SHA-256 and served from storage. The pages are kept as PNG artifacts."""

import hashlib
import io
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.users.models import Role, User
from billing.jobs import render_missing_pdfs
from billing.models import Document
from billing.pdf import document_pdf_store
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.tasks import render_document_pdf
from billing.tests.conftest import DK_VAT, seats

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
AT = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
SE_VAT = "SE556677880801"


def text_of(document: Document) -> str:
    with default_storage.open(document.pdf_file, "rb") as handle:
        data = handle.read()
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def keep_png(document: Document, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", default_storage.path(document.pdf_file), str(target)],
        check=True,
    )
    return target.with_suffix(".png")


@pytest.mark.parametrize(
    "which,country,vat,words",
    [
        (
            "a",
            "DK",
            DK_VAT,
            {
                "invoice": "Faktura",
                "credit": "Kreditnota",
                "rc": "Omvendt betalingspligt",
                "issue": "Udstedelsesdato",
                "vat": "Momsnummer",
            },
        ),
        (
            "b",
            "SE",
            SE_VAT,
            {
                "invoice": "Faktura",
                "credit": "Kreditnota",
                "rc": "Omvendt avgiftsplikt",
                "issue": "Utstedelsesdato",
                "vat": "MVA-nummer",
            },
        ),
    ],
)
def test_bil11_invoice_and_credit_note_pdfs_carry_the_legal_fields(request, make_profile, which, country, vat, words):
    account = request.getfixturevalue(f"account_{which}")
    make_profile(account, country=country, vat_number=vat, vies_valid=True)
    with time_machine.travel(AT, tick=False):
        invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
        note = credit_note_issue(invoice=invoice, reason="Wrong seat count", notify=False, render_pdf=False)
    # the task, called directly as a worker would after commit
    for document in (invoice, note):
        render_document_pdf(document.pk)
        document.refresh_from_db()
        with default_storage.open(document.pdf_file, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == document.pdf_sha256
    language = account.language
    png = keep_png(invoice, f"invoice-{language}")
    keep_png(note, f"credit-note-{language}")
    assert png.stat().st_size > 10_000

    text = text_of(invoice)
    for expected in (
        words["invoice"],
        invoice.number,
        words["issue"],
        "02.03.2026",  # date of issue (and of supply)
        "Kvalita Desk s.r.o.",
        "SK2024123464",  # seller VAT number
        vat,  # buyer VAT number, required under reverse charge
        account.name,
        words["vat"],
        words["rc"],  # Art. 226(11a)
        "196",  # the provision (Art. 196 of the VAT Directive)
        "117,00 EUR",
        "39,00 EUR",
    ):
        assert expected in text, expected
    credit_text = text_of(note)
    for expected in (words["credit"], note.number, invoice.number, "-117,00 EUR", "Wrong seat count"):
        assert expected in credit_text, expected


def test_bil11_pdf_is_rendered_once_and_served_from_storage(account_a, make_profile, client_a):
    make_profile(account_a, country="DK")
    invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    first = document_pdf_store(document_id=invoice.pk)
    # a second task, or the job, finds the hash and does not render again
    with mock.patch("billing.pdf.html_to_pdf", side_effect=AssertionError("re-rendered")):
        assert document_pdf_store(document_id=invoice.pk).pdf_sha256 == first.pdf_sha256
        with tenant_context(account_a):
            client_a.force_login(User.objects.get(role=Role.OWNER))
        response = client_a.get(f"/min-konto/billing/documents/{invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == first.pdf_sha256


def test_bil11_missing_pdf_is_queued_again_by_the_job(account_a, make_profile):
    make_profile(account_a, country="DK")
    invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    soon, later = invoice.issued_at + timedelta(minutes=1), invoice.issued_at + timedelta(minutes=10)
    assert render_missing_pdfs(at=soon, dry_run=False).counts == {}  # its own task may still be running
    assert render_missing_pdfs(at=later, dry_run=True).counts == {"to_requeue": 1}
    assert render_missing_pdfs(at=later, dry_run=False).counts == {"requeued": 1}
    render_document_pdf(invoice.pk)  # what a worker does with the queued task
    assert Document.objects.get(pk=invoice.pk).pdf_sha256
    assert render_missing_pdfs(at=later, dry_run=False).counts == {}
