"""Delivering a logged mail, and trying again when the mail server refuses it.

The first attempt runs right after the sending transaction commits (in the request or job that
sent it). When it fails, the message waits in the cache — not in the log, which keeps no links
or codes (accounts/mail_redact.py) — and the task `accounts.deliver_mail` tries again with
exponential backoff (after 1, 2, 4, 8, 16, 32 minutes: about an hour). After the last retry the
log row is FAILED; the job `mail_retry_failed` queues FAILED rows younger than a day once more (a
mail server that was down for an hour), for at most three rounds; after that they stay FAILED
and the message expires from the cache. MailLog.attempts counts every attempt, `error` keeps the
last transport error.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.models import MailLog, MailStatus
from config.clock import now
from core import hooks

# How long an undelivered message is kept for retries, and so how far back the job looks.
RETRY_WINDOW = timedelta(days=1)
MAX_RETRIES = 5
# The job gives a failed mail at most three rounds of retries (the first attempt, the task's run
# and its retries make one round): a mailbox that refuses all day is not hammered all day.
MAX_ATTEMPTS = 3 * (2 + MAX_RETRIES)
FIRST_BACKOFF_SECONDS = 60


def backoff_seconds(retries: int) -> int:
    """Seconds the retry task waits before its run number `retries + 1`: 1, 2, 4, 8, 16, 32 minutes."""
    return FIRST_BACKOFF_SECONDS * 2**retries


def _key(log_id: int) -> str:
    return f"mail-outbox:{log_id}"


def outbox_put(log_id: int, message: dict[str, Any]) -> None:
    # One key space whatever schema the sender ran in: the retry runs in the public schema.
    with schema_context(get_public_schema_name()):
        cache.set(_key(log_id), message, timeout=int((RETRY_WINDOW + timedelta(hours=1)).total_seconds()))


def outbox_get(log_id: int) -> dict[str, Any] | None:
    with schema_context(get_public_schema_name()):
        return cache.get(_key(log_id))


def outbox_drop(log_id: int) -> None:
    with schema_context(get_public_schema_name()):
        cache.delete(_key(log_id))


def mail_attempt(log_id: int, message: dict[str, Any]) -> bool:
    """One delivery attempt, recorded on the log row in one statement. True when the server
    took the mail."""
    mail = EmailMultiAlternatives(message["subject"], message["body"], settings.DEFAULT_FROM_EMAIL, [message["to"]])
    if message.get("html"):
        mail.attach_alternative(message["html"], "text/html")
    attempted = {"attempts": F("attempts") + 1}
    try:
        for reference in message.get("attachments", ()):
            # (filename, bytes, mimetype) from the app that owns the file; None: it is missing,
            # and the mail waits for it like for a refusing server.
            attachment = hooks.mail_attachment(reference)
            if attachment is None:
                raise LookupError(f"attachment {reference} not available")
            mail.attach(*attachment)
        mail.send()
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded and retried, not raised
        MailLog.objects.filter(pk=log_id).update(error=f"{exc.__class__.__name__}: {exc}"[:2000], **attempted)
        return False
    MailLog.objects.filter(pk=log_id).update(status=MailStatus.SENT, sent_at=now(), error="", **attempted)
    return True


def mail_retry(log_id: int, *, retries: int) -> bool | None:
    """What the task does: True sent, False failed for good, None try again later."""
    message = outbox_get(log_id)
    if message is None:  # older than the retry window, or sent by a concurrent attempt
        MailLog.objects.filter(pk=log_id).exclude(status=MailStatus.SENT).update(status=MailStatus.FAILED)
        return MailLog.objects.filter(pk=log_id, status=MailStatus.SENT).exists()
    if mail_attempt(log_id, message):
        outbox_drop(log_id)
        return True
    if retries >= MAX_RETRIES:
        MailLog.objects.filter(pk=log_id).update(status=MailStatus.FAILED)
        return False
    return None


def mail_failed_due(at: datetime) -> list[int]:
    """FAILED mails of the last day, with rounds left, whose message is still kept for a retry."""
    ids = MailLog.objects.filter(
        status=MailStatus.FAILED, created_at__gte=at - RETRY_WINDOW, attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)
    return [pk for pk in ids.order_by("pk") if outbox_get(pk) is not None]


def mail_requeue_claim(log_id: int) -> bool:
    """FAILED → QUEUED, once: a second run (or a second worker) finds it no longer FAILED."""
    return MailLog.objects.filter(pk=log_id, status=MailStatus.FAILED).update(status=MailStatus.QUEUED) == 1
