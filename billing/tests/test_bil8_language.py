"""BIL-8 / text for its reader: a credit note is worded in the buyer's language, not in the
language of the staff member who issued it. Its lines keep a code and parameters and are worded
when the PDF is rendered, inside the document's language."""

import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from accounts.models import Account
from billing.line_texts import CREDIT_OF_INVOICE
from billing.models import CreditNote, Document
from billing.pdf import document_pdf_store
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db


def pdf_text(document: Document) -> str:
    with default_storage.open(document.pdf_file, "rb") as handle:
        data = handle.read()
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_bil8_credit_note_lines_are_in_the_buyers_language_not_the_staff_members(
    account_b, make_profile, staff_user, public_client, django_capture_on_commit_callbacks, mailoutbox
):
    # given a Norwegian buyer's invoice
    assert Account.objects.get(pk=account_b.pk).language == "nb"
    make_profile(account_b, country="NO")
    invoice = invoice_issue(account=account_b, lines=seats(), notify=False, render_pdf=False)
    # when staff credit part of it from the admin, which runs in Danish
    public_client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post(
            f"/admin/billing/invoice/{invoice.pk}/credit/",
            {"amount": "17.00", "reason": "Goodwill", "confirmed": "yes"},  # the amounts were confirmed
            HTTP_ACCEPT_LANGUAGE="da",
            follow=True,
        )
    note = CreditNote.objects.get(credited_invoice=invoice)
    assert f"Kreditnota {note.number} er udstedt." in response.content.decode()  # the admin spoke Danish
    # then the line keeps its code, and the PDF the buyer gets reads Norwegian
    line = note.lines.get()
    assert (line.code, line.params) == (CREDIT_OF_INVOICE, {"number": invoice.number})
    with django_capture_on_commit_callbacks(execute=True):
        text = pdf_text(document_pdf_store(document_id=note.pk))
    assert f"Kreditering av faktura {invoice.number}" in text
    assert "Kreditering af" not in text
    # and so does the e-mail that announces it
    assert [m.to for m in mailoutbox] == [["billing@alfa.example"]]
    assert "Vi har utstedt kreditnota" in mailoutbox[0].body, mailoutbox[0].body
