"""Jobs under faults (BIL-11): each account's job commits on its own, so one account's failure
gives its invoice number back without touching the others; a PDF whose task was lost is queued
again within minutes and rendered by a real worker; with the broker down an issue still commits
and nothing raises after the commit."""

import io
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Account
from billing.jobs import render_missing_pdfs
from billing.models import Document
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats
from config import jobs
from config.celery import app
from config.jobs import JobReport, job
from tests.test_worker import celery_worker_process, worker_output  # noqa: F401 - the worker fixture

FAILING = "test_issue_then_fail_in_alfa"


class BrokenAfterNumbering(Exception):
    pass


@pytest.fixture
def issue_then_fail_in_alfa() -> Iterator[str]:
    """A per-account job that issues an invoice in every account, then fails in "alfa" after its
    number was taken: the crash near the end of a run that used to roll back every account."""

    @job(FAILING, crontab={"minute": "0"}, per_account=True)
    def issue_then_fail(*, account: Account, at, dry_run: bool) -> JobReport:  # type: ignore[no-untyped-def]
        connection.set_schema_to_public()  # invoices live in the public schema
        invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
        if account.slug == "alfa":
            raise BrokenAfterNumbering(f"{invoice.number} taken, then the job broke")
        report = JobReport()
        report.add("issued", f"{account.slug}: {invoice.number}")
        return report

    jobs.all_jobs()
    yield FAILING
    jobs._registry.pop(FAILING, None)


@pytest.mark.django_db(transaction=True)
def test_bil11_run_jobs_commits_each_account_alone_and_a_failure_gives_its_number_back(
    accounts_ready, make_profile, issue_then_fail_in_alfa
):
    alfa, bravo = accounts_ready
    make_profile(alfa, country="DK")
    make_profile(bravo, country="NO")
    before = Document.objects.exclude(sequence=None).count()
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"test_issue_then_fail_in_alfa \(alfa\)"):
        call_command("run_jobs", issue_then_fail_in_alfa, stdout=out)

    # then alfa's work is rolled back, bravo's is committed and took the number alfa gave back
    assert not Document.objects.filter(account=alfa).exists()
    issued = list(Document.objects.exclude(sequence=None).order_by("sequence"))
    assert len(issued) == before + 1
    assert issued[-1].account_id == bravo.pk
    assert [d.sequence for d in issued] == list(range(1, len(issued) + 1))  # no gap
    # and the failure is in the report, next to what succeeded
    text = out.getvalue()
    assert "alfa: failed and rolled back: BrokenAfterNumbering" in text
    assert f"bravo: {issued[-1].number}" in text


@pytest.mark.django_db
def test_bil11_dry_run_with_a_failing_account_still_changes_nothing(
    accounts_ready, make_profile, issue_then_fail_in_alfa
):
    alfa, bravo = accounts_ready
    make_profile(alfa, country="DK")
    make_profile(bravo, country="NO")
    with pytest.raises(CommandError):
        call_command("run_jobs", issue_then_fail_in_alfa, "--dry-run", stdout=io.StringIO())
    assert not Document.objects.filter(account__in=[alfa, bravo]).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bil11_lost_pdf_task_is_queued_again_within_minutes_and_a_worker_renders_it(
    celery_worker_process,  # noqa: F811
    accounts_ready,
    make_profile,
):
    account = accounts_ready[1]
    make_profile(account, country="NO")
    # given an invoice whose render task never reached a worker (killed mid-render, queue lost)
    invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)

    # when the job runs a minute later, the task may still be on its way: left alone
    assert render_missing_pdfs(at=invoice.issued_at + timedelta(minutes=1), dry_run=False).counts == {}
    # and five minutes later it is queued again (not after Redis' one-hour visibility timeout)
    report = render_missing_pdfs(at=invoice.issued_at + timedelta(minutes=5), dry_run=False)
    assert report.counts == {"requeued": 1}

    # then the real worker renders it
    deadline = time.monotonic() + 90
    while not Document.objects.get(pk=invoice.pk).pdf_sha256 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert Document.objects.get(pk=invoice.pk).pdf_sha256, (
        f"the worker did not render the re-queued PDF; it said:\n{worker_output(celery_worker_process)}"
    )


def _reset_broker_connections() -> None:
    # Forget the app's pools (kombu keeps one per broker URL and hands the old one back when the
    # URL is restored, so none is closed here).
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    """The real Redis client pointed at a closed port: what the web process sees when Redis is down."""
    working = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    _reset_broker_connections()
    yield
    app.conf.broker_url = working
    _reset_broker_connections()


@pytest.mark.django_db(transaction=True)
def test_bil11_issue_with_the_broker_down_commits_without_error_and_the_job_renders_later(
    accounts_ready, make_profile, broker_down, caplog
):
    account = accounts_ready[0]
    make_profile(account, country="DK")

    # when a document is issued (as a paid charge's invoice is) while Redis is down
    with caplog.at_level(logging.WARNING, logger="billing.tasks"):
        invoice = invoice_issue(account=account, lines=seats(), notify=False)

    # then the issue committed, nothing raised after the commit, and the lost task is logged
    assert Document.objects.get(pk=invoice.pk).number == invoice.number
    assert f"PDF of document {invoice.pk} not queued" in caplog.text
    # and the job, run a few minutes later with the broker still down, renders it itself
    report = render_missing_pdfs(at=invoice.issued_at + timedelta(minutes=5), dry_run=False)
    assert report.counts == {"rendered": 1}
    assert Document.objects.get(pk=invoice.pk).pdf_sha256
