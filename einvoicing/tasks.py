"""E-invoicing tasks: interfaces that take ids and call one service (BIL-14)."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from einvoicing.delivery import backoff, delivery_attempt, delivery_plan
from einvoicing.models import Delivery
from einvoicing.providers import PeppolUnavailable

log = logging.getLogger(__name__)


@shared_task(name="einvoicing.deliver", bind=True, max_retries=8, acks_late=True, ignore_result=True)
def deliver(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send (or ask after) one delivery; a provider outage retries with exponential backoff. The
    job `einvoicing_deliveries` picks up whatever the retries leave."""
    try:
        return delivery_attempt(delivery_id=delivery_id).status
    except PeppolUnavailable as exc:
        attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first() or 1
        raise self.retry(exc=exc, countdown=backoff(attempts).total_seconds()) from exc


def deliver_enqueue(delivery_id: int) -> bool:
    """Queue a delivery; with the broker down, log and leave it to the job."""
    try:
        deliver.delay(delivery_id)
    except (OperationalError, OSError):
        log.warning("Delivery %s not queued (broker unreachable); the job will send it", delivery_id)
        return False
    return True


def document_pdf_stored(document_id: int) -> None:
    """core.hooks.document_pdf_stored: plan the document's delivery and queue it (after commit)."""
    delivery = delivery_plan(document_id=document_id)
    if delivery.status == "queued":
        deliver_enqueue(delivery.pk)
