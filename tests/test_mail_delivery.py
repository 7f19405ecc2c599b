"""Issue 10: a mail the server refuses is tried again with backoff instead of staying FAILED,
and the plain-text part and subject are not HTML-escaped. Real SMTP: the smtp backend pointed
at a closed local port refuses the connection; then the locmem backend takes the mail."""

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from accounts.jobs import mail_retry_failed
from accounts.lifecycle import notify_owner
from accounts.mail_delivery import MAX_ATTEMPTS, MAX_RETRIES, backoff_seconds, outbox_get
from accounts.mailer import mail_send
from accounts.models import Account, MailLog, MailStatus
from config.celery import app
from config.clock import now

pytestmark = pytest.mark.django_db
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def smtp_down(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Retries run at once, in this process (their countdown is what a worker would wait)."""
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def send_one(capture) -> MailLog:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        log = mail_send(
            to="owner@alfa.dk",
            template="password_reset",
            language="da",
            context={"user": {"full_name": "Anne Alfa"}, "reset_url": "http://alfa.localhost:8000/r/x/"},
            secret=("reset_url",),
        )
    return MailLog.objects.get(pk=log.pk)


def test_issue10_refused_mail_is_retried_with_growing_backoff_then_failed(
    smtp_down, eager_tasks, settings, django_capture_on_commit_callbacks
):
    # when the mail server refuses every attempt
    log = send_one(django_capture_on_commit_callbacks)
    # then the first attempt and every retry are recorded, and the final state is FAILED
    # (the attempt right after commit, the retry task's first run, its MAX_RETRIES retries)
    assert log.attempts == 2 + MAX_RETRIES
    assert log.status == MailStatus.FAILED and log.sent_at is None
    assert "ConnectionRefusedError" in log.error
    # each wait is twice the one before: 1, 2, 4, 8, 16, 32 minutes, about an hour in all
    assert [backoff_seconds(n) for n in range(MAX_RETRIES + 1)] == [60, 120, 240, 480, 960, 1920]
    # the message waits for the job outside the log; the log keeps no secret link
    assert outbox_get(log.pk)["body"].count("http://alfa.localhost:8000/r/x/") == 1
    assert "/r/x/" not in log.body

    # when the server is back, the job sends it once, and a second run changes nothing
    settings.EMAIL_BACKEND = LOCMEM
    assert mail_retry_failed(at=now(), dry_run=True).counts == {"requeued": 1}
    assert MailLog.objects.get(pk=log.pk).status == MailStatus.FAILED  # a dry run changes nothing
    assert mail_retry_failed(at=now(), dry_run=False).counts == {"requeued": 1}
    log.refresh_from_db()
    assert log.status == MailStatus.SENT and log.attempts == 3 + MAX_RETRIES and log.error == ""
    assert len(mail.outbox) == 1 and "http://alfa.localhost:8000/r/x/" in mail.outbox[0].body
    assert mail_retry_failed(at=now(), dry_run=False).counts == {}
    assert outbox_get(log.pk) is None and len(mail.outbox) == 1


def test_issue10_failed_mail_stays_failed_after_three_rounds_or_a_day(
    smtp_down, eager_tasks, django_capture_on_commit_callbacks
):
    log = send_one(django_capture_on_commit_callbacks)
    assert log.status == MailStatus.FAILED
    # after three rounds of retries the job leaves it alone …
    MailLog.objects.filter(pk=log.pk).update(attempts=MAX_ATTEMPTS)
    assert mail_retry_failed(at=log.created_at + timedelta(hours=2), dry_run=False).counts == {}
    MailLog.objects.filter(pk=log.pk).update(attempts=log.attempts)
    assert mail_retry_failed(at=log.created_at + timedelta(hours=2), dry_run=True).counts == {"requeued": 1}
    # … and a day later too, whatever its attempts
    assert mail_retry_failed(at=log.created_at + timedelta(days=1, minutes=1), dry_run=False).counts == {}
    assert MailLog.objects.get(pk=log.pk).status == MailStatus.FAILED


def test_issue10_first_refusal_queues_a_retry_on_the_broker(smtp_down, django_capture_on_commit_callbacks):
    # without an eager worker the retry waits on the real broker; the row is not FAILED meanwhile
    log = send_one(django_capture_on_commit_callbacks)
    assert log.attempts == 1 and log.status == MailStatus.QUEUED
    assert outbox_get(log.pk) is not None
    app.control.purge()  # the queued retry is this test's; no worker of another test takes it


def test_issue10_mail_sent_at_once_has_one_attempt(django_capture_on_commit_callbacks, mailoutbox):
    log = send_one(django_capture_on_commit_callbacks)
    assert log.status == MailStatus.SENT and log.attempts == 1 and len(mailoutbox) == 1


def test_acc12_plain_text_mail_and_subject_are_not_html_escaped(
    account_a: Account, mailoutbox, django_capture_on_commit_callbacks
):
    # given an account named with an ampersand
    account_a.name = "Blåbær & Ærø A/S"
    with tenant_context(account_a), django_capture_on_commit_callbacks(execute=True):
        notify_owner(account_a, "breach_warning", reason="Spam <sent> to 5 & more")
    sent = mailoutbox[0]
    # then the text part and the subject read as written
    assert "Blåbær & Ærø A/S" in sent.subject and "&amp;" not in sent.subject
    assert "Blåbær & Ærø A/S" in sent.body and "Spam <sent> to 5 & more" in sent.body
    assert "&amp;" not in sent.body and "&lt;" not in sent.body
    log = MailLog.objects.get(template="breach_warning", recipient=sent.to[0])
    assert "Blåbær & Ærø A/S" in log.subject and "&amp;" not in log.body
