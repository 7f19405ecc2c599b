"""The one tax decision (BIL-9), used by previews and invoices alike, and the money rounding.

The seller is established in Slovakia and sells electronically supplied services:
- a buyer in the seller's country pays the seller's VAT (domestic supply);
- an EU business with a VIES-verified VAT number in another member state: reverse charge, 0 %
  (Art. 196 of Directive 2006/112/EC), with the legal wording on the invoice;
- any other EU buyer (a consumer, or a business whose number is not verified): the buyer
  country's rate (place of supply Art. 58, declared through OSS);
- a buyer outside the EU: no EU VAT (place of supply outside the EU, Art. 44 / 59).

Rounding: each line's net amount is quantity × unit price rounded half-up to the cent, its VAT is
net × rate rounded half-up to the cent; document totals are the sums of the rounded lines.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import CENT, TaxTreatment, VatRate, ViesStatus

SELLER_COUNTRY = "SK"

EU_COUNTRIES = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())

# EU standard VAT rates as data: (country, rate %, valid from). Loaded by migration 0002 and by
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
]

ZERO = Decimal("0.00")


class TaxError(Exception):
    """No rate is known for a country on a day: an invoice must not guess."""


class Buyer(Protocol):
    country: str
    vat_number: str
    vat_status: str


@dataclass(frozen=True)
class TaxDecision:
    treatment: str
    country: str
    rate: Decimal

    @property
    def note(self) -> str:
        """The wording the invoice carries, in the active language."""
        return str(TAX_NOTES.get(self.treatment, ""))


TAX_NOTES = {
    TaxTreatment.REVERSE_CHARGE: _(
        "Reverse charge: VAT is to be accounted for by the recipient under Article 196 of Council Directive "
        "2006/112/EC."
    ),
    TaxTreatment.OUTSIDE_EU: _(
        "Not subject to EU VAT: the place of supply is outside the European Union (Article 59 of Council "
        "Directive 2006/112/EC)."
    ),
    TaxTreatment.EU_CONSUMER: _("VAT of the customer's member state, declared through the One-Stop Shop (OSS)."),
}


def rate_on(*, country: str, day: date) -> Decimal:
    rate = VatRate.objects.filter(country=country, valid_from__lte=day).order_by("-valid_from").first()
    if rate is None:
        raise TaxError(f"No VAT rate for {country} on {day.isoformat()}.")
    return rate.rate


def tax_decide(*, seller_country: str = SELLER_COUNTRY, buyer: Buyer, at: datetime) -> TaxDecision:
    """BIL-9: the one tax decision for a buyer at a moment."""
    country = (buyer.country or "").upper()
    day = timezone.localdate(at)
    if country not in EU_COUNTRIES:
        return TaxDecision(TaxTreatment.OUTSIDE_EU, country, ZERO)
    if country == seller_country:
        return TaxDecision(TaxTreatment.DOMESTIC, country, rate_on(country=country, day=day))
    if buyer.vat_number and buyer.vat_status == ViesStatus.VALID:
        return TaxDecision(TaxTreatment.REVERSE_CHARGE, country, ZERO)
    # A consumer, or a business whose number VIES has not confirmed (yet): VAT is charged.
    return TaxDecision(TaxTreatment.EU_CONSUMER, country, rate_on(country=country, day=day))


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
