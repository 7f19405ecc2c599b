"""BIL-1: the billing run in batches. The dispatcher asks the public tables once which
subscriptions have a period due (chargeable accounts only) and sends them to the workers in
batches of KONTO_BILLING_BATCH_SIZE (default 500) as Celery tasks; an account with nothing due
costs nothing. Each batch is `services.batch` (claim, pay, record); a charge a crashed worker
left pending is paid by `charge_pay`, the per-account path, under its row lock."""

import logging
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from accounts.models import Account, LifetimeCode
from billing.subscriptions.choices import ChargeKind, ChargeStatus, SubscriptionStatus
from billing.subscriptions.models import Charge, Subscription
from billing.subscriptions.services.batch import BILLABLE, BatchResult, batch_claim, batch_pay, batch_record
from billing.subscriptions.services.charges import charge_pay
from billing.subscriptions.services.lifetime import lifetime_subscription_ensure
from config.jobs import JobReport

log = logging.getLogger(__name__)


def batch_size() -> int:
    return int(getattr(settings, "KONTO_BILLING_BATCH_SIZE", 500))


def due_subscription_ids(*, at: datetime) -> list[int]:
    """One query: the subscriptions with a period started by `at`, or a renewal still pending,
    of accounts that may be charged (ACC-10: never a cancelled, closed or purged one)."""
    pending = Charge.objects.filter(subscription=OuterRef("pk"), kind=ChargeKind.RENEWAL, status=ChargeStatus.PENDING)
    due = Subscription.objects.filter(
        status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE],
        account__status__in=BILLABLE,
        account__deleted_at__isnull=True,
    ).filter(Exists(pending) | Exists(Subscription.objects.filter(pk=OuterRef("pk"), period_end__lte=at)))
    return list(due.order_by("pk").values_list("pk", flat=True))


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def lifetime_subscriptions_ensure(*, at: datetime) -> int:
    """LTD-4: lifetime-code accounts without their subscription yet get it (rare: one query)."""
    accounts = Account.objects.filter(
        status__in=BILLABLE,
        pk__in=LifetimeCode.objects.filter(account__isnull=False).values("account_id"),
    ).exclude(pk__in=Subscription.objects.values("account_id"))
    created = 0
    for account in accounts:
        with transaction.atomic():
            created += lifetime_subscription_ensure(account=account, at=at) is not None
    return created


def billing_batch_run(*, subscription_ids: list[int], at: datetime) -> BatchResult:
    """One batch: claim, pay, record; then the renewals still pending from an earlier run."""
    claimed = batch_claim(subscription_ids=subscription_ids, at=at)
    result = batch_record(attempts=batch_pay(charges=claimed))
    leftovers = Charge.objects.filter(
        subscription_id__in=subscription_ids, kind=ChargeKind.RENEWAL, status=ChargeStatus.PENDING
    ).exclude(pk__in=[c.pk for c in claimed])
    for pk in leftovers.order_by("period_start").values_list("pk", flat=True):
        charge = charge_pay(charge_id=pk)
        (result.paid if charge.status == ChargeStatus.PAID else result.failed).append(charge)
    return result


def account_bill(*, account: Account, at: datetime) -> list[Charge]:
    """Bill one account for every period started by `at` and attempt the renewals it still owes
    from an earlier run: the batch path with a batch of one, as the per-account job runs it (one
    path for every renewal). Returns the charges attempted, oldest period first."""
    ids = list(Subscription.objects.filter(account=account).values_list("pk", flat=True))
    result = billing_batch_run(subscription_ids=ids, at=at)
    return sorted(result.paid + result.failed, key=lambda charge: charge.period_start)


def report_of(result: BatchResult) -> JobReport:
    report = JobReport()
    for charge in result.paid:
        report.add("paid", f"{charge.account.slug}: {charge.amount} {charge.currency} paid")
    for charge in result.failed:
        report.add("failed", f"{charge.account.slug}: {charge.amount} {charge.currency} failed")
    for error in result.errors:
        report.add("error", error)
    return report
