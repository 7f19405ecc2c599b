from datetime import datetime

from django.utils import timezone

from accounts.models import Account
from accounts.users.models import User
from accounts.workspace.models import UsageSnapshot
from config.jobs import JobReport, job


# Every day at 02:10: once a day is enough for usage history, and before office hours.
@job("record_user_counts", crontab={"minute": "10", "hour": "2"}, per_account=True)
def record_user_counts(*, account: Account, at: datetime, dry_run: bool) -> JobReport:
    """Record each account's active user count for the day."""
    report = JobReport()
    day = timezone.localdate(at)
    count = User.objects.filter(is_active=True).count()
    existing = UsageSnapshot.objects.filter(day=day).first()
    if existing is not None and existing.user_count == count:
        report.add("unchanged")
        return report
    report.add("recorded", f"{account.slug}: {count} users on {day.isoformat()}")
    if not dry_run:
        UsageSnapshot.objects.update_or_create(day=day, defaults={"user_count": count, "taken_at": at})
    return report
