"""GDPR-7: personal data past its retention is deleted by a scheduled job, per category."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from accounts.models import MailLog
from accounts.users.models import Role, User
from config.jobs import get_job, run_for_account
from privacy.audit import desk_trail
from privacy.jobs import retention
from privacy.models import AuditAction, Consent, ConsentPurpose, ConsentSource
from privacy.services.consents import consent_give, consent_withdraw

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
AT = datetime(2032, 6, 1, 3, 30, tzinfo=CPH)


def test_gdpr7_non_customer_data_goes_after_5_years_or_at_withdrawal_with_a_report():
    old = consent_give(email="old@example.org", purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    Consent.objects.filter(pk=old.pk).update(given_at=AT - timedelta(days=5 * 366))
    fresh = consent_give(email="fresh@example.org", purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    Consent.objects.filter(pk=fresh.pk).update(given_at=AT - timedelta(days=10))
    consent_give(email="gone@example.org", purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    consent_withdraw(email="gone@example.org", source=ConsentSource.UNSUBSCRIBE)
    customer = consent_give(
        email="cust@example.org", purpose=ConsentPurpose.MARKETING, source=ConsentSource.MINKONTO, is_customer=True
    )
    Consent.objects.filter(pk=customer.pk).update(given_at=AT - timedelta(days=6 * 366))
    MailLog.objects.create(
        created_at=AT - timedelta(days=5 * 366),
        recipient="old@example.org",
        template="x",
        language="da",
        subject="s",
        body="b",
    )
    MailLog.objects.create(
        created_at=AT - timedelta(days=30),
        recipient="new@example.org",
        template="x",
        language="da",
        subject="s",
        body="b",
    )

    dry = retention(at=AT, dry_run=True)
    assert dry.counts == {"consents_non_customer": 2, "mail_log": 1}
    assert Consent.objects.count() == 4

    report = retention(at=AT, dry_run=False)
    assert report.counts == dry.counts
    assert set(Consent.objects.values_list("email", flat=True)) == {"fresh@example.org", "cust@example.org"}
    assert list(MailLog.objects.values_list("recipient", flat=True)) == ["new@example.org"]
    assert desk_trail().filter(action=AuditAction.RETENTION).last().params["counts"] == report.counts
    assert retention(at=AT, dry_run=False).counts == {}  # idempotent


def test_gdpr7_customer_logins_are_anonymised_5_years_after_the_end_of_use(account_a):
    with tenant_context(account_a):
        ended = User.objects.create_user("left@alfa.dk", "pw-123456789", full_name="Left Long Ago", role=Role.AGENT)
        User.objects.filter(pk=ended.pk).update(is_active=False, last_login=AT - timedelta(days=5 * 366))
        recent = User.objects.create_user("left-recently@alfa.dk", "pw-123456789", full_name="Recent", role=Role.AGENT)
        User.objects.filter(pk=recent.pk).update(is_active=False, last_login=AT - timedelta(days=100))
    job = get_job("privacy_retention_accounts")
    assert run_for_account(job, account_a, AT, dry_run=True).counts == {"users_anonymised": 1}
    assert run_for_account(job, account_a, AT, dry_run=False).counts == {"users_anonymised": 1}
    with tenant_context(account_a):
        assert not User.objects.filter(email="left@alfa.dk").exists()
        assert User.objects.filter(email="left-recently@alfa.dk").exists()
    assert run_for_account(job, account_a, AT, dry_run=False).counts == {}
