"""BIL-6 / BIL-14: the receipt of a paid charge is the one e-mail of the payment, and it carries
the invoice issued for it as the PDF the buyer keeps (the hybrid PDF/A-3 with factur-x.xml).

The invoice's PDF is rendered after the payment commits, so the receipt of a charge whose invoice
was issued waits for it: the invoice is marked to be mailed as a receipt (billing.document_mail),
and when its PDF is stored billing asks core.hooks.document_receipt_send, answered here. Without
an issued invoice to wait for (no billing details, an invoice held for its exchange rate, PDFs
switched off) the receipt goes at once, without an attachment, as before.
"""

from typing import Any

from django.conf import settings

from billing.document_mail import document_mail_later, documents_mail_later, pdf_attachment
from billing.models import Document, DocumentMailKind, DocumentStatus
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge
from billing.subscriptions.services.audit_and_mail import owner_mail
from core import hooks


def _context(charge: Charge, **extra: Any) -> dict[str, Any]:
    return {"charge": charge, "method": str(charge.payment_method or ""), **extra}


def receipt_waits(invoice: Document | None) -> bool:
    """Whether the receipt waits for this invoice's PDF (an issued invoice, PDFs rendered)."""
    return (
        invoice is not None
        and invoice.status != DocumentStatus.DRAFT
        and getattr(settings, "SUBSCRIPTIONS_INVOICE_PDF", True)
    )


def receipt_mail(charge: Charge, *, invoice: Document | None) -> None:
    """The paid charge's receipt: after its invoice's PDF is stored, with it; now when there is
    no PDF to wait for."""
    if receipt_waits(invoice):
        document_mail_later(invoice, kind=DocumentMailKind.RECEIPT)
        return
    owner_mail(charge.account, "subscriptions_receipt", _context(charge))


def receipts_later(invoices: list[Document]) -> set[int]:
    """receipt_mail for the invoices a billing batch is about to number, in its transaction (one
    INSERT): their receipts go with their PDFs. Returns the invoices whose receipt waits (none
    when PDFs are not rendered: the caller mails those receipts now, as receipt_mail does)."""
    if not getattr(settings, "SUBSCRIPTIONS_INVOICE_PDF", True):
        return set()
    documents_mail_later(invoices, kind=DocumentMailKind.RECEIPT)
    return {invoice.pk for invoice in invoices}


@hooks.document_receipt_send.register
def document_receipt_send(document: Document) -> bool:
    """core.hooks.document_receipt_send: the receipt of the charge the invoice was issued for, to
    the Owner in their language, with the stored PDF attached. False when no paid charge names the
    invoice (billing then sends its own document e-mail)."""
    charge = (
        Charge.objects.filter(invoice_id=document.pk, status=ChargeStatus.PAID)
        .select_related("account", "payment_method")
        .first()
    )
    if charge is None:
        return False
    owner_mail(
        charge.account,
        "subscriptions_receipt",
        _context(charge, invoice_attached=True),
        attachments=[pdf_attachment(document)],
    )
    return True
