"""What the billing app holds about a person, for the privacy desk's access and erasure requests
(GDPR-6): buyer details on invoices and credit notes (kept 10 years by law, never erased) and
billing profiles (kept while they are needed to invoice the account)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from billing.models import BillingProfile, Document, DocumentStatus
from privacy.registry import Scope, Source, register


def _documents_collect(email: str) -> list[dict[str, Any]]:
    documents = Document.objects.exclude(status=DocumentStatus.DRAFT).filter(buyer__email__iexact=email)
    return [
        {
            "number": d.number,
            "kind": d.kind,
            "issued_at": d.issued_at.isoformat(),
            "buyer": d.buyer,
            "gross_total": str(d.gross_total),
            "currency": d.currency,
        }
        for d in documents.order_by("kind", "sequence")
    ]


def _profiles_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "account": p.account.slug,
            "name": p.name,
            "company": p.company,
            "street": p.street,
            "postcode": p.postcode,
            "city": p.city,
            "country": p.country,
            "email": p.email,
            "vat_number": p.vat_number,
        }
        for p in BillingProfile.objects.filter(email__iexact=email).select_related("account")
    ]


register(
    Source(
        key="billing.documents",
        label=_("Invoices and credit notes"),
        scope=Scope.PUBLIC,
        collect=_documents_collect,
        kept_reason=_("Invoices and credit notes are kept for 10 years (Slovak accounting law)."),
        fields={
            "number": "document number",
            "kind": "invoice or credit note",
            "issued_at": "date of issue",
            "buyer": "buyer details as printed on the document",
            "gross_total": "total including VAT",
            "currency": "currency",
        },
    )
)
register(
    Source(
        key="billing.profile",
        label=_("Billing details"),
        scope=Scope.PUBLIC,
        collect=_profiles_collect,
        kept_reason=_("Billing details are needed to invoice the account as long as it is a customer."),
        fields={
            "account": "account",
            "name": "contact name",
            "company": "company",
            "street": "street",
            "postcode": "postcode",
            "city": "city",
            "country": "country",
            "email": "invoice e-mail",
            "vat_number": "VAT number",
        },
    )
)
