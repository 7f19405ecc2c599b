"""The one PDF renderer for invoices and credit notes (WeasyPrint).

A document's PDF is rendered once, after its issue has committed, in the buyer's language, and
stored under MEDIA_ROOT with its SHA-256; downloads are served from storage and never re-rendered
(BIL-11). One FontConfiguration is shared: a new one per render leaks memory. The e-invoicing
app may make the PDF itself from the same HTML (BIL-14: a PDF/A-3 with the structured data
embedded) through core.hooks.document_pdf; billing never imports it.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing.document_mail import PDF_ATTACHMENT, document_mail_due
from billing.models import Document, DocumentKind, DocumentStatus, TaxTreatment
from billing.party_ids import party_identifiers
from billing.payment_texts import paid_sentence
from config.clock import seller_zone
from core import hooks

# WeasyPrint logs every layout step at INFO; one line per step per PDF drowns the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_font_config = None


def font_config():  # type: ignore[no-untyped-def]
    global _font_config
    if _font_config is None:
        # WeasyPrint is imported on first use: it costs ~365 ms, which a web process that never
        # renders a PDF should not pay at start (no import cycle is involved).
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def document_html(document: Document) -> str:
    # BIL-17: the issue date (and every other instant the template prints) as the seller's day.
    with translation.override(document.language), timezone.override(seller_zone()):
        return render_to_string(
            "billing/pdf/document.html",
            {
                "doc": document,
                "lines": list(document.lines.order_by("position")),
                "is_credit_note": document.kind == DocumentKind.CREDIT_NOTE,
                "reverse_charge": document.tax_treatment == TaxTreatment.REVERSE_CHARGE,
                # BIL-17: a card-paid invoice is paid before its PDF is rendered; it says so.
                "paid": document.status == DocumentStatus.PAID,
                "paid_sentence": paid_sentence(document),
                "seller": document.seller,
                "buyer": document.buyer,
                # BIL-14: the identifiers the e-invoice carries, printed too.
                "seller_ids": party_identifiers(document.seller),
                "buyer_ids": party_identifiers(document.buyer),
            },
        )


def html_to_pdf(html: str, **options: object) -> bytes:
    """`options` go to WeasyPrint's write_pdf (e.g. pdf_variant="pdf/a-3b")."""
    from weasyprint import HTML  # on first use, see font_config()

    return HTML(string=html).write_pdf(font_config=font_config(), **options)


def pdf_path(document: Document) -> str:
    return f"billing/{document.kind}/{document.issued_at:%Y}/{document.number}.pdf"


def document_pdf_store(*, document_id: int) -> Document:
    """Render and store a document's PDF unless it exists already (idempotent: a second task,
    or the `billing_render_missing_pdfs` job, finds the hash and stops)."""
    document = Document.objects.get(pk=document_id)
    if document.pdf_sha256:
        document_mail_due(document_id=document_id)  # sent already, unless a crash came between
        return document
    if document.status == DocumentStatus.DRAFT:
        return document
    # Render outside the lock: it takes tens of milliseconds and needs no row lock (as does the
    # e-invoice's build and validation behind the hook).
    html = document_html(document)
    pdf = hooks.document_pdf(document, html) or html_to_pdf(html)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document_id)
        if locked.pdf_sha256:
            return locked
        path = pdf_path(locked)
        if default_storage.exists(path):  # left over by a render that crashed before recording it
            default_storage.delete(path)
        stored = default_storage.save(path, ContentFile(pdf))
        Document.objects.filter(pk=document_id, pdf_sha256="").update(pdf_file=stored, pdf_sha256=digest)
        transaction.on_commit(lambda: hooks.document_pdf_stored(document_id))
        # BIL-14: the document's e-mail, with this PDF attached, once (billing/document_mail.py).
        transaction.on_commit(lambda: document_mail_due(document_id=document_id))
    return Document.objects.get(pk=document_id)


class PdfMissing(Exception):
    pass


def document_pdf_bytes(document: Document) -> bytes:
    """The stored PDF, checked against its hash."""
    if not document.pdf_sha256:
        raise PdfMissing(document.number)
    with default_storage.open(document.pdf_file, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.pdf_sha256:
        raise PdfMissing(f"{document.number}: stored file does not match its hash")
    return data


def pdf_attachment_resolve(reference: dict) -> tuple[str, bytes, str] | None:
    """core.hooks.mail_attachment: the stored PDF a mail names (billing.document_mail), checked
    against its hash; None while it is not stored (the mail waits and is retried)."""
    if reference.get("kind") != PDF_ATTACHMENT:
        return None
    document = Document.objects.filter(pk=reference.get("id")).first()
    if document is None or not document.pdf_sha256:
        return None
    return f"{document.number}.pdf", document_pdf_bytes(document), "application/pdf"
