"""E-invoicing's scheduled job (BIL-14): the backstop for deliveries a task did not finish."""

from datetime import datetime

from config.jobs import JobReport, job
from einvoicing.delivery import deliveries_due, delivery_attempt, delivery_plan
from einvoicing.providers import PeppolUnavailable
from einvoicing.selectors import documents_without_delivery


@job("einvoicing_deliveries", crontab={"minute": "*/5"})
def deliveries(*, at: datetime, dry_run: bool) -> JobReport:
    """Plan the delivery of documents whose PDF is stored, send what is due, ask after what was sent (BIL-14)."""
    report = JobReport()
    for document_id in documents_without_delivery():
        if dry_run:
            report.add("to_plan", f"document {document_id}: delivery would be planned")
            continue
        report.add(delivery_plan(document_id=document_id).status, f"document {document_id}: delivery planned")
    for delivery_id in deliveries_due():
        if dry_run:
            report.add("due", f"delivery {delivery_id}: would be attempted")
            continue
        try:
            status = delivery_attempt(delivery_id=delivery_id).status
        except PeppolUnavailable:
            report.add("provider_unavailable", f"delivery {delivery_id}: provider unavailable, retried later")
            continue
        report.add(status, f"delivery {delivery_id}: {status}")
    return report
