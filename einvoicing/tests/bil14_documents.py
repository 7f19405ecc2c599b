"""BIL-14 test documents: one invoice and its credit note per buyer kind, issued through the real
billing services (profiles through `billing_profile_update`, the offline VIES adapter)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from accounts.models import Account
from billing.models import Document, ExchangeRate
from billing.reference import demo_seller_ensure, vat_rates_load
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tax import LineInput
from billing.tax_registration import TaxRegime, TaxRegistration
from billing.vies import OfflineViesAdapter

ISSUED = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)

# A valid Slovak IČO (mod-11) and DIČ / IČ DPH of a fictional buyer.
SK_ICO, SK_DIC, SK_VAT = "35757442", "2020273893", "SK2020273893"
DK_CVR, DK_VAT = "31415926", "DK31415926"
NO_ORGNR = "974760673"


@dataclass(frozen=True)
class BuyerKind:
    key: str
    data: dict
    currency: str
    vies_valid: bool = False
    registration: tuple[str, str] | None = None  # the seller's (regime, number) for that country


VOEC, UK_VAT = "VOEC 2012345", "GB980780684"


BASE = {"name": "Anne Alfa", "street": "Hovedgaden 1", "postcode": "1000", "city": "By", "email": "bill@buyer.example"}
BUYER_KINDS = [
    BuyerKind(
        "sk_company",
        {
            **BASE,
            "company": "Alfa s.r.o.",
            "street": "Mlynské nivy 5",
            "postcode": "821 09",
            "city": "Bratislava",
            "country": "SK",
            "vat_number": SK_VAT,
            "company_id": SK_ICO,
            "tax_number": SK_DIC,
        },
        "EUR",
        vies_valid=True,
    ),
    BuyerKind(
        "dk_company_reverse_charge",
        {**BASE, "company": "Alfa ApS", "country": "DK", "vat_number": DK_VAT, "company_id": DK_CVR},
        "DKK",
        vies_valid=True,
    ),
    BuyerKind("dk_consumer", {**BASE, "company": "", "country": "DK"}, "DKK"),
    BuyerKind("de_consumer", {**BASE, "company": "", "country": "DE", "city": "Berlin"}, "EUR"),
    BuyerKind(
        "no_company", {**BASE, "company": "Alfa AS", "country": "NO", "vat_number": NO_ORGNR, "city": "Oslo"}, "NOK"
    ),
    BuyerKind(
        "uk_consumer",
        {**BASE, "company": "", "country": "GB", "city": "London", "postcode": "SW1A 1AA"},
        "GBP",
        registration=(TaxRegime.UK_VAT, UK_VAT),
    ),
    BuyerKind(
        "no_consumer_voec",
        {**BASE, "company": "", "country": "NO", "city": "Oslo", "postcode": "0150"},
        "NOK",
        registration=(TaxRegime.NO_VOEC, VOEC),
    ),
    BuyerKind("us_consumer", {**BASE, "company": "", "country": "US", "city": "Boston", "postcode": "02108"}, "USD"),
]
KINDS = {kind.key: kind for kind in BUYER_KINDS}


def lines() -> list[LineInput]:
    return [
        LineInput("Helpdesk subscription, per agent", Decimal("3"), Decimal("39.00")),
        LineInput("Extra storage", Decimal("1"), Decimal("12.35")),
        LineInput("Setup, one third", Decimal("3"), Decimal("0.3333")),
    ]


def reference_data() -> None:
    vat_rates_load()
    demo_seller_ensure()
    for currency, per_eur in (("DKK", "7.4610"), ("NOK", "11.7300"), ("GBP", "0.8420"), ("USD", "1.0810")):
        ExchangeRate.objects.update_or_create(
            currency=currency, day=date(2026, 11, 13), defaults={"per_eur": Decimal(per_eur)}
        )


def issue_pair(account: Account, kind: BuyerKind) -> tuple[Document, Document]:
    """The buyer's profile, an invoice and a credit note of all of it, as the services issue them."""
    reference_data()
    if kind.registration:
        regime, number = kind.registration
        TaxRegistration.objects.get_or_create(regime=regime, valid_from=date(2026, 1, 1), defaults={"number": number})
    vies = OfflineViesAdapter(valid={kind.data.get("vat_number", "")} if kind.vies_valid else set())
    billing_profile_update(account=account, actor="test", data=kind.data, vies=vies)
    with time_machine.travel(ISSUED, tick=False):
        invoice = invoice_issue(
            account=account,
            lines=lines(),
            currency=kind.currency,
            period_start=date(2026, 11, 16),
            period_end=date(2026, 12, 15),
            notify=False,
            render_pdf=False,
        )
        credit = credit_note_issue(invoice=invoice, reason="Cancelled", notify=False, render_pdf=False)
    return Document.objects.get(pk=invoice.pk), Document.objects.get(pk=credit.pk)
