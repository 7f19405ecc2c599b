from datetime import datetime, timedelta

from django.conf import settings

from billing.ecb import ecb_rates_import
from billing.models import BillingProfile, ViesStatus
from billing.pdf import document_pdf_store
from billing.selectors import documents_missing_pdf
from billing.services.held import held_documents_issue
from billing.services.profiles import billing_profile_vies_recheck
from billing.tasks import pdf_render_enqueue
from billing.tax import EU_COUNTRIES
from billing.tax_registration import TaxRegime
from billing.thresholds import RateMissing, threshold_check
from config.clock import seller_date
from config.jobs import JobReport, job


# Every 5 minutes: a PDF whose task was lost (worker killed mid-render, broker down at the issue)
# is queued again a few minutes after the issue, instead of after Redis' visibility timeout.
@job("billing_render_missing_pdfs", crontab={"minute": "*/5"})
def render_missing_pdfs(*, at: datetime, dry_run: bool) -> JobReport:
    """Queue again the PDF of every issued document still without one a few minutes after its issue (BIL-11)."""
    report = JobReport()
    cutoff = at - timedelta(minutes=settings.BILLING_PDF_REQUEUE_AFTER_MINUTES)
    broker_up = True
    for document in documents_missing_pdf().filter(issued_at__lte=cutoff):
        if dry_run:
            report.add("to_requeue", f"{document.number}: PDF would be queued again")
            continue
        broker_up = broker_up and pdf_render_enqueue(document.pk)
        if broker_up:
            report.add("requeued", f"{document.number}: PDF queued again")
        else:  # the broker is down (a catch-up run): render here, as a worker would
            document_pdf_store(document_id=document.pk)
            report.add("rendered", f"{document.number}: PDF rendered")
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


# Every day at 16:30 (Copenhagen): the ECB publishes its reference rates around 16:00 CET on
# working days; a run on a holiday finds the previous file and stores nothing new.
@job("billing_ecb_rates", crontab={"minute": "30", "hour": "16"})
def ecb_rates(*, at: datetime, dry_run: bool) -> JobReport:
    """Import the ECB's daily reference rates, then issue the documents that waited for them (BIL-16)."""
    report = JobReport()
    if dry_run:
        report.add("to_import", f"would read {settings.KONTO_ECB_URL}")
        return report
    imported = ecb_rates_import()
    if imported is None:
        report.add("unavailable", "ECB rates could not be read; nothing changed")
        return report
    report.add("created", f"{imported.day}: {', '.join(imported.created) or '-'}", n=len(imported.created))
    report.add("kept", n=len(imported.kept))
    for document in held_documents_issue():
        report.add("issued", f"{document.number}: issued with the rate of {document.tax_point}")
    return report


# Every day at 05:20: the 12-month sums change daily; staff read the alert in the morning.
@job("billing_tax_thresholds", crontab={"minute": "20", "hour": "5"})
def tax_thresholds(*, at: datetime, dry_run: bool) -> JobReport:
    """Sum the last 12 months' sales to consumers in Norway (NOK, VOEC threshold) and the UK, and
    alert staff when a registration is due (BIL-15)."""
    report = JobReport()
    day = seller_date(at)
    for regime in TaxRegime.values:
        if dry_run:
            report.add("to_check", f"{regime}: would sum the sales up to {day}")
            continue
        try:
            check = threshold_check(regime=regime, day=day)
        except RateMissing as exc:
            report.add("no_rate", f"{regime}: no ECB rate for {exc}")
            continue
        report.add("alert" if check.alert else "ok", f"{regime}: {check.sales} {check.currency}")
    return report
