"""Scheduled work of the privacy desk (GDPR-4, -5, -7). Idempotent; a dry run changes nothing."""

from collections import defaultdict
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q

from accounts.mailer import mail_send
from accounts.models import Account, MailLog
from accounts.users.models import User
from config.clock import seller_date
from config.jobs import JobReport, job
from privacy import uploads
from privacy.audit import SYSTEM, audit_write, desk_trail
from privacy.models import AuditAction, Consent, Export, PrivacyRequest, RequestStatus
from privacy.selectors import requests_near_deadline
from privacy.services.intake import request_purge, requests_unverified_stale
from privacy.sources import erased_address

RETENTION = relativedelta(years=5)
PRIVACY_DESK_EMAIL = getattr(settings, "PRIVACY_DESK_EMAIL", "privacy@kontoportal.localhost")


@job("privacy_deadline_reminders", crontab={"minute": "0", "hour": "7"})  # every morning, before the desk opens
def deadline_reminders(*, at: datetime, dry_run: bool) -> JobReport:
    """GDPR-5: e-mail each owner their requests due within a week or overdue, once a day."""
    report = JobReport()
    day = seller_date(at).isoformat()  # the controller's calendar day, not the UTC one
    reminded = {
        int(pk)
        for pk in desk_trail().filter(action=AuditAction.REMINDER, params__day=day).values_list("subject_id", flat=True)
        if pk
    }
    by_owner: dict[tuple[str, str], list[PrivacyRequest]] = defaultdict(list)
    for request in requests_near_deadline().select_related("owner").exclude(pk__in=reminded):
        owner = request.owner
        key = (owner.email, owner.language) if owner else (PRIVACY_DESK_EMAIL, "da")
        by_owner[key].append(request)
    for (email, language), requests in by_owner.items():
        report.add("reminders", f"{email}: {len(requests)} request(s)")
        if dry_run:
            continue
        mail_send(to=email, template="privacy/reminder", language=language, context={"requests": requests})
        for request in requests:
            audit_write(request=request, action=AuditAction.REMINDER, actor=SYSTEM, day=day)
    return report


@job("privacy_retention", crontab={"minute": "30", "hour": "3"})  # nightly, outside office hours
def retention(*, at: datetime, dry_run: bool) -> JobReport:
    """GDPR-7 and GDPR-4: delete personal data past its retention, per category, with a report."""
    report = JobReport()
    cutoff = at - RETENTION
    categories = {
        # GDPR-4: unverified requests leave the queue and are deleted after 30 days.
        "unverified_requests": requests_unverified_stale(at),
        # Non-customers: until consent is withdrawn, at most 5 years.
        "consents_non_customer": Consent.objects.filter(is_customer=False).filter(
            Q(withdrawn_at__isnull=False) | Q(given_at__lt=cutoff)
        ),
        # Customers: the period of use plus 5 years.
        "consents_customer": Consent.objects.filter(is_customer=True, withdrawn_at__lt=cutoff),
        "mail_log": MailLog.objects.filter(created_at__lt=cutoff),
        "closed_requests": PrivacyRequest.objects.filter(
            status__in=[RequestStatus.COMPLETED, RequestStatus.REFUSED], closed_at__lt=cutoff
        ),
        "expired_exports": Export.objects.filter(expires_at__lt=at),
    }
    for name, queryset in categories.items():
        n = queryset.count()
        if n:
            report.add(name, f"{name}: {n}", n=n)
        if dry_run or not n:
            continue
        if name == "unverified_requests":
            for request in queryset:
                request_purge(request=request)
        elif name == "closed_requests":
            # GDPR-7: uploaded letters go with their requests.
            for letter in queryset.exclude(signed_letter="").values_list("signed_letter", flat=True):
                uploads.letter_delete_on_commit(letter)
            queryset.delete()
        elif name == "expired_exports":
            for export in queryset:
                export.json_file.delete(save=False)
                export.pdf_file.delete(save=False)
                export.delete()
        else:
            queryset.delete()
    if report.counts and not dry_run:
        audit_write(request=None, action=AuditAction.RETENTION, actor=SYSTEM, counts=report.counts)
    return report


@job("privacy_retention_accounts", crontab={"minute": "45", "hour": "3"}, per_account=True)  # after the public run
def retention_accounts(*, account: Account, at: datetime, dry_run: bool) -> JobReport:
    """GDPR-7: a team member's login whose use ended more than 5 years ago is anonymised."""
    report = JobReport()
    cutoff = at - RETENTION
    stale = (
        User.objects.filter(is_active=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(email__endswith="@erased.invalid")
    )
    for user in stale:
        report.add("users_anonymised", f"{account.slug}: user {user.pk}")
        if dry_run:
            continue
        user.email = erased_address()
        user.full_name = ""
        user.set_unusable_password()
        user.save(update_fields=["email", "full_name", "password"])
    return report
