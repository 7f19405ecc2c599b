"""Charges (BIL-1, BIL-6, BIL-12): claim one, ask the processor, record the outcome.

A charge is claimed (a row whose unique constraints make it the only one for its reason) before
the processor is called with an idempotency key derived from it; paying it issues the invoice
through the invoicing services, with the tax decision taken when the amount was computed, and
e-mails the Owner a receipt (BIL-6). A renewal that fails stays owed and is retried on the staff's
schedule (dunning.py), the Owner is told why in their own language; after the last retry the
account is suspended.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.lifecycle import account_activate, account_suspend
from accounts.models import Account, AccountStatus
from billing.models import BillingProfile, Document, DocumentStatus
from billing.services.documents import document_issue, invoice_draft_create
from billing.services.status import document_mark_paid
from billing.subscriptions import proration
from billing.subscriptions.chargeable import account_chargeable_id, charge_abandon
from billing.subscriptions.choices import ChargeKind, ChargeStatus, Cycle, PaymentKind, SubscriptionStatus
from billing.subscriptions.gateway import ChargeResult, gateway_for
from billing.subscriptions.models import BillingSettings, Charge, ChargeAttempt, PaymentMethod, Plan, Subscription
from billing.subscriptions.selectors import payment_method_current
from billing.subscriptions.services.amounts import Amounts
from billing.subscriptions.services.audit_and_mail import SYSTEM, owner_mail, subscription_audit
from billing.subscriptions.services.receipts import receipt_mail
from billing.subscriptions.services.refusals import NO_BILLING_DETAILS, NO_PAYMENT_METHOD, decline_message
from billing.tax import LineInput, TaxDecision
from billing.waiting import WaitingFor
from config.clock import now
from core.links import account_url
from core.transitions import transition

# Why an account is suspended, as its Owner reads it in the suspension e-mail: lazy, so the mailer
# renders it in the Owner's language, not in the language of the job that suspended the account.
LIFETIME_DETAILS_MISSING = gettext_lazy(
    "Billing details and a payment method are needed for the users beyond the lifetime package."
)
UNPAID_AFTER_LAST_RETRY = gettext_lazy(
    "The subscription is unpaid: the renewal could not be charged, not even at the last retry."
)


def charge_claim(
    *,
    subscription: Subscription,
    kind: str,
    key: str,
    period: proration.Period,
    amounts: Amounts,
    description: str,
    terms: dict[str, Any] | None = None,
    lines: list[tuple[str, Decimal, Decimal]] | None = None,
) -> Charge | None:
    """Create the charge, or return None when its period or key is taken already."""
    charge = charge_build(
        subscription=subscription,
        kind=kind,
        key=key,
        period=period,
        amounts=amounts,
        description=description,
        terms=terms,
        lines=lines,
    )
    try:
        with transaction.atomic():
            charge.save()
    except IntegrityError:
        return None
    return charge


def charge_build(
    *,
    subscription: Subscription,
    kind: str,
    key: str,
    period: proration.Period,
    amounts: Amounts,
    description: str,
    terms: dict[str, Any] | None = None,
    lines: list[tuple[str, Decimal, Decimal]] | None = None,
) -> Charge:
    """The charge, checked and unsaved: `charge_claim` saves one, the batch run many at once."""
    charge = Charge(
        account=subscription.account,
        subscription=subscription,
        kind=kind,
        key=key,
        period_start=period.start,
        period_end=period.end,
        description=description,
        net_amount=amounts.net,
        vat_amount=amounts.vat,
        amount=amounts.gross,
        currency=amounts.currency,
        tax_treatment=amounts.treatment,
        tax_country=amounts.country,
        vat_rate=amounts.rate,
        terms=terms or {},
        lines=[[d, str(q), str(u)] for d, q, u in lines or []],
        created_at=now(),
    )
    # The account and subscription are instances already (no existence query each).
    charge.full_clean(exclude=["account", "subscription"], validate_unique=False, validate_constraints=False)
    return charge


def period_description(subscription: Subscription, plan: Plan, seats: int, cycle: str, period: proration.Period) -> str:
    with translation.override(subscription.account.language):
        return _("%(plan)s, %(seats)s agents, %(cycle)s, %(start)s – %(end)s") % {
            "plan": plan.name,
            "seats": seats,
            "cycle": str(Cycle(cycle).label).lower(),
            "start": formats.date_format(period.first_day, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(period.last_day, "SHORT_DATE_FORMAT"),
        }


@transaction.atomic
def charge_pay(*, charge_id: int, actor: str = SYSTEM) -> Charge:
    """Ask the processor for a pending or overdue charge, once per attempt (the idempotency key
    carries the attempt number), and record the outcome. The charge row stays locked while the
    processor answers, so two workers never attempt the same charge at once."""
    charge = Charge.objects.select_for_update().select_related("account", "subscription").get(pk=charge_id)
    if charge.status not in (ChargeStatus.PENDING, ChargeStatus.FAILED):
        return charge
    if not account_chargeable_id(charge.account_id):
        # ACC-10: cancelled, closed or purged: abandoned and recorded, the processor never asked.
        return charge_abandon(charge=charge, actor=actor, reason="account can no longer be charged")
    at = now()
    attempt = charge.attempts + 1
    method = payment_method_current(charge.account)
    result = processor_ask(
        charge, method=method, has_billing_details=_has_billing_details(charge.account_id), attempt=attempt, at=at
    )
    ChargeAttempt.objects.create(
        charge=charge, at=at, succeeded=result.succeeded, code=result.code, gateway_ref=result.reference
    )
    charge.attempts = attempt
    charge.payment_method = method
    charge.gateway_ref = result.reference
    charge.failure_code = result.code
    if result.succeeded:
        _charge_succeeded(charge, at=at, actor=actor)
    else:
        charge_failed_record(charge, at=at, actor=actor)
    return charge


def processor_ask(
    charge: Charge, *, method: PaymentMethod | None, has_billing_details: bool, attempt: int, at: datetime
) -> ChargeResult:
    """The answer to one attempt of a charge (one account or a batch): nothing to take, refused
    before asking (no billing details — an invoice needs the buyer, LTD-7 — or no payment
    method), or the processor's answer to the attempt's own idempotency key."""
    if charge.amount == 0:
        return ChargeResult(True, "")
    if not has_billing_details:
        return ChargeResult(False, "", NO_BILLING_DETAILS)
    if method is None:
        return ChargeResult(False, "", NO_PAYMENT_METHOD)
    return gateway_for(method.gateway).charge(
        token=method.token,
        amount=charge.amount,
        currency=charge.currency,
        idempotency_key=f"{charge.key}#{attempt}",
        at=at,
    )


def _has_billing_details(account_id: int) -> bool:

    return BillingProfile.objects.filter(account_id=account_id).exists()


def _charge_succeeded(charge: Charge, *, at: datetime, actor: str) -> None:
    subscription = Subscription.objects.select_for_update().get(pk=charge.subscription_id)
    if charge.kind == ChargeKind.UPGRADE:
        # BIL-2: the upgrade applies only once it is paid.
        subscription.plan = Plan.objects.get(code=charge.terms["plan"])
        subscription.seats = charge.terms["seats"]
        subscription.pending_plan, subscription.pending_seats, subscription.pending_cycle = None, None, ""
    if charge.amount > 0:
        invoice = _invoice_issue(charge, at=at, actor=actor)
        if invoice is not None:
            charge.invoice_id, charge.invoice_number = invoice.pk, invoice.number
    charge.save()  # the attempt's fields; the status moves (and is audited) through transition()
    transition(charge, to=ChargeStatus.PAID, actor=actor, reason="payment received", paid_at=at, next_retry_at=None)
    still_overdue = Charge.objects.filter(subscription=subscription, status=ChargeStatus.FAILED).exists()
    subscription.save()
    if not still_overdue and subscription.status == SubscriptionStatus.PAST_DUE:
        transition(subscription, to=SubscriptionStatus.ACTIVE, actor=actor, reason="overdue charges paid")
    account = Account.all_objects.get(pk=charge.account_id)
    if not still_overdue and account.status in (
        AccountStatus.TRIAL,
        AccountStatus.SUSPENDED,
        AccountStatus.REACTIVATED,
    ):
        # ACC-4 (the trial ends, the paid plan starts) and BIL-12 (paid: access restored).

        account_activate(account=account, actor=actor, reason="payment received", plan_name=subscription.plan.name)
    elif account.plan_name != subscription.plan.name:
        Account.objects.filter(pk=account.pk).update(plan_name=subscription.plan.name)
    if charge.amount > 0:
        # BIL-6: one e-mail per payment, the receipt; it carries the invoice's PDF (BIL-14), so
        # it follows the PDF's store when an invoice was issued (services/receipts.py).
        receipt_mail(charge, invoice=invoice)


def charge_failed_record(charge: Charge, *, at: datetime, actor: str) -> None:
    """Record a declined attempt (its fields set on `charge`): dunning, suspension, the e-mail."""
    if charge.kind in (ChargeKind.UPGRADE, ChargeKind.FIRST, ChargeKind.PREPAID):
        # Nothing is owed: the change (or the start) simply does not happen.
        charge.save()
        transition(charge, to=ChargeStatus.ABANDONED, actor=actor, reason=f"declined: {charge.failure_code}")
        return
    # BIL-12: a renewal stays owed; retry on the staff's schedule, then suspend.
    offsets = BillingSettings.current().retry_offsets()
    retry_index = charge.attempts - 1  # attempt 1 was the renewal itself
    charge.next_retry_at = (
        charge.created_at + timedelta(days=offsets[retry_index]) if retry_index < len(offsets) else None
    )
    charge.save()
    if charge.status == ChargeStatus.PENDING:
        transition(charge, to=ChargeStatus.FAILED, actor=actor, reason=f"declined: {charge.failure_code}")
    else:  # a retry that failed again: still failed, still audited
        subscription_audit(
            account=charge.account, actor=actor, action="charge_failed", charge=charge.pk, code=charge.failure_code
        )
    subscription = Subscription.objects.select_for_update().get(pk=charge.subscription_id)
    if subscription.status == SubscriptionStatus.ACTIVE:
        transition(subscription, to=SubscriptionStatus.PAST_DUE, actor=actor, reason="renewal unpaid")
    account = Account.all_objects.get(pk=charge.account_id)
    lifetime = charge.subscription.included_seats > 0
    if lifetime and charge.failure_code in (NO_PAYMENT_METHOD, NO_BILLING_DETAILS):
        # LTD-7/8: the first charge of a lifetime account asks for full billing details and a
        # payment method; until they are given the account has no access.
        if account.status in (AccountStatus.ACTIVE, AccountStatus.REACTIVATED):
            account_suspend(account=account, actor=SYSTEM, reason=LIFETIME_DETAILS_MISSING)
        return
    if charge.next_retry_at is None:
        if account.status in (AccountStatus.ACTIVE, AccountStatus.REACTIVATED):
            account_suspend(account=account, actor=SYSTEM, reason=UNPAID_AFTER_LAST_RETRY)
        return
    owner_mail(
        account,
        "subscriptions_payment_failed",
        # The reason stays a lazy text: the mailer renders it in the Owner's language, whatever
        # language the billing run or the dunning job runs in (BIL-12).
        {
            "charge": charge,
            "decline_code": charge.failure_code,
            "reason": decline_message(charge.failure_code),
            "next_retry_at": charge.next_retry_at,
        },
    )


def _invoice_issue(charge: Charge, *, at: datetime, actor: str) -> Any:
    """The invoice for a paid charge, through the invoicing services; it carries the tax decision
    the charged amount was computed with, so invoice and payment agree to the cent."""

    if not BillingProfile.objects.filter(account_id=charge.account_id).exists():
        return None
    # BIL-17: the seller's calendar days, the last one the day before the next period's first.
    served = proration.Period(charge.period_start, charge.period_end)
    draft = invoice_draft_create(
        account=charge.account,
        lines=[LineInput(d, Decimal(q), Decimal(u)) for d, q, u in charge.lines]
        or [LineInput(charge.description, Decimal("1"), charge.net_amount)],
        currency=charge.currency,
        period_start=served.first_day,
        period_end=served.last_day,
        actor=actor,
    )
    decision = TaxDecision(charge.tax_treatment, charge.tax_country, charge.vat_rate) if charge.tax_treatment else None
    # BIL-14: asked once per wait, not once per renewal that waits too.
    asked = Document.objects.filter(
        account_id=charge.account_id, status=DocumentStatus.DRAFT, waiting_for=WaitingFor.IDENTIFIERS
    ).exists()
    issued = document_issue(
        document=draft,
        issued_at=at,
        actor=actor,
        notify=False,  # the receipt (BIL-6) names the invoice; one e-mail per payment
        render_pdf=getattr(settings, "SUBSCRIPTIONS_INVOICE_PDF", True),
        decision=decision,
        identifiers_may_wait=True,  # BIL-14: the money is taken; a refusal would leave it without invoice
    )
    if issued.status == DocumentStatus.DRAFT:
        # BIL-16/BIL-14: held until the ECB rate of its tax point, or the Slovak buyer's IČO/DIČ,
        # exists. The receipt goes out now without an invoice number; billing.subscriptions.
        # held_invoices marks the invoice paid when it is issued, and its own e-mail follows then.
        if issued.waiting_for == WaitingFor.IDENTIFIERS and not asked:
            owner_mail(charge.account, "subscriptions_identifiers_needed", {"details_url": _details_url(charge)})
        return issued
    # BIL-17: the invoice says how and when it was paid (and its PDF, rendered after commit, too).
    return document_mark_paid(document=issued, actor=actor, paid_at=at, payment=payment_snapshot(charge.payment_method))


def _details_url(charge: Charge) -> str:
    return account_url(charge.account, "/min-konto/billing/details/")  # the billing-details form


def payment_snapshot(method: PaymentMethod | None) -> dict[str, str]:
    """What an invoice keeps of the method that paid it: what the payer recognises, no token."""
    if method is None:
        return {}
    if method.kind == PaymentKind.PAYPAL:
        return {"method": "paypal"}
    return {"method": "card", "brand": method.brand, "last4": method.last4}


def overdue_pay(*, account: Account, actor: str) -> list[Charge]:
    """BIL-12: retry everything overdue now (after a new card): paying restores the account."""
    return [charge_pay(charge_id=pk, actor=actor) for pk in overdue_ids(account)]


def overdue_ids(account: Account) -> list[int]:
    return list(
        # A failed refund is money the customer is owed, never something to charge them.
        Charge.objects.filter(account=account, status=ChargeStatus.FAILED)
        .exclude(kind=ChargeKind.REFUND)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
