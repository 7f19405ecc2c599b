"""ECB reference rates (BIL-16): a staff entry, then the issue of the documents waiting for it.

A document in another currency that charges VAT is not issued without the ECB rate of its tax
point (`issuing.euro_rate`): it waits as a draft (no number taken). As soon as a rate arrives —
the daily import (billing.ecb) or a staff entry — `billing.services.held.held_documents_issue`
issues every waiting document whose rate now exists, with the tax point it was first given; its
e-mail and PDF follow the issue.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Currency, ExchangeRate, RateSource
from billing.services.common import BillingError
from billing.services.held import held_documents_issue
from config.clock import seller_today


def exchange_rate_clean(*, currency: str, day: date, per_eur: Decimal) -> None:
    """Refuse what cannot be an ECB rate: a rate for a day still to come, a rate of zero, the euro."""
    if day > seller_today():
        raise BillingError(_("A rate for a future day cannot be entered: the ECB publishes each rate on its day."))
    if currency == Currency.EUR or currency not in Currency.values:
        raise BillingError(_("Enter a rate for a currency other than the euro."))
    if per_eur <= 0:
        raise BillingError(_("The rate must be greater than zero."))


@transaction.atomic
def exchange_rate_enter(*, currency: str, day: date, per_eur: Decimal, actor: str) -> ExchangeRate:
    """A rate entered by staff (BIL-16), then every document waiting for it is issued."""
    exchange_rate_clean(currency=currency, day=day, per_eur=per_eur)
    if ExchangeRate.objects.filter(currency=currency, day=day).exists():
        raise BillingError(_("A rate for this currency and day exists already."))
    rate = ExchangeRate.objects.create(
        currency=currency, day=day, per_eur=per_eur, source=RateSource.STAFF, entered_by=actor
    )
    transaction.on_commit(lambda: held_documents_issue(actor=actor))
    return rate
