"""BIL-16: ECB reference rates are imported daily (a recorded ECB file here, never the network) or
entered by staff; a document in another currency that charges VAT is not issued without the rate
of its tax point: it waits as a draft, flagged in the admin, and is issued once the rate exists."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from billing.ecb import ecb_parse, ecb_rates_import
from billing.jobs import ecb_rates
from billing.models import Document, ExchangeRate, RateSource
from billing.pdf import document_html
from billing.services.corrections import billing_details_apply_to_last_invoice
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats
from billing.tests.pdf_worker import pdfs_rendered

pytestmark = pytest.mark.django_db

RECORDED = Path(__file__).parent / "data" / "ecb-eurofxref-daily-2026-03-02.xml"
# Monday 2 March 2026, 10:00 in Bratislava: the tax point is that day; the ECB's file of the day
# is published at 16:00, so at 10:00 no rate of the day exists yet.
MORNING = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
AFTERNOON = timezone.make_aware(datetime(2026, 3, 2, 16, 30))


@pytest.fixture
def recorded_ecb(settings):  # type: ignore[no-untyped-def]
    settings.KONTO_ECB_URL = RECORDED.as_uri()
    return RECORDED


@pytest.fixture
def held_dkk_invoice(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")  # a Danish consumer: 25 % Danish VAT, invoiced in DKK
    with time_machine.travel(MORNING, tick=False):
        return invoice_issue(account=account_a, lines=seats(price="290.00"), currency="DKK", render_pdf=False)


def test_bil16_recorded_ecb_file_is_read_as_the_rates_of_its_day():
    day, rates = ecb_parse(RECORDED.read_bytes())
    assert day == date(2026, 3, 2)
    assert (rates["DKK"], rates["NOK"], rates["USD"], rates["GBP"]) == (
        Decimal("7.4612"),
        Decimal("11.6525"),
        Decimal("1.0834"),
        Decimal("0.84215"),
    )


def test_bil16_no_eur_rate_keeps_the_invoice_as_a_draft_flagged_in_the_admin(
    held_dkk_invoice, staff_user, public_client, mailoutbox
):
    invoice = Document.objects.get(pk=held_dkk_invoice.pk)
    # given no DKK rate on or in the 7 days before 2 March: nothing issued, no number burnt
    assert (invoice.status, invoice.number, invoice.sequence) == ("draft", "", None)
    assert invoice.tax_point == date(2026, 3, 2) and invoice.vat_total == Decimal("217.50")
    assert mailoutbox == []
    # then staff see it: the list filter and the banner on the billing lists
    public_client.force_login(staff_user)
    page = public_client.get("/admin/billing/invoice/", {"waiting": "rate"})
    content = page.content.decode()
    assert page.status_code == 200
    assert f"/admin/billing/invoice/{invoice.pk}/change/" in content
    assert "1 dokument venter på ECB-kursen for sit afgiftstidspunkt" in content
    # and in the staff console's queue for today
    today = public_client.get("/admin/console/today/").content.decode()
    assert "Momsregistreringer og tilbageholdte fakturaer, der kræver handling (1)" in today
    assert "1 dokument venter på ECB-kursen" in today


def test_bil16_an_old_rate_is_not_the_rate_of_the_tax_point(account_a, make_profile):
    make_profile(account_a, country="DK")
    ExchangeRate.objects.create(currency="DKK", day=date(2026, 2, 20), per_eur=Decimal("7.46"))  # 10 days old
    with time_machine.travel(MORNING, tick=False):
        invoice = invoice_issue(account=account_a, lines=seats(), currency="DKK", notify=False, render_pdf=False)
    assert invoice.status == "draft"


def test_bil16_rate_imported_from_the_recorded_file_issues_the_held_invoice_with_vat_in_eur(
    held_dkk_invoice, recorded_ecb, django_capture_on_commit_callbacks, mailoutbox
):
    # when the daily job runs in the afternoon and reads the ECB's file of the day
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        report = ecb_rates(at=AFTERNOON, dry_run=False)
    # then the held invoice is issued with a number, its tax point and the VAT in euro
    invoice = Document.objects.get(pk=held_dkk_invoice.pk)
    assert report.counts["issued"] == 1
    assert invoice.status == "issued" and invoice.number.startswith("FA-")
    assert invoice.tax_point == date(2026, 3, 2)
    # 217.50 DKK / 7.4612 = 29.150… → 29.15 EUR
    assert (invoice.eur_rate, invoice.eur_rate_day, invoice.vat_total_eur) == (
        Decimal("7.461200"),
        date(2026, 3, 2),
        Decimal("29.15"),
    )
    assert "29,15 EUR" in document_html(invoice) and "1 EUR = 7,461200 DKK" in document_html(invoice)
    # and the customer's mail follows the issue, with the number (and the PDF, once rendered: BIL-14)
    pdfs_rendered(django_capture_on_commit_callbacks)
    assert [m.subject for m in mailoutbox] == [f"Faktura {invoice.number}"]


def test_bil16_import_is_idempotent_and_keeps_a_staff_rate(recorded_ecb):
    ExchangeRate.objects.create(
        currency="USD", day=date(2026, 3, 2), per_eur=Decimal("1.08"), source=RateSource.STAFF, entered_by="staff"
    )
    first = ecb_rates_import()
    second = ecb_rates_import()
    assert sorted(first.created) == ["DKK", "GBP", "NOK"] and first.kept == ["USD"]
    assert second.created == [] and sorted(second.kept) == ["DKK", "GBP", "NOK", "USD"]
    assert ExchangeRate.objects.get(currency="USD", day=date(2026, 3, 2)).per_eur == Decimal("1.08")
    assert ExchangeRate.objects.get(currency="NOK", day=date(2026, 3, 2)).source == RateSource.ECB


def test_bil16_a_network_failure_logs_and_changes_nothing(held_dkk_invoice, settings, caplog):
    settings.KONTO_ECB_URL = "http://127.0.0.1:9/eurofxref-daily.xml"  # a closed local port
    settings.KONTO_ECB_TIMEOUT = 1.0
    report = ecb_rates(at=AFTERNOON, dry_run=False)
    assert report.counts == {"unavailable": 1}
    assert "ECB reference rates not imported" in caplog.text
    assert not ExchangeRate.objects.exists()
    assert Document.objects.get(pk=held_dkk_invoice.pk).status == "draft"


def test_bil16_staff_rate_issues_the_held_invoice_and_a_future_rate_is_refused(
    held_dkk_invoice, staff_user, public_client, django_capture_on_commit_callbacks
):
    public_client.force_login(staff_user)
    with time_machine.travel(AFTERNOON, tick=False):
        future = public_client.post(
            "/admin/billing/exchangerate/add/", {"currency": "DKK", "day": "2026-03-03", "per_eur": "7.46"}
        )
        assert future.status_code == 200
        assert "En kurs for en fremtidig dag kan ikke indtastes" in future.content.decode()
        assert not ExchangeRate.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            done = public_client.post(
                "/admin/billing/exchangerate/add/", {"currency": "DKK", "day": "2026-03-02", "per_eur": "7.4612"}
            )
    assert done.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.source, rate.entered_by) == (RateSource.STAFF, staff_user.email)
    invoice = Document.objects.get(pk=held_dkk_invoice.pk)
    assert invoice.status == "issued" and invoice.vat_total_eur == Decimal("29.15")
    assert invoice.tax_point == date(2026, 3, 2)


def test_bil16_a_bil8_reissue_keeps_the_tax_point_and_rate_of_the_invoice_it_replaces(account_a, make_profile):
    make_profile(account_a, country="DK")
    ExchangeRate.objects.create(currency="DKK", day=date(2026, 3, 2), per_eur=Decimal("7.4612"))
    with time_machine.travel(AFTERNOON, tick=False):
        old = invoice_issue(account=account_a, lines=seats(price="290.00"), currency="DKK", render_pdf=False)
    # a week later, with a newer rate, the Owner has the invoice re-issued with new details
    ExchangeRate.objects.create(currency="DKK", day=date(2026, 3, 9), per_eur=Decimal("7.5000"))
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 9, 12, 0)), tick=False):
        credit, new = billing_details_apply_to_last_invoice(account=account_a, actor="owner")
    assert new.status == "issued" and new.tax_point == old.tax_point == date(2026, 3, 2)
    assert (
        (new.eur_rate, new.vat_total_eur)
        == (old.eur_rate, old.vat_total_eur)
        == (Decimal("7.461200"), Decimal("29.15"))
    )
    assert credit.vat_total_eur == Decimal("-29.15")
