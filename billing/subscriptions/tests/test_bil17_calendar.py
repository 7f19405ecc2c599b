"""BIL-17 on the real path: a plan started through the start service at a moment in Bratislava is
invoiced for the seller's calendar days, on the stored invoice and in its HTML and PDF text; the
renewal starts the day after; BIL-8 names that day as the one new billing details apply from."""

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Account
from billing.models import Document, Invoice
from billing.pdf import document_html, document_pdf_store
from billing.services.common import BillingError
from billing.services.corrections import billing_details_apply_to_last_invoice, reissue_window
from billing.subscriptions import proration
from billing.subscriptions.models import Charge, Plan, Subscription
from billing.subscriptions.services.changes import change_apply, change_preview
from billing.subscriptions.tests.conftest import subscribe
from config.clock import seller_date
from config.jobs import get_job, run_for_account

SELLER = ZoneInfo("Europe/Bratislava")
MARCH = "01.03.2027 – 31.03.2027"


@pytest.fixture(autouse=True)
def _pdf_rendered_by_the_test(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SUBSCRIPTIONS_INVOICE_PDF = False  # rendered below, inside the test's transaction


def pdf_text(document: Document) -> str:
    stored = document_pdf_store(document_id=document.pk)
    with default_storage.open(stored.pdf_file, "rb") as handle:
        data = handle.read()
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def started_at(account: Account, plan: Plan, local: time) -> tuple[Subscription, Invoice]:
    with time_machine.travel(datetime.combine(date(2027, 3, 1), local, tzinfo=SELLER), tick=False):
        subscription = subscribe(account, plan, seats=3, cycle="monthly")
    return subscription, Invoice.objects.get(account=account)


def renewed(account: Account, subscription: Subscription) -> Invoice:
    report = run_for_account(get_job("subscriptions_billing_run"), account, subscription.period_end, dry_run=False)
    assert report.counts == {"paid": 1}
    charge = Charge.objects.get(subscription=subscription, kind="renewal")
    return Invoice.objects.get(account=account, number=charge.invoice_number)


def assert_march_then_april(account: Account, subscription: Subscription, first: Invoice) -> str:
    """The first invoice covers 1–31 March, stored and printed; the renewal starts on 1 April."""
    assert (first.period_start, first.period_end) == (date(2027, 3, 1), date(2027, 3, 31))
    assert seller_date(first.issued_at) == date(2027, 3, 1)
    assert first.due_date == date(2027, 3, 15)
    html = document_html(first)
    assert MARCH in html  # the supply period and the line text
    assert "28.02.2027" not in html and "01.04.2027" not in html
    assert subscription.period_end.astimezone(SELLER).date() == date(2027, 4, 1)
    renewal = renewed(account, subscription)
    assert (renewal.period_start, renewal.period_end) == (date(2027, 4, 1), date(2027, 4, 30))
    renewal_html = document_html(renewal)
    assert "01.04.2027 – 30.04.2027" in renewal_html
    assert "31.03.2027" not in renewal_html  # never a day of the March invoice
    return html


def test_bil17_periods_01_03_2027_to_31_03_2027_then_01_04_2027_for_a_start_at_00_30_local_time(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    # 00:30 in Bratislava is 23:30 UTC on 28 February: the day the old `.date()` printed.
    subscription, first = started_at(account_a, plans["team"], time(0, 30))
    assert first.issued_at.date() == date(2027, 2, 28)
    assert_march_then_april(account_a, subscription, first)
    with timezone.override(ZoneInfo("UTC")):  # whatever zone the rendering process displays in
        utc_html = document_html(first)
    assert "28.02.2027" not in utc_html and MARCH in utc_html
    text = pdf_text(first)
    assert MARCH in text and "Team, 3 " in text
    assert "28.02.2027" not in text and "01.04.2027" not in text


def test_bil17_periods_01_03_2027_to_31_03_2027_then_01_04_2027_for_a_start_at_14_00_local_time(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    # A start during the day used to print "01.03.2027 – 01.04.2027", sharing 1 April with the renewal.
    subscription, first = started_at(account_a, plans["team"], time(14, 0))
    assert_march_then_april(account_a, subscription, first)


def test_bil17_an_upgrade_at_00_20_local_time_is_invoiced_from_its_day_to_the_period_last_day(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    """An annual plan from 01.03.2027 (00:30 Bratislava) upgraded on 15 June at 00:20 there (still
    14 June in UTC): the prorated invoice covers 15.06.2027 – 29.02.2028, the year's last day."""
    with time_machine.travel(datetime(2027, 3, 1, 0, 30, tzinfo=SELLER), tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual")
    with time_machine.travel(datetime(2027, 6, 15, 0, 20, tzinfo=SELLER), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["team"], seats=4, cycle="annual")
        assert preview.quote.effect == proration.UPGRADE_NOW
        outcome = change_apply(
            subscription=subscription,
            plan=plans["team"],
            seats=4,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="owner",
        )
    assert outcome.ok
    invoice = Invoice.objects.get(pk=outcome.charge.invoice_id)
    assert (invoice.period_start, invoice.period_end) == (date(2027, 6, 15), date(2028, 2, 29))
    html = document_html(invoice)
    assert "15.06.2027 – 29.02.2028" in html and "14.06.2027" not in html and "01.03.2028" not in html


def test_bil8_bil17_refusal_names_the_next_period_start_as_the_day_new_details_apply(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    subscription, first = started_at(account_a, plans["team"], time(0, 30))
    window = reissue_window(account=account_a, on=date(2027, 3, 16))
    assert (window.open, window.last_day, window.first_applies) == (True, date(2027, 3, 16), date(2027, 4, 1))
    assert window.first_applies == seller_date(subscription.period_end)  # the next period's first day
    # Day 16 after the issue, 00:10 in Bratislava (still 16 March in UTC): refused, naming 1 April.
    with time_machine.travel(datetime(2027, 3, 17, 0, 10, tzinfo=SELLER), tick=False):
        with pytest.raises(BillingError) as refusal:
            billing_details_apply_to_last_invoice(account=account_a, actor="owner")
    assert "16.03.2027" in str(refusal.value) and "01.04.2027" in str(refusal.value)
    assert "02.04.2027" not in str(refusal.value)
    first.refresh_from_db()
    assert first.credit_notes.count() == 0
    assert (seller_date(first.issued_at) + timedelta(days=15)) == date(2027, 3, 16)
