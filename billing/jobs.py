from datetime import datetime

from billing.models import BillingProfile, ViesStatus
from billing.pdf import document_pdf_store
from billing.selectors import documents_missing_pdf
from billing.services import billing_profile_vies_recheck
from billing.tax import EU_COUNTRIES
from config.jobs import JobReport, job


# Every hour at :25: a PDF whose task was lost (worker down, broker flushed) appears within the hour.
@job("billing_render_missing_pdfs", crontab={"minute": "25"})
def render_missing_pdfs(*, at: datetime, dry_run: bool) -> JobReport:
    """Render the PDF of every issued invoice or credit note that has none yet (BIL-11)."""
    report = JobReport()
    for document in documents_missing_pdf():
        report.add("rendered", f"{document.number}: PDF rendered")
        if not dry_run:
            document_pdf_store(document_id=document.pk)
    return report


# Every day at 06:40: VIES is often down at night for maintenance; the morning retry catches most.
@job("billing_vies_retry", crontab={"minute": "40", "hour": "6"})
def vies_retry(*, at: datetime, dry_run: bool) -> JobReport:
    """Ask VIES again about VAT numbers kept as "unverified" because it was unreachable (BIL-9)."""
    report = JobReport()
    unverified = BillingProfile.objects.filter(vat_status=ViesStatus.UNVERIFIED, country__in=EU_COUNTRIES)
    for profile in unverified.exclude(vat_number="").select_related("account"):
        if dry_run:
            report.add("to_check", f"{profile.vat_number}: would ask VIES again")
            continue
        status = billing_profile_vies_recheck(profile=profile).vat_status
        report.add(status, f"{profile.vat_number}: {status}")
    return report
