"""The one tax decision (BIL-9, BIL-15), used by previews and invoices alike, and the money rounding.

The seller is established in Slovakia and sells electronically supplied services. The decision,
for a buyer on a day (the seller's calendar day):
- a buyer in the seller's country pays the seller's VAT (`domestic`);
- an EU business with a VIES-verified VAT number in another member state: reverse charge, 0 %
  (Art. 196 of Directive 2006/112/EC), with the legal wording on the invoice (`reverse_charge`);
- an EU business whose number VIES could not confirm yet: the buyer country's VAT, with a note
  saying why (`eu_business_unverified`; the retry job may confirm it for later invoices);
- an EU consumer (or a number VIES called invalid): the buyer country's rate (place of supply
  Art. 58, declared through OSS; `eu_consumer`);
- a business outside the EU (it gave a business number): no EU VAT, Art. 44 (`outside_eu_business`);
- a consumer outside the EU: no EU VAT, Art. 59 (`outside_eu`), unless the seller is registered
  for that country's consumers on that day: Norway under VOEC (`no_voec`, Norwegian VAT) or the
  United Kingdom (`uk_vat`, UK VAT). Registrations are dated rows (billing.tax_registration).

Rounding: each line's net amount is quantity × unit price rounded half-up to the cent, its VAT is
net × rate rounded half-up to the cent; document totals are the sums of the rounded lines.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from billing.models import CENT, TaxTreatment, VatRate, ViesStatus
from billing.tax_notes import tax_note
from billing.tax_registration import TaxRegime, TaxRegistration
from config.clock import seller_date
from core.memo import memoised

SELLER_COUNTRY = "SK"

EU_COUNTRIES = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())

# Standard VAT rates as data: (country, rate %, valid from) — the EU's, and Norway's and the UK's
# for the VOEC and UK regimes (BIL-15). Loaded by migrations 0002/0006 and by
# `manage.py load_billing_data`. Where a rate changed recently the previous one is kept too, so
# a back-dated preview uses the rate of its day.
EU_STANDARD_RATES: list[tuple[str, str, date]] = [
    ("AT", "20", date(2016, 1, 1)),
    ("BE", "21", date(2016, 1, 1)),
    ("BG", "20", date(2016, 1, 1)),
    ("CY", "19", date(2016, 1, 1)),
    ("CZ", "21", date(2016, 1, 1)),
    ("DE", "19", date(2021, 1, 1)),
    ("DK", "25", date(2016, 1, 1)),
    ("EE", "22", date(2024, 1, 1)),
    ("EE", "24", date(2025, 7, 1)),
    ("ES", "21", date(2016, 1, 1)),
    ("FI", "24", date(2016, 1, 1)),
    ("FI", "25.5", date(2024, 9, 1)),
    ("FR", "20", date(2016, 1, 1)),
    ("GR", "24", date(2016, 6, 1)),
    ("HR", "25", date(2016, 1, 1)),
    ("HU", "27", date(2016, 1, 1)),
    ("IE", "23", date(2021, 3, 1)),
    ("IT", "22", date(2016, 1, 1)),
    ("LT", "21", date(2016, 1, 1)),
    ("LU", "17", date(2024, 1, 1)),
    ("LV", "21", date(2016, 1, 1)),
    ("MT", "18", date(2016, 1, 1)),
    ("NL", "21", date(2016, 1, 1)),
    ("PL", "23", date(2016, 1, 1)),
    ("PT", "23", date(2016, 1, 1)),
    ("RO", "19", date(2017, 1, 1)),
    ("RO", "21", date(2025, 8, 1)),
    ("SE", "25", date(2016, 1, 1)),
    ("SI", "22", date(2016, 1, 1)),
    ("SK", "20", date(2011, 1, 1)),
    ("SK", "23", date(2025, 1, 1)),
    ("NO", "25", date(2005, 1, 1)),
    ("GB", "20", date(2011, 1, 4)),
]

ZERO = Decimal("0.00")


class TaxError(Exception):
    """No rate is known for a country on a day: an invoice must not guess."""


class Buyer(Protocol):
    country: str
    vat_number: str
    vat_status: str


# The regime that lets the seller charge a non-EU country's consumers its VAT.
REGIME_OF_COUNTRY = {"NO": TaxRegime.NO_VOEC, "GB": TaxRegime.UK_VAT}
TREATMENT_OF_REGIME = {TaxRegime.NO_VOEC: TaxTreatment.NO_VOEC, TaxRegime.UK_VAT: TaxTreatment.UK_VAT}
REGIME_OF_TREATMENT = {treatment: regime for regime, treatment in TREATMENT_OF_REGIME.items()}


@dataclass(frozen=True)
class TaxDecision:
    treatment: str
    country: str
    rate: Decimal
    # The seller's registration number the document must print (VOEC, UK VAT), else "".
    registration: str = ""

    @property
    def note(self) -> str:
        """The wording the invoice carries, in the active language (fixed legal lines as they are)."""
        return tax_note(self.treatment, rate=self.rate, registration=self.registration)


@memoised(key=lambda *, country, day: (country, day))
def rate_on(*, country: str, day: date) -> Decimal:
    rate = VatRate.objects.filter(country=country, valid_from__lte=day).order_by("-valid_from").first()
    if rate is None:
        raise TaxError(f"No VAT rate for {country} on {day.isoformat()}.")
    return rate.rate


@memoised(key=lambda *, regime, day: (regime, day))
def registration_on(*, regime: str, day: date) -> TaxRegistration | None:
    """The seller's registration under `regime` in force on `day`, if any."""
    return TaxRegistration.objects.filter(regime=regime, valid_from__lte=day).order_by("-valid_from").first()


def is_business(buyer: Buyer) -> bool:
    """A buyer is a business when it gave a business number: a VAT number or a company
    registration number (`company_id`)."""
    return bool(buyer.vat_number or getattr(buyer, "company_id", ""))


def tax_decide(*, seller_country: str = SELLER_COUNTRY, buyer: Buyer, at: datetime) -> TaxDecision:
    """BIL-9 and BIL-15: the one tax decision for a buyer at a moment."""
    country = (buyer.country or "").upper()
    day = seller_date(at)
    if country == seller_country:
        return TaxDecision(TaxTreatment.DOMESTIC, country, rate_on(country=country, day=day))
    if country in EU_COUNTRIES:
        if buyer.vat_number and buyer.vat_status == ViesStatus.VALID:
            return TaxDecision(TaxTreatment.REVERSE_CHARGE, country, ZERO)
        if buyer.vat_number and buyer.vat_status == ViesStatus.UNVERIFIED:
            # VIES could not be asked: the buyer country's VAT, said as such (not OSS wording).
            return TaxDecision(TaxTreatment.EU_BUSINESS_UNVERIFIED, country, rate_on(country=country, day=day))
        return TaxDecision(TaxTreatment.EU_CONSUMER, country, rate_on(country=country, day=day))
    if is_business(buyer):
        return TaxDecision(TaxTreatment.OUTSIDE_EU_BUSINESS, country, ZERO)
    regime = REGIME_OF_COUNTRY.get(country)
    registration = registration_on(regime=regime, day=day) if regime else None
    if regime and registration is not None:
        return TaxDecision(TREATMENT_OF_REGIME[regime], country, rate_on(country=country, day=day), registration.number)
    return TaxDecision(TaxTreatment.OUTSIDE_EU, country, ZERO)


def decision_of(*, treatment: str, country: str, rate: Decimal, day: date) -> TaxDecision:
    """A stored decision again (a charge priced with it, a held draft), with the registration
    number its document must print."""
    regime = REGIME_OF_TREATMENT.get(treatment)
    registration = registration_on(regime=regime, day=day) if regime else None
    return TaxDecision(treatment, country, rate, registration.number if registration else "")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineInput:
    """What a caller asks to bill: description, quantity, unit price (excl. VAT). A line the
    seller words itself gives a `code` of billing.line_texts and its `params` instead of a
    sentence: it is then worded in the document's language, not the caller's."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    code: str = ""
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class LineAmounts:
    description: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    lines: list[LineAmounts]
    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str


def lines_compute(*, lines: Iterable[LineInput], rate: Decimal, currency: str) -> Totals:
    computed = []
    for line in lines:
        net = cents(Decimal(line.quantity) * Decimal(line.unit_price))
        computed.append(
            LineAmounts(
                line.description, Decimal(line.quantity), Decimal(line.unit_price), net, cents(net * rate / 100)
            )
        )
    net_total = sum((line.net for line in computed), ZERO)
    vat_total = sum((line.vat for line in computed), ZERO)
    return Totals(computed, rate, net_total, vat_total, net_total + vat_total, currency)
