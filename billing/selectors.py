"""Billing selectors: reads only."""

import csv
import io
from datetime import date

from django.db.models import QuerySet

from accounts.models import Account
from accounts.services import account_url
from billing.forms import COUNTRIES
from billing.models import BillingProfile, Document, DocumentStatus, SellerProfile
from config.clock import now


def account_documents(*, account: Account) -> QuerySet[Document]:
    """An account's issued invoices and credit notes, newest first (drafts are the seller's own)."""
    return (
        Document.objects.filter(account=account)
        .exclude(status=DocumentStatus.DRAFT)
        .select_related("credited_invoice")
        .order_by("-issued_at", "-id")
    )


def billing_profile_of(*, account: Account) -> BillingProfile | None:
    return BillingProfile.objects.filter(account=account).first()


def documents_missing_pdf() -> QuerySet[Document]:
    return Document.objects.exclude(status=DocumentStatus.DRAFT).filter(pdf_sha256="").order_by("id")


def minkonto_documents_url(account: Account) -> str:
    return account_url(account, "/min-konto/billing/")


CSV_COLUMNS = [
    "number",
    "kind",
    "status",
    "issued_at",
    "account",
    "buyer",
    "buyer_country",
    "buyer_vat_number",
    "tax_treatment",
    "vat_rate",
    "net",
    "vat",
    "gross",
    "currency",
    "vat_eur",
    "credited_invoice",
    "pdf_sha256",
]


def documents_csv(documents: QuerySet[Document]) -> str:
    """The accountant's export: one row per issued document, amounts as plain decimals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for doc in documents.exclude(status=DocumentStatus.DRAFT).select_related("account", "credited_invoice"):
        writer.writerow(
            [
                doc.number,
                doc.kind,
                doc.status,
                doc.issued_at.isoformat(),
                doc.account.slug,
                doc.buyer.get("company") or doc.buyer.get("name", ""),
                doc.buyer.get("country", ""),
                doc.buyer.get("vat_number", ""),
                doc.tax_treatment,
                doc.vat_rate,
                doc.net_total,
                doc.vat_total,
                doc.gross_total,
                doc.currency,
                doc.vat_total_eur if doc.vat_total_eur is not None else "",
                doc.credited_invoice.number if doc.credited_invoice else "",
                doc.pdf_sha256,
            ]
        )
    return out.getvalue()


def documents_in_period(*, start: date, end: date) -> QuerySet[Document]:
    return (
        Document.objects.exclude(status=DocumentStatus.DRAFT)
        .filter(issued_at__date__gte=start, issued_at__date__lte=end)
        .order_by("kind", "sequence")
    )


def seller_profile_current() -> SellerProfile | None:
    """The seller profile in force now, or None before staff have entered one. Public pages read
    it (E-commerce Directive Art. 5: who provides the service); invoicing uses
    billing.services.seller.seller_current, which refuses to go on without one."""
    return SellerProfile.objects.filter(valid_from__lte=now()).order_by("-valid_from", "-id").first()


def seller_country_name(seller: SellerProfile) -> str:
    """The seller's country in the reader's language (the profile stores the ISO code)."""
    return str(dict(COUNTRIES).get(seller.country, seller.country))
