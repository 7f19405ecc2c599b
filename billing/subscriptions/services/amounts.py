"""Net → VAT → gross with the invoicing app's one tax decision (BIL-9), so the amount charged is
the invoice's total to the cent."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from accounts.models import Account
from billing.services.profiles import billing_profile
from billing.tax import SELLER_COUNTRY, LineInput, lines_compute, tax_decide


@dataclass(frozen=True)
class Amounts:
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str
    treatment: str = ""
    country: str = ""
    rate: Decimal = Decimal("0.00")


def amounts_for(*, account: Account, net: Decimal, currency: str, at: datetime) -> Amounts:
    """Net → VAT → gross with the invoicing app's one tax decision (BIL-9)."""
    return lines_amounts(account=account, lines=[("", Decimal("1"), net)], currency=currency, at=at)


def lines_amounts(
    *, account: Account, lines: list[tuple[str, Decimal, Decimal]], currency: str, at: datetime
) -> Amounts:
    """The totals an invoice with these lines carries: the invoicing app's own line rounding and
    tax decision, so the amount charged is the invoice's total to the cent."""

    profile = billing_profile(account)
    decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=profile, at=at) if profile else None
    totals = lines_compute(
        lines=[LineInput(d, Decimal(q), Decimal(u)) for d, q, u in lines],
        rate=decision.rate if decision else Decimal("0.00"),
        currency=currency,
    )
    if decision is None:
        return Amounts(totals.net, totals.vat, totals.gross, currency)
    return Amounts(totals.net, totals.vat, totals.gross, currency, decision.treatment, decision.country, decision.rate)


def amounts_each(*, account: Account, nets: list[Decimal], currency: str, at: datetime) -> list[Amounts]:
    """amounts_for of several nets at one moment: the billing details read and the tax decided
    once (issue 14: the change preview shows two amounts)."""
    profile = billing_profile(account)
    decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=profile, at=at) if profile else None
    rate = decision.rate if decision else Decimal("0.00")
    amounts = []
    for net in nets:
        totals = lines_compute(lines=[LineInput("", Decimal("1"), Decimal(net))], rate=rate, currency=currency)
        if decision is None:
            amounts.append(Amounts(totals.net, totals.vat, totals.gross, currency))
        else:
            amounts.append(
                Amounts(
                    totals.net, totals.vat, totals.gross, currency, decision.treatment, decision.country, decision.rate
                )
            )
    return amounts
