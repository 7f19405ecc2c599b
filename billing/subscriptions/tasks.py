"""Subscription tasks: interfaces that take ids and call one service."""

from datetime import datetime

from celery import shared_task

from billing.subscriptions.batch_run import (
    batch_size,
    batches,
    billing_batch_run,
    due_subscription_ids,
    lifetime_subscriptions_ensure,
    report_of,
)
from config.clock import frozen_at
from config.jobs import JobReport


# acks_late: a batch lost with its worker is sent again; claiming is idempotent (BIL-1).
@shared_task(name="subscriptions.billing_batch", acks_late=True, ignore_result=True)
def billing_batch(subscription_ids: list[int], at: str) -> dict:
    """Bill one batch of due subscriptions as the run at `at` (ISO) would."""
    moment = datetime.fromisoformat(at)
    with frozen_at(moment):
        return report_of(billing_batch_run(subscription_ids=subscription_ids, at=moment)).as_dict()


def billing_dispatch(*, at: datetime) -> JobReport:
    """The billing run's dispatcher: lifetime subscriptions first (LTD-4), then one query for
    what is due and one task per batch of KONTO_BILLING_BATCH_SIZE subscriptions. The workers
    may run on several machines; claiming makes a batch sent twice harmless."""
    report = JobReport()
    lifetime_subscriptions_ensure(at=at)
    for ids in batches(due_subscription_ids(at=at), batch_size()):
        billing_batch.delay(ids, at.isoformat())
        report.add("batches")
        report.add("subscriptions", n=len(ids))
    return report
