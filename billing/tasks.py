"""Billing tasks: interfaces that take ids and call one service."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from billing.pdf import document_pdf_store

log = logging.getLogger(__name__)


# ignore_result: nobody waits for the hash, and without a result to store, queueing does not
# touch the result backend (which retries for 20 s when Redis is down).
@shared_task(
    name="billing.render_document_pdf",
    bind=True,
    max_retries=5,
    default_retry_delay=60,
    acks_late=True,
    ignore_result=True,
)
def render_document_pdf(self, document_id: int) -> str:  # type: ignore[no-untyped-def]
    """Render and store an issued document's PDF once (BIL-11). Safe to run twice."""
    try:
        return document_pdf_store(document_id=document_id).pdf_sha256
    except OSError as exc:  # storage trouble: try again later; the job is the backstop
        raise self.retry(exc=exc) from exc


def pdf_render_enqueue(document_id: int) -> bool:
    """Queue a document's PDF. Called after the issue has committed: with the broker down it
    logs and returns False instead of raising into the request or task that issued the document;
    the job `billing_render_missing_pdfs` queues it again within minutes."""
    try:
        render_document_pdf.delay(document_id)
    except (OperationalError, OSError):
        log.warning("PDF of document %s not queued (broker unreachable); the re-queue job will", document_id)
        return False
    return True
