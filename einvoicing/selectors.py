"""What the e-invoicing app tells readers of a document (BIL-14)."""

from collections.abc import Iterable
from datetime import timedelta

from django.urls import reverse

from billing.models import Document, DocumentStatus
from config.clock import now
from einvoicing.models import Delivery, EInvoice

# The job plans the delivery of documents whose hook did not (a lost task) within this window.
BACKSTOP_WINDOW = timedelta(days=7)


def documents_without_delivery() -> list[int]:
    return list(
        Document.objects.exclude(status=DocumentStatus.DRAFT)
        .exclude(pdf_sha256="")
        .filter(einvoice_delivery__isnull=True, issued_at__gte=now() - BACKSTOP_WINDOW)
        .values_list("pk", flat=True)
    )


def document_einvoice(document: Document, *, for_staff: bool = False) -> dict | None:
    """core.hooks.document_einvoice: the delivery status and the XML links of a document."""
    return documents_einvoice([document], for_staff=for_staff)[document.pk]


def documents_einvoice(documents: Iterable[Document], *, for_staff: bool = False) -> dict[int, dict | None]:
    """core.hooks.documents_einvoice: `document_einvoice` for many documents in one query, each
    document's e-invoice and delivery joined to its key (the XML itself is not read)."""
    pks = [document.pk for document in documents]
    rows = (
        Document.objects.filter(pk__in=pks)
        .select_related("einvoice", "einvoice_delivery")
        .defer(*_DOCUMENT_FIELDS, "einvoice__ubl_xml", "einvoice__cii_xml")
    )
    joined = {row.pk: (_related(row, "einvoice"), _related(row, "einvoice_delivery")) for row in rows}
    return {pk: _einvoice_info(pk, *joined.get(pk, (None, None)), for_staff=for_staff) for pk in pks}


# The join needs only the document's key.
_DOCUMENT_FIELDS = [field.name for field in Document._meta.concrete_fields if not field.primary_key]


def _related(document: Document, name: str) -> EInvoice | Delivery | None:
    return getattr(document, name, None)  # a missing reverse one-to-one raises RelatedObjectDoesNotExist


def _einvoice_info(pk: int, einvoice: EInvoice | None, delivery: Delivery | None, *, for_staff: bool) -> dict | None:
    if einvoice is None and delivery is None:
        return None
    info: dict = {"valid": bool(einvoice and einvoice.is_valid)}
    if for_staff and einvoice is not None:  # the admin lives on the public host, as the API does
        info["admin_url"] = reverse("admin:einvoicing_einvoice_change", args=[einvoice.pk])
        info["rule_ids"] = sorted({f["rule_id"] for f in einvoice.fatal_findings})
    if delivery is not None:
        info.update(
            delivery_status=delivery.status,
            delivery_status_label=str(delivery.get_status_display()),
            delivery_channel=delivery.channel,
            delivery_reason=delivery.reason,
        )
    if einvoice is not None and einvoice.is_valid:
        info.update(ubl_sha256=einvoice.ubl_sha256, cii_sha256=einvoice.cii_sha256)
        for syntax in ("ubl", "cii"):
            if for_staff:  # the staff API on the public host
                url = reverse(f"e-invoice-{syntax}", kwargs={"document": pk})
            else:  # Min konto on the account's host
                url = reverse("einvoicing:xml", args=[pk, syntax])
            info[f"{syntax}_url"] = url
    return info
