from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import (
    REACTIVATION_WINDOW,
    account_close,
    account_has_paid_subscription,
    account_purge,
    account_suspend,
    audit,
    local_add,
    notify_owner,
    save_fields,
)
from accounts.mail_delivery import mail_failed_due, mail_requeue_claim
from accounts.models import Account, PooledSchema
from accounts.models import AccountStatus as S
from accounts.pool import pool_fill
from accounts.tasks import mail_retry_enqueue
from accounts.users.models import User
from accounts.workspace.models import UsageSnapshot
from config.clock import seller_date
from config.jobs import JobReport, job


# Every day at 02:10: once a day is enough for usage history, and before office hours.
@job("record_user_counts", crontab={"minute": "10", "hour": "2"}, per_account=True)
def record_user_counts(*, account: Account, at: datetime, dry_run: bool) -> JobReport:
    """Record each account's active user count for the day."""
    report = JobReport()
    day = seller_date(at)  # the seller's calendar day: LTD-5 bills user-days from these rows
    count = User.objects.filter(is_active=True).count()
    existing = UsageSnapshot.objects.filter(day=day).first()
    if existing is not None and existing.user_count == count:
        report.add("unchanged")
        return report
    report.add("recorded", f"{account.slug}: {count} users on {day.isoformat()}")
    if not dry_run:
        UsageSnapshot.objects.update_or_create(day=day, defaults={"user_count": count, "taken_at": at})
    return report


# --- The account lifecycle, run by beat every night (public jobs: one query over the account
# rows; each account is changed in its own transaction through accounts.lifecycle). ---

SYSTEM = "system"
# ACC-11
INACTIVITY_WARNING = timedelta(weeks=4)
INACTIVITY_DELETION = timedelta(weeks=8)
# Trial reminders, days before the end (ACC-5).
TRIAL_REMINDERS = (3, 1)


def _each(
    report: JobReport, accounts: list[Account], dry_run: bool, describe: str, change: Callable[[Account], object]
) -> None:
    for account in accounts:
        report.add(describe, f"{account.slug}: {describe}")
        if not dry_run:
            with transaction.atomic():
                change(account)


# Every night at 01:05 (before the 02:10 usage snapshot); reminders go out at 08:05 (below).
@job("trial_expiry", crontab={"minute": "5", "hour": "1"})
def trial_expiry(*, at: datetime, dry_run: bool) -> JobReport:
    """ACC-5: a trial that has ended without billing details suspends the account."""
    report = JobReport()
    due = list(Account.objects.customers().filter(status=S.TRIAL, trial_ends_at__lte=at).order_by("id"))
    _each(
        report,
        due,
        dry_run,
        "suspended",
        lambda a: account_suspend(account=a, actor=SYSTEM, reason=_("Trial ended without billing details (ACC-5)")),
    )
    return report


# Every hour at :20: temporary access is 2 days to the hour, not to the night.
@job("reactivation_expiry", crontab={"minute": "20"})
def reactivation_expiry(*, at: datetime, dry_run: bool) -> JobReport:
    """ACC-6: temporary reactivation ended without billing details → suspended again."""
    report = JobReport()
    due = list(Account.objects.customers().filter(status=S.REACTIVATED, reactivated_until__lte=at).order_by("id"))
    _each(
        report,
        due,
        dry_run,
        "suspended again",
        lambda a: account_suspend(
            account=a, actor=SYSTEM, reason=_("Temporary reactivation ended without billing details (ACC-6)")
        ),
    )
    return report


# Every night at 01:15.
@job("suspension_expiry", crontab={"minute": "15", "hour": "1"})
def suspension_expiry(*, at: datetime, dry_run: bool) -> JobReport:
    """ACC-7: suspended 30 days without reactivation → closed and its data deleted."""
    report = JobReport()
    # coarse filter in SQL, the exact local-calendar edge in Python (see local_add)
    due = [
        account
        for account in Account.objects.customers()
        .filter(status=S.SUSPENDED, suspended_at__lte=at - REACTIVATION_WINDOW + timedelta(hours=2))
        .order_by("id")
        if local_add(account.suspended_at, REACTIVATION_WINDOW) <= at
    ]
    _each(
        report,
        due,
        dry_run,
        "closed",
        lambda a: account_close(
            account=a, actor=SYSTEM, reason=_("No reactivation within 30 days of suspension (ACC-7)")
        ),
    )
    return report


# Every night at 01:25.
@job("purge_cancelled", crontab={"minute": "25", "hour": "1"})
def purge_cancelled(*, at: datetime, dry_run: bool) -> JobReport:
    """ACC-10: delete the data of cancelled accounts (their public records stay)."""
    report = JobReport()
    due = list(Account.objects.customers().filter(status=S.CANCELLED, deleted_at__isnull=True).order_by("id"))
    _each(
        report,
        due,
        dry_run,
        "data deleted",
        lambda a: account_purge(account=a, actor=SYSTEM, reason=_("Account cancelled (ACC-10)")),
    )
    return report


# Every day at 08:05, so the reminder arrives in office hours.
@job("trial_reminders", crontab={"minute": "5", "hour": "8"})
def trial_reminders(*, at: datetime, dry_run: bool) -> JobReport:
    """Trial reminders 3 days and 1 day before the trial ends."""
    report = JobReport()
    for days in TRIAL_REMINDERS:
        template = f"trial_reminder_{days}"
        window_end = at + timedelta(days=days)
        due = (
            Account.objects.customers()
            .filter(status=S.TRIAL, trial_ends_at__gt=at, trial_ends_at__lte=window_end)
            .exclude(mails__template=template)
            .order_by("id")
        )
        if days == 3:
            # an account whose 1-day reminder is due gets that one only
            due = due.exclude(trial_ends_at__lte=at + timedelta(days=1))
        for account in due:
            report.add(template, f"{account.slug}: {template}")
            if not dry_run:
                notify_owner(account, template, days=days, trial_ends_at=account.trial_ends_at)
    return report


def last_activity(account: Account) -> datetime:
    return max(filter(None, [account.last_login_at, account.created_at]))


# Every night at 01:35.
@job("inactivity", crontab={"minute": "35", "hour": "1"})
def inactivity(*, at: datetime, dry_run: bool) -> JobReport:
    """ACC-11: no login for 4 weeks → warning e-mail; for 8 weeks (and warned) → deleted.
    Only accounts without a paid subscription, and never one staff exempted."""
    report = JobReport()
    candidates = (
        Account.objects.customers()
        .filter(status__in=[S.TRIAL, S.ACTIVE, S.SUSPENDED, S.REACTIVATED], inactivity_exempt=False)
        .filter(
            Q(last_login_at__lte=at - INACTIVITY_WARNING)
            | Q(last_login_at__isnull=True, created_at__lte=at - INACTIVITY_WARNING)
        )
        .order_by("id")
    )
    for account in candidates:
        if account_has_paid_subscription(account):
            continue
        idle_since = last_activity(account)
        if local_add(idle_since, INACTIVITY_WARNING) > at:
            continue
        warned = account.inactivity_warned_at is not None and account.inactivity_warned_at >= idle_since
        if warned and local_add(idle_since, INACTIVITY_DELETION) <= at:
            report.add("deleted", f"{account.slug}: deleted after 8 weeks without a login")
            if not dry_run:
                account_close(account=account, actor=SYSTEM, reason=_("No login for 8 weeks (ACC-11)"))
        elif not warned:
            # A warning always comes first, even if the job was down past the 8 weeks.
            report.add("warned", f"{account.slug}: inactivity warning")
            if not dry_run:
                with transaction.atomic():
                    save_fields(account, inactivity_warned_at=at)
                    notify_owner(account, "inactivity_warning", delete_on=local_add(idle_since, INACTIVITY_DELETION))
                    audit(account=account, actor=SYSTEM, action="inactivity_warning")
    return report


# Every 15 minutes: a mail server that was down for an hour gets its mails within minutes of
# coming back; after a day a FAILED mail stays FAILED (its message is no longer kept).
@job("mail_retry_failed", crontab={"minute": "*/15"})
def mail_retry_failed(*, at: datetime, dry_run: bool) -> JobReport:
    """Queue failed e-mails of the last day for another round of delivery attempts."""
    report = JobReport()
    for log_id in mail_failed_due(at):
        report.add("requeued", f"mail {log_id}: queued again")
        if not dry_run and mail_requeue_claim(log_id):
            mail_retry_enqueue(log_id)
    return report


# Every 10 minutes: the task queued after each sign-up keeps the pool full; this catches a pool
# emptied while the broker was down, or by a burst of sign-ups.
@job("account_pool_fill", crontab={"minute": "*/10"})
def account_pool_fill(*, at: datetime, dry_run: bool) -> JobReport:
    """Keep ACCOUNT_POOL_SIZE schemas cloned from the template ready for sign-ups."""
    report = JobReport()
    missing = settings.ACCOUNT_POOL_SIZE - PooledSchema.objects.count()
    if dry_run:
        if missing > 0:
            report.add("cloned", f"{missing} schemas to clone into the account pool", n=missing)
        return report
    for key, value in pool_fill().items():
        if value and key != "pooled":
            report.add(key, n=value)
    return report
