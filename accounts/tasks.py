"""Celery tasks are interfaces: they take names and ids, load, and call one service or job."""

import logging
from datetime import datetime
from typing import Any

from celery import shared_task
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from accounts.mail_delivery import (
    MAX_RETRIES,
    backoff_seconds,
    mail_attempt,
    mail_retry,
    outbox_put,
)
from accounts.models import Account, MailLog, MailStatus
from accounts.pool import pool_fill
from config.clock import frozen_at, now
from config.jobs import JobReport, get_job, run_for_account

log = logging.getLogger(__name__)


@shared_task(name="accounts.run_job")
def run_job(name: str, at: str | None = None) -> dict[str, Any]:
    """Beat's entry point. A public job runs here; a per-account job is fanned out."""
    job = get_job(name)
    moment = datetime.fromisoformat(at) if at else now()
    if not job.per_account:
        with frozen_at(moment):
            return job.func(at=moment, dry_run=False).as_dict()
    if job.dispatch:  # only what is due, in batches (the billing run)
        return import_string(job.dispatch)(at=moment).as_dict()
    account_ids = list(Account.objects.customers().values_list("id", flat=True))
    for account_id in account_ids:
        run_account_job.delay(name, account_id, moment.isoformat())
    return {"counts": {"dispatched": len(account_ids)}, "changes": []}


@shared_task(name="accounts.run_account_job", bind=True, max_retries=3, default_retry_delay=60, acks_late=True)
def run_account_job(self: Any, name: str, account_id: int, at: str) -> dict[str, Any]:
    account = Account.objects.customers().filter(pk=account_id).first()
    if account is None:  # deleted since the dispatch: nothing to do
        return JobReport().as_dict()
    return run_for_account(get_job(name), account, datetime.fromisoformat(at), dry_run=False).as_dict()


@shared_task(name="accounts.account_pool_fill", ignore_result=True)
def account_pool_fill() -> dict[str, int]:
    """Top the warm pool of account schemas up again (queued after each sign-up's commit)."""
    return pool_fill()


def account_pool_fill_enqueue() -> None:
    """After a sign-up's commit. The broker down must not fail a sign-up that already happened:
    the pool is topped up by the job `account_pool_fill` then."""
    try:
        account_pool_fill.delay()
    except (OperationalError, OSError):
        log.warning("Pool refill not queued (broker unreachable); the job account_pool_fill will")


@shared_task(name="accounts.deliver_mail", bind=True, max_retries=MAX_RETRIES, acks_late=True, ignore_result=True)
def deliver_mail(self: Any, log_id: int) -> None:
    """Try a mail the server refused again, waiting longer each time (accounts/mail_delivery.py)."""
    if mail_retry(log_id, retries=self.request.retries) is None:
        raise self.retry(countdown=backoff_seconds(self.request.retries + 1))


def mail_deliver_first(log_id: int, message: dict[str, Any]) -> None:
    """The attempt right after commit; a failure keeps the message for the retry task."""
    if mail_attempt(log_id, message):
        return
    outbox_put(log_id, message)
    mail_retry_enqueue(log_id)


def mail_retry_enqueue(log_id: int) -> bool:
    """Queue the retry task; with the broker down the row is FAILED and `mail_retry_failed` queues
    it again later."""
    try:
        deliver_mail.apply_async((log_id,), countdown=backoff_seconds(0))
    except (OperationalError, OSError):
        log.warning("Retry of mail %s not queued (broker unreachable); mail_retry_failed will", log_id)
        MailLog.objects.filter(pk=log_id).update(status=MailStatus.FAILED)
        return False
    return True
