"""The hybrid PDF (BIL-14): billing's document HTML rendered as PDF/A-3b by WeasyPrint, with the
archived CII embedded as the one `factur-x.xml` and the Factur-X XMP metadata (EN 16931 profile),
by the `factur-x` package. Answers core.hooks.document_pdf, so billing still renders and stores
the PDF once (BIL-11) and never imports this app.

A document whose XML failed validation gets billing's plain PDF: nothing unvalidated is embedded.
"""

import logging

from facturx import generate_from_binary

from billing.models import Document, DocumentKind
from billing.pdf import html_to_pdf
from einvoicing.archive import archived_xml, einvoice_ensure
from einvoicing.models import EInvoice

PDF_VARIANT = "pdf/a-3b"
FACTURX_LEVEL = "en16931"

# factur-x logs two INFO lines per PDF; the worker's log does not need them.
logging.getLogger("factur-x").setLevel(logging.WARNING)
log = logging.getLogger(__name__)


def hybrid_pdf(*, einvoice: EInvoice, html: str) -> bytes:
    """PDF/A-3b from `html` with the e-invoice's CII embedded as factur-x.xml."""
    document = einvoice.document
    pdf = html_to_pdf(html, pdf_variant=PDF_VARIANT)
    seller = document.seller.get("legal_name") or document.seller.get("name", "")
    kind = "Credit note" if document.kind == DocumentKind.CREDIT_NOTE else "Invoice"
    return generate_from_binary(
        pdf,
        archived_xml(einvoice, "cii"),
        flavor="factur-x",
        level=FACTURX_LEVEL,
        check_xsd=False,  # validated already, XSD and EN 16931 rules (einvoicing.archive)
        pdf_metadata={
            "author": seller,
            "keywords": "Factur-X, EN 16931",
            "title": f"{seller}: {kind} {document.number}",
            "subject": f"{kind} {document.number} ({document.issued_at:%Y-%m-%d})",
        },
        lang=document.language,
    )


def document_pdf(document: Document, html: str) -> bytes | None:
    """The PDF billing stores for an issued document: the hybrid when its e-invoice is valid."""
    einvoice = einvoice_ensure(document)
    if not einvoice.is_valid:
        return None
    try:
        return hybrid_pdf(einvoice=einvoice, html=html)
    except Exception:  # noqa: BLE001 - the customer's PDF must not wait on the embedding
        log.exception("Hybrid PDF of %s failed: the plain PDF is stored", document)
        return None
