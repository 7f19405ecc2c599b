"""The e-mail an issued document goes out with, sent once its PDF is stored (BIL-14: the buyer
gets the hybrid PDF — PDF/A-3 with factur-x.xml — attached, whatever Peppol does).

At issue `document_mail_later` records that the document is to be mailed (a DocumentMail row, in
the issuing transaction). The PDF's store (billing.pdf.document_pdf_store: the render task, a
second task, the missing-PDF job) calls `document_mail_due`, which claims the row under a lock
and sends at most once. The attachment is a reference resolved when the mail is delivered
(core.hooks.mail_attachment → billing.pdf.pdf_attachment_resolve), so the mail log and the retry
outbox never hold the file.

A card-paid invoice goes out with the payment's receipt instead (BIL-6: one e-mail per payment):
the subscriptions app answers core.hooks.document_receipt_send and attaches the same PDF.
"""

from typing import Any

from django.db import transaction

from accounts.mailer import mail_send
from billing.models import Document, DocumentKind, DocumentMail, DocumentMailKind
from billing.selectors import minkonto_documents_url
from config.clock import now
from core import hooks

PDF_ATTACHMENT = "document_pdf"


def pdf_attachment(document: Document) -> dict[str, Any]:
    """The reference mail_send takes for a document's stored PDF."""
    return {"kind": PDF_ATTACHMENT, "id": document.pk}


def document_mail_later(document: Document, *, kind: str = DocumentMailKind.DOCUMENT) -> None:
    """Mail the document once its PDF is stored (at once after commit when it is stored already).
    A document is mailed once: asking again changes nothing."""
    DocumentMail.objects.get_or_create(document=document, defaults={"kind": kind, "created_at": now()})
    if document.pdf_sha256:
        transaction.on_commit(lambda: document_mail_due(document_id=document.pk))


def documents_mail_later(documents: list[Document], *, kind: str) -> None:
    """document_mail_later for many documents at once (a billing batch): one INSERT."""
    DocumentMail.objects.bulk_create(
        [DocumentMail(document=d, kind=kind, created_at=now()) for d in documents], ignore_conflicts=True
    )
    for document in documents:
        if document.pdf_sha256:
            transaction.on_commit(lambda pk=document.pk: document_mail_due(document_id=pk))


def document_mail_due(*, document_id: int) -> bool:
    """Send the document's waiting e-mail if its PDF is stored. True when this call sent it; a
    second call (another render task, the missing-PDF job) finds it sent and sends nothing."""
    with transaction.atomic():
        mail = (
            DocumentMail.objects.select_for_update(of=("self",))
            .select_related("document")
            .filter(document_id=document_id, sent_at__isnull=True)
            .exclude(document__pdf_sha256="")
            .first()
        )
        if mail is None:
            return False
        mail.sent_at = now()
        mail.save(update_fields=["sent_at"])
        if mail.kind == DocumentMailKind.RECEIPT and hooks.document_receipt_send(mail.document):
            return True
        document_mail_send(mail.document)
    return True


def document_mail_send(document: Document) -> None:
    """E-mail an issued document with its PDF to its buyer snapshot's address, in the document's
    language: a credit note reaches whoever received the invoice it cancels (BIL-8)."""
    mail_send(
        to=document.buyer["email"],
        template="billing_document_issued",
        language=document.language,
        account=document.account,
        context={
            "document": document,
            "is_credit_note": document.kind == DocumentKind.CREDIT_NOTE,
            "url": minkonto_documents_url(document.account),
        },
        attachments=[pdf_attachment(document)],
    )
