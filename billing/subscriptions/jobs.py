"""Scheduled jobs of subscriptions: the billing run (BIL-1) and dunning (BIL-12)."""

import logging
from datetime import datetime, timedelta

from django.db import transaction

from accounts.lifecycle import audit
from accounts.models import Account
from billing.subscriptions import dunning as retries
from billing.subscriptions import selectors
from billing.subscriptions.batch_run import billing_batch_run, report_of
from billing.subscriptions.chargeable import account_chargeable
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, Subscription
from billing.subscriptions.services.lifetime import lifetime_subscription_ensure
from billing.subscriptions.services.renewals import billing_due
from config.clock import seller_date
from config.jobs import JobReport, job
from core.models import AuditEvent

logger = logging.getLogger(__name__)


# Every hour at :05. Periods start at the moment of day the subscription began, so an hourly run
# bills each period within the hour it starts. Beat runs the dispatcher: one query for what is
# due, one task per batch (batch_run.py); `run_jobs` and tests run it per account. Idempotent by
# the unique (subscription, period start) constraint on charges.
@job(
    "subscriptions_billing_run",
    crontab={"minute": "5"},
    per_account=True,
    dispatch="billing.subscriptions.tasks.billing_dispatch",
)
def billing_run(*, account: Account, at: datetime, dry_run: bool) -> JobReport:
    """Bill every subscription period that has started (BIL-1)."""
    report = JobReport()
    if not account_chargeable(account):
        return report  # ACC-10: cancelled or closed, never billed again
    if not dry_run:
        lifetime_subscription_ensure(account=account, at=at)
    subscription = billing_due(account=account, at=at)
    pending = Charge.objects.filter(account=account, status=ChargeStatus.PENDING, kind="renewal").exists()
    if subscription is None and not pending:
        return report
    if dry_run:
        report.add(
            "would_bill",
            f"{account.slug}: period from {subscription.period_end.isoformat() if subscription else 'pending'}",
        )
        return report
    try:
        with transaction.atomic():
            # The batch path, for this account's subscriptions (beat sends batches instead).
            ids = list(Subscription.objects.filter(account=account).values_list("pk", flat=True))
            result = billing_batch_run(subscription_ids=ids, at=at)
    except Exception as error:  # noqa: BLE001 — a broken account must not stop a run over all of them
        logger.exception("billing run: %s failed", account.slug)
        with transaction.atomic():
            audit(account=account, actor="job:subscriptions_billing_run", action="billing_error", reason=repr(error))
        report.add("error", f"{account.slug}: not billed: {error}")
        return report
    for error in result.errors:
        audit(account=account, actor="job:subscriptions_billing_run", action="billing_error", reason=error)
    report.merge(report_of(result))
    return report


# Every hour at :35: retries fall due at the moment of day the renewal failed.
@job("subscriptions_dunning", crontab={"minute": "35"})
def dunning(*, at: datetime, dry_run: bool) -> JobReport:
    """Retry overdue renewals on the staff's schedule; suspend when the retries run out (BIL-12)."""
    report = JobReport()
    if dry_run:
        due = Charge.objects.filter(status=ChargeStatus.FAILED, next_retry_at__lte=at).count()
        if due:
            report.add("would_retry", f"{due} overdue charge(s) would be retried", n=due)
        return report
    for retry in retries.dunning_retry_due(at=at):
        charge, slug = retry.charge, retry.account.slug
        if retry.outcome == retries.ERROR:
            report.add("error", f"{slug}: charge {retry.charge_id} not retried: {retry.error}")
        elif retry.outcome == retries.ABANDONED:
            report.add("abandoned", f"{slug}: charge {retry.charge_id} abandoned, the account can no longer be charged")
        elif retry.outcome == retries.RECOVERED:
            report.add("recovered", f"{slug}: {charge.amount} {charge.currency} paid")
        elif retry.outcome == retries.EXHAUSTED:
            report.add("exhausted", f"{slug}: retries exhausted, account suspended")
        else:
            report.add("retry_failed", f"{slug}: next retry {charge.next_retry_at.isoformat()}")
    return report


# Every day at 07:20, before office hours: last month's figures are complete by then.
@job("subscriptions_enterprise_candidates", crontab={"minute": "20", "hour": "7"})
def enterprise_candidates(*, at: datetime, dry_run: bool) -> JobReport:
    """Flag accounts over the staff's enterprise thresholds in last month's usage (BIL-5)."""
    report = JobReport()
    last_month = (seller_date(at).replace(day=1) - timedelta(days=1)).replace(day=1)
    for row in selectors.enterprise_candidates(month=last_month):
        month = last_month.isoformat()
        flagged = AuditEvent.objects.filter(
            account_id=row.account.pk, action="enterprise_candidate", params__month=month
        )
        if flagged.exists():
            continue
        report.add(
            "flagged", f"{row.account.slug}: {row.end_users} end users, {row.tickets_per_agent} tickets per agent"
        )
        if not dry_run:
            # The alert staff see in the account's audit log and the usage list's filter.
            audit(
                account=row.account,
                actor="system",
                action="enterprise_candidate",
                data={"month": month, "end_users": row.end_users, "tickets_per_agent": str(row.tickets_per_agent)},
            )
    return report
