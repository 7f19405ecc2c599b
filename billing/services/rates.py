"""ECB reference rates (BIL-16): a staff entry, the documents waiting for a rate, and their issue.

A document in another currency that charges VAT is not issued without the ECB rate of its tax
point (`issuing.euro_rate`): it waits as a draft (no number taken). As soon as a rate arrives —
the daily import (billing.ecb) or a staff entry — `held_documents_issue` issues every waiting
document whose rate now exists, with the tax point it was first given; its e-mail and PDF
follow the issue.
"""

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from billing.models import Currency, Document, DocumentStatus, ExchangeRate, RateSource
from billing.services.common import SYSTEM, BillingError
from billing.services.documents import document_issue
from billing.services.issuing import euro_rate
from billing.tax import TaxDecision
from config.clock import now, seller_today

log = logging.getLogger(__name__)


def held_documents() -> QuerySet[Document]:
    """Drafts a finalise has given a tax point to but that wait for their exchange rate."""
    return Document.objects.filter(status=DocumentStatus.DRAFT, tax_point__isnull=False)


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


def held_documents_issue(*, actor: str = SYSTEM) -> list[Document]:
    """Issue every waiting document whose rate now exists, each in its own transaction, with
    the tax decision and tax point it was held with. Idempotent: a document still without its
    rate stays a draft; an issued one is no longer waiting."""
    issued = []
    for document in held_documents().order_by("created_at", "pk"):
        if euro_rate(currency=document.currency, day=document.tax_point) is None:
            continue  # still waiting: nothing to do, nothing to audit again
        decision = TaxDecision(document.tax_treatment, document.tax_country, document.vat_rate or Decimal("0"))
        result = document_issue(
            document=document,
            issued_at=now(),
            actor=actor,
            notify=True,  # the customer's mail follows the issue (a card receipt went without the number)
            decision=decision,
            tax_point=document.tax_point,
        )
        if result.status != DocumentStatus.DRAFT:
            issued.append(result)
            log.info("Held %s issued as %s (tax point %s)", document.kind, result.number, document.tax_point)
    return issued
