"""Amounts on documents and in Min konto, in the reader's locale (decimal comma and thousands
separator in da and nb), with the currency on every amount.

`unit_price` prints a unit price with the precision it has (two to four decimals), so quantity ×
unit price is the line's net amount as printed: 3 × 0,333 = 1,00 — never 3 × 0,33 = 1,00."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from billing import payment_texts
from billing.models import Document

register = template.Library()

# DocumentLine.unit_price has four decimals; amounts have two.
MAX_UNIT_PLACES = 4


def unit_places(value: Decimal) -> int:
    exponent = Decimal(value).normalize().as_tuple().exponent
    return min(MAX_UNIT_PLACES, max(2, -int(exponent)))


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """1234.5, "EUR" → "1.234,50 EUR" (da/nb)."""
    if value is None or value == "":
        return ""
    amount = number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    return f"{amount} {currency}".strip()


@register.filter
def unit_price(value: Decimal | None, currency: str = "") -> str:
    """0.333, "EUR" → "0,333 EUR"; 39 → "39,00 EUR"."""
    if value is None or value == "":
        return ""
    amount = number_format(Decimal(value), unit_places(Decimal(value)), use_l10n=True, force_grouping=True)
    return f"{amount} {currency}".strip()


@register.filter
def paid_sentence(document: Document) -> str:
    """The PDF's and e-mail's "Paid with Visa •••• 4242 on 29.11.2026", in the rendering language."""
    return payment_texts.paid_sentence(document)
