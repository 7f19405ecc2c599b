"""Billing tasks: interfaces that take ids and call one service."""

from celery import shared_task

from billing.pdf import document_pdf_store


@shared_task(name="billing.render_document_pdf", bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def render_document_pdf(self, document_id: int) -> str:  # type: ignore[no-untyped-def]
    """Render and store an issued document's PDF once (BIL-11). Safe to run twice."""
    try:
        return document_pdf_store(document_id=document_id).pdf_sha256
    except OSError as exc:  # storage trouble: try again later; the nightly job is the backstop
        raise self.retry(exc=exc) from exc
