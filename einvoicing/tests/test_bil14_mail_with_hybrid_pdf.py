"""BIL-14: the buyer always gets the document by e-mail with the hybrid PDF attached — the stored
PDF/A-3 with its factur-x.xml, byte for byte — sent once the PDF is stored, once: a second render
task or the missing-PDF job sends nothing more. The mail log and the retry outbox keep a
reference to the PDF, never its bytes."""

import hashlib
import io
import socket
from datetime import timedelta

import pytest
import time_machine
from pypdf import PdfReader

from accounts.mail_delivery import outbox_get
from accounts.models import MailLog
from billing.jobs import render_missing_pdfs
from billing.models import Document
from billing.pdf import document_pdf_store
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.tasks import render_document_pdf
from billing.tests.conftest import seats
from einvoicing.tests.bil14_helpers import (
    AT,
    danish_business,
    own_media,  # noqa: F401 - a fixture
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seller_ready", "own_media")]


def _document_mails(mailoutbox, document: Document) -> list:  # type: ignore[no-untyped-def]
    return [m for m in mailoutbox if document.number in m.subject]


def _issue(account, capture) -> Document:  # type: ignore[no-untyped-def]
    """Issue with the buyer's e-mail asked for (notify), as Min konto and the staff do."""
    with time_machine.travel(AT, tick=False), capture(execute=True):
        return invoice_issue(account=account, lines=seats(), render_pdf=False)


def _render(document: Document, capture) -> Document:  # type: ignore[no-untyped-def]
    """What the worker's render task does after the issue's commit, its on-commit steps included."""
    with capture(execute=True):
        return document_pdf_store(document_id=document.pk)


@pytest.mark.parametrize("buyer", ["dk", "sk"])
def test_bil14_buyer_mail_carries_the_stored_hybrid_pdf_once(
    account_a, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    # given a business buyer whose account reads Danish (Danish reverse charge; Slovak, also
    # sent through Peppol)
    (danish_business if buyer == "dk" else slovak_business)(account_a)
    # when an invoice is issued, its e-mail waits for the PDF it carries
    invoice = _issue(account_a, django_capture_on_commit_callbacks)
    assert not _document_mails(mailoutbox, invoice)
    invoice = _render(invoice, django_capture_on_commit_callbacks)
    # then exactly one mail, in the buyer's language, with exactly one PDF: the stored one
    (mail,) = _document_mails(mailoutbox, invoice)
    assert "PDF'en er vedhæftet denne e-mail" in mail.body and "Min konto" in mail.body, mail.body
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256
    # and that PDF is the hybrid: one factur-x.xml naming the invoice
    embedded = PdfReader(io.BytesIO(content)).attachments
    assert list(embedded) == ["factur-x.xml"] and len(embedded["factur-x.xml"]) == 1
    assert invoice.number.encode() in embedded["factur-x.xml"][0]
    # when the render runs again (a second task, the missing-PDF job), nothing more is sent
    _render(invoice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        render_document_pdf(invoice.pk)
        render_missing_pdfs(at=AT + timedelta(hours=1), dry_run=False)
    assert len(_document_mails(mailoutbox, invoice)) == 1
    # and the log keeps the mail, not the file
    log = MailLog.objects.get(template="billing_document_issued", subject=mail.subject)
    assert "%PDF" not in log.body and len(log.body) < 2000


def test_bil14_credit_note_mail_carries_its_own_hybrid_pdf(account_a, mailoutbox, django_capture_on_commit_callbacks):
    # given a Danish business's invoice, mailed
    danish_business(account_a)
    invoice = _render(_issue(account_a, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    # when staff credit it and the worker renders the credit note
    with time_machine.travel(AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        note = credit_note_issue(invoice=invoice, reason="Wrong seat count", render_pdf=False)
    note = _render(note, django_capture_on_commit_callbacks)
    # then the credit note's mail carries the credit note's PDF, not the invoice's
    (mail,) = _document_mails(mailoutbox, note)
    ((_name, content, _type),) = mail.attachments
    assert hashlib.sha256(content).hexdigest() == note.pdf_sha256 != invoice.pdf_sha256
    assert "factur-x.xml" in PdfReader(io.BytesIO(content)).attachments


def test_bil14_mail_refused_by_the_server_waits_with_a_reference_not_the_pdf(
    account_a, settings, mailoutbox, django_capture_on_commit_callbacks
):
    # given the mail server refusing connections
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    danish_business(account_a)
    # when the invoice's PDF is stored and its mail is tried
    invoice = _render(_issue(account_a, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    # then the message waiting for the retry names the PDF; it does not hold it
    log = MailLog.objects.get(template="billing_document_issued", account=account_a)
    assert log.status != "sent" and log.attempts == 1
    assert outbox_get(log.pk)["attachments"] == [{"kind": "document_pdf", "id": invoice.pk}]
