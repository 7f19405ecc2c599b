"""Celery tasks are interfaces: they take names and ids, load, and call one service or job."""

from datetime import datetime
from typing import Any

from celery import shared_task

from accounts.models import Account
from config.clock import frozen_at, now
from config.jobs import JobReport, get_job, run_for_account


@shared_task(name="accounts.run_job")
def run_job(name: str, at: str | None = None) -> dict[str, Any]:
    """Beat's entry point. A public job runs here; a per-account job is fanned out."""
    job = get_job(name)
    moment = datetime.fromisoformat(at) if at else now()
    if not job.per_account:
        with frozen_at(moment):
            return job.func(at=moment, dry_run=False).as_dict()
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
