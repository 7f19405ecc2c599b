"""Reads: current prices, the terms of a subscription, quotes, billing history."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from billing.subscriptions import proration
from billing.subscriptions.choices import ChargeStatus, PrepaidStatus
from billing.subscriptions.models import (
    AccountUsage,
    BillingSettings,
    Charge,
    PaymentMethod,
    Plan,
    PlanPrice,
    PrepaidCredit,
    Subscription,
)
from core.memo import memoised

FEATURE_LABELS = {
    "email": _("E-mail tickets"),
    "chat": _("Live chat"),
    "phone": _("Phone and call recordings"),
    "social": _("Facebook and Twitter"),
    "reports": _("Reports"),
    "sla": _("Service levels (SLA)"),
    "api": _("API access"),
}


class NoPrice(Exception):
    pass


@memoised(key=lambda plan_id: plan_id)
def price_versions(plan_id: int) -> list[PlanPrice]:
    """Every price version of a plan, newest first (a handful of rows; once per billing batch)."""
    return list(PlanPrice.objects.filter(plan_id=plan_id).order_by("-effective_from", "-id"))


def price_at(*, plan: Plan, at: datetime) -> PlanPrice:
    """The price version in force at `at` (BIL-4: a later version waits for its date)."""
    price = next((p for p in price_versions(plan.pk) if p.effective_from <= at), None)
    if price is None:
        raise NoPrice(plan.code)
    return price


def plans_offered() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True).order_by("rank")


def terms_of(
    *, plan: Plan, seats: int, cycle: str, at: datetime, included_seats: int = 0, price: PlanPrice | None = None
) -> proration.Terms:
    """Terms priced at `at` (`price`: the version in force then, when the caller has read it).
    Seats included for life (LTD-4) are not billed."""
    price = price or price_at(plan=plan, at=at)
    billable = max(seats - included_seats, 0)
    return proration.Terms(
        plan=plan.code, seats=billable, cycle=cycle, unit_price=price.per_agent(cycle), rank=plan.rank
    )


def subscription_terms(subscription: Subscription, at: datetime) -> proration.Terms:
    return terms_of(
        plan=subscription.plan,
        seats=subscription.seats,
        cycle=subscription.cycle,
        at=at,
        included_seats=subscription.included_seats,
    )


def next_period_terms(subscription: Subscription, price: PlanPrice | None = None) -> proration.Terms:
    """What the next period will bill: pending changes applied, at the price in force then
    (`price`, when the caller has read it)."""
    at = subscription.period_end
    return terms_of(
        price=price,
        plan=subscription.pending_plan or subscription.plan,
        seats=subscription.pending_seats or subscription.seats,
        cycle=subscription.pending_cycle or subscription.cycle,
        at=at,
        included_seats=subscription.included_seats,
    )


def subscription_of(account: Account) -> Subscription | None:
    return Subscription.objects.select_related("plan", "pending_plan", "account").filter(account=account).first()


def prepaid_running(subscription: Subscription, at: datetime) -> PrepaidCredit | None:
    """BIL-10: the prepayment the subscription is living on at `at`, if any."""
    return PrepaidCredit.objects.filter(
        subscription=subscription, status=PrepaidStatus.ACTIVE, started_at__lte=at, ends_at__gt=at
    ).first()


def payment_method_current(account: Account) -> PaymentMethod | None:
    return PaymentMethod.objects.filter(account=account, is_current=True).first()


def charges_of(account: Account) -> QuerySet[Charge]:
    return Charge.objects.filter(account=account).order_by("-created_at", "-id")


def overdue_charges(account: Account) -> QuerySet[Charge]:
    return Charge.objects.filter(account=account, status="failed").order_by("created_at")


def price_changed_since(*, plan_codes: list[str], since: datetime, at: datetime) -> bool:
    """Did a price of these plans take effect, or get scheduled, after a preview was made?"""
    return PlanPrice.objects.filter(plan__code__in=plan_codes, created_at__gt=since).exists() or (
        PlanPrice.objects.filter(plan__code__in=plan_codes, effective_from__gt=since, effective_from__lte=at).exists()
    )


def enterprise_candidates(*, month: date) -> list[AccountUsage]:
    """BIL-5: the month's usage rows over either staff threshold, largest first."""
    settings = BillingSettings.current()
    rows = AccountUsage.objects.filter(month=month.replace(day=1)).select_related("account")
    over = [
        row
        for row in rows
        if row.end_users >= settings.enterprise_end_users
        or row.tickets_per_agent >= settings.enterprise_tickets_per_agent
    ]
    return sorted(over, key=lambda row: (row.end_users, row.tickets_per_agent), reverse=True)


def has_paid_subscription(account: Account) -> bool:
    """ACC-11's question: does the account pay (a subscription not ended, on a priced plan)?"""
    return Subscription.objects.filter(account=account).exclude(status="ended").exclude(plan__code="free").exists()


def suspended_for_payment(account: Account) -> bool:
    """BIL-12 / LTD-8: an unpaid charge stands, so paying (a working card, billing details)
    restores the account; the Owner must reach those pages while suspended."""
    return Charge.objects.filter(account=account, status=ChargeStatus.FAILED).exists()
