"""What the billing app holds about a person, for the privacy desk's access and erasure requests
(GDPR-6): buyer details on invoices and credit notes (kept 10 years by law, never erased) and
billing profiles (kept while they are needed to invoice the account)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from billing.forms import COUNTRIES
from billing.models import (
    BillingProfile,
    CustomDelivery,
    Document,
    DocumentKind,
    DocumentStatus,
    ExchangeRate,
    SellerProfile,
    ViesStatus,
)
from billing.tax_registration import TaxRegistration
from core.personal_data import STAFF_ABOUT, STAFF_FIELDS, STAFF_KEPT, STAFF_LABELS, verbose_names
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
            "company_id": p.company_id,
            "tax_number": p.tax_number,
            "peppol_id": f"{p.peppol_scheme}:{p.peppol_id}" if p.peppol_id else "",
        }
        for p in BillingProfile.objects.filter(email__iexact=email).select_related("account")
    ]


def _staff_collect(email: str) -> list[dict[str, Any]]:
    """The seller profile versions, custom deliveries, exchange rates and tax registrations a staff
    member recorded."""
    rows = [
        {"record": str(SellerProfile._meta.verbose_name), "at": p.valid_from.isoformat(), "entry": p.legal_name}
        for p in SellerProfile.objects.filter(created_by__iexact=email).order_by("valid_from")
    ]
    rows += [
        {"record": str(CustomDelivery._meta.verbose_name), "at": d.recorded_at.isoformat(), "entry": d.description}
        for d in CustomDelivery.objects.filter(recorded_by__iexact=email).order_by("recorded_at")
    ]
    rows += [
        {"record": str(ExchangeRate._meta.verbose_name), "at": r.day.isoformat(), "entry": str(r)}
        for r in ExchangeRate.objects.filter(entered_by__iexact=email).order_by("day", "currency")
    ]
    rows += [
        {"record": str(TaxRegistration._meta.verbose_name), "at": r.valid_from.isoformat(), "entry": str(r)}
        for r in TaxRegistration.objects.filter(created_by__iexact=email).order_by("valid_from")
    ]
    return rows


COUNTRY_NAMES = dict(COUNTRIES)
PROFILE_KEYS = (
    "account",
    "name",
    "company",
    "street",
    "postcode",
    "city",
    "country",
    "email",
    "vat_number",
    "company_id",
    "tax_number",
    "peppol_id",
)
# The buyer snapshot on a document holds the profile's fields: its lines are headed the same way.
BUYER_LABELS = verbose_names(
    BillingProfile, "email", "vat_number", "vat_status", "vies_consultation", "vies_checked_at"
)

register(
    Source(
        key="billing.documents",
        label=_("Invoices and credit notes"),
        scope=Scope.PUBLIC,
        collect=_documents_collect,
        kept_reason=_("Invoices and credit notes are kept for 10 years (Slovak accounting law)."),
        about=_("The invoices and credit notes we issued with your name or address as the buyer."),
        fields={
            "number": _("document number"),
            "kind": _("invoice or credit note"),
            "issued_at": _("date of issue"),
            "buyer": _("buyer details as printed on the document"),
            "gross_total": _("total including VAT"),
            "currency": _("currency"),
        },
        labels={
            **verbose_names(Document, "number", "kind", "issued_at", "buyer", "gross_total", "currency"),
            **BUYER_LABELS,
        },
        values={"kind": dict(DocumentKind.choices), "vat_status": dict(ViesStatus.choices), "country": COUNTRY_NAMES},
        amounts={"gross_total": "currency"},
        models=(Document,),
        categories=("name", "address", "email", "purchases"),
        legal_basis="legal_obligation",
        retention=_("10 years."),
    )
)
register(
    Source(
        key="billing.profile",
        label=_("Billing details"),
        scope=Scope.PUBLIC,
        collect=_profiles_collect,
        kept_reason=_("Billing details are needed to invoice the account as long as it is a customer."),
        about=_("The name, address and VAT number an account invoices to, with you as its contact."),
        fields={
            "account": _("account"),
            "name": _("contact name"),
            "company": _("company"),
            "street": _("street"),
            "postcode": _("postcode"),
            "city": _("city"),
            "country": _("country"),
            "email": _("invoice e-mail"),
            "vat_number": _("VAT number"),
            "company_id": _("company registration number"),
            "tax_number": _("tax number (DIČ)"),
            "peppol_id": _("Peppol ID"),
        },
        labels=verbose_names(BillingProfile, *PROFILE_KEYS),
        values={"country": COUNTRY_NAMES},
        models=(BillingProfile,),
        categories=("name", "address", "email"),
        legal_basis="contract",
        retention=_("While the account is a customer, then 5 years."),
    )
)
register(
    Source(
        key="billing.staff_entries",
        label=_("Your entries in our billing records"),
        scope=Scope.PUBLIC,
        collect=_staff_collect,
        kept_reason=STAFF_KEPT,
        about=STAFF_ABOUT,
        fields=STAFF_FIELDS,
        labels=STAFF_LABELS,
        # Our own company's details, the deliveries agreed with a customer, exchange rates entered by
        # hand and tax registrations, with who recorded them.
        models=(SellerProfile, CustomDelivery, ExchangeRate, TaxRegistration),
        categories=("name", "email"),
        legal_basis="legal_obligation",
        retention=_("10 years."),
    )
)
