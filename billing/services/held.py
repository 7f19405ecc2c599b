"""Documents that wait as drafts (BIL-14, BIL-16) and their issue, whatever they wait for.

`issuing.finalise` holds a document back — no number taken — while the ECB rate of its tax point
is missing (BIL-16) or while a Slovak company's invoice, paid already, lacks the buyer's IČO/DIČ
(BIL-14); `Document.waiting_for` says which. `held_documents_issue` is the one way out: run after
a rate import or a staff entry (billing.services.rates) and after the Owner saves new billing
details (Min konto, the API), it issues every waiting document whose missing piece now exists,
with the tax point and tax decision it was held with; its e-mail and PDF follow the issue.
"""

import logging
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import Account
from billing.identifiers import slovak_business_missing
from billing.models import BillingProfile, Document, DocumentStatus
from billing.services.common import SYSTEM
from billing.services.documents import document_issue
from billing.services.issuing import euro_rate
from billing.services.profiles import buyer_snapshot
from billing.tax import TaxDecision
from billing.waiting import WaitingFor
from config.clock import now

log = logging.getLogger(__name__)


def held_documents(*, waiting_for: str = "", account: Account | None = None) -> QuerySet[Document]:
    """Drafts a finalise held back, optionally only those waiting for `waiting_for` or of `account`."""
    documents = Document.objects.filter(status=DocumentStatus.DRAFT).exclude(waiting_for="")
    if waiting_for:
        documents = documents.filter(waiting_for=waiting_for)
    if account is not None:
        documents = documents.filter(account=account)
    return documents


def _still_waiting(document: Document) -> bool:
    """Whether what the document waits for is still missing (then nothing is tried, nor audited again)."""
    if document.waiting_for == WaitingFor.IDENTIFIERS:
        profile = BillingProfile.objects.filter(account_id=document.account_id).first()
        return profile is None or bool(slovak_business_missing(buyer_snapshot(profile)))
    return euro_rate(currency=document.currency, day=document.tax_point) is None


def held_documents_issue(*, account: Account | None = None, actor: str = SYSTEM) -> list[Document]:
    """Issue every waiting document (of `account`, or all) whose rate or identifiers now exist,
    each in its own transaction, with the tax decision and tax point it was held with.
    Idempotent: a document still waiting stays a draft; an issued one is no longer waiting. A
    document given its identifiers may still wait for its rate (it is held again, for that)."""
    issued = []
    for document in held_documents(account=account).order_by("created_at", "pk"):
        if _still_waiting(document):
            continue
        decision = TaxDecision(document.tax_treatment, document.tax_country, document.vat_rate or Decimal("0"))
        result = document_issue(
            document=document,
            issued_at=now(),
            actor=actor,
            notify=True,  # the customer's mail follows the issue (a card receipt went without the number)
            decision=decision,
            tax_point=document.tax_point,
            identifiers_may_wait=True,  # paid or promised already: never refused, at worst held again
        )
        if result.status != DocumentStatus.DRAFT:
            issued.append(result)
            log.info("Held %s issued as %s (tax point %s)", document.kind, result.number, document.tax_point)
    return issued
