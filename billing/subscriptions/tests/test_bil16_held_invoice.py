"""BIL-16 with a card payment: a paid charge whose invoice must wait for the ECB rate of its tax
point does not fail. The receipt goes out at once without an invoice number (BIL-6); the invoice
waits as a draft and, once the rate is imported, is issued with its tax point, marked paid with
the charge's card, mailed, and the charge names its number."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import time_machine
from django.utils import timezone

from accounts.models import Account, MailLog
from billing.jobs import ecb_rates
from billing.models import Invoice
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.services.start import subscription_start
from billing.subscriptions.tests.conftest import billing_profile_ensure
from billing.subscriptions.tests.test_payments import add_card
from billing.tests.pdf_worker import pdfs_rendered

RECORDED = Path(__file__).parents[2] / "tests" / "data" / "ecb-eurofxref-daily-2026-03-02.xml"
MORNING = timezone.make_aware(datetime(2026, 3, 2, 10, 0))  # before the ECB's 16:00 publication
AFTERNOON = timezone.make_aware(datetime(2026, 3, 2, 16, 30))


def test_bil16_paid_charge_whose_invoice_waits_for_the_rate_gets_its_receipt_then_a_paid_invoice(
    trial_account_a: Account, plans: dict[str, Plan], settings, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    # given a Danish consumer (25 % Danish VAT) paying a USD plan before the day's USD rate exists
    billing_profile_ensure(trial_account_a, country="DK")
    add_card(trial_account_a)
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        subscription_start(account=trial_account_a, plan=plans["team"], seats=3, cycle="monthly", actor="o")
    charge = Charge.objects.get(account=trial_account_a)
    invoice = Invoice.objects.get(pk=charge.invoice_id)
    # then the payment stands, the invoice waits unnumbered, the receipt names no invoice
    assert charge.status == ChargeStatus.PAID and charge.invoice_number == ""
    assert (invoice.status, invoice.number, invoice.tax_point) == ("draft", "", date(2026, 3, 2))
    receipt = MailLog.objects.get(template="subscriptions_receipt", account=trial_account_a)
    assert "FA-" not in receipt.body
    # when the day's ECB file is imported
    settings.KONTO_ECB_URL = RECORDED.as_uri()
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        ecb_rates(at=AFTERNOON, dry_run=False)
    # then the invoice is issued with its tax point, paid by the card, and mailed with its number
    invoice.refresh_from_db()
    charge.refresh_from_db()
    assert invoice.status == "paid" and invoice.number.startswith("FA-")
    assert invoice.payment == {"method": "card", "brand": "Visa", "last4": "4242"}
    assert invoice.tax_point == date(2026, 3, 2) and invoice.eur_rate == Decimal("1.083400")
    assert invoice.vat_total_eur == (invoice.vat_total / Decimal("1.0834")).quantize(Decimal("0.01"))
    assert charge.invoice_number == invoice.number
    pdfs_rendered(django_capture_on_commit_callbacks)  # the mail carries the PDF (BIL-14)
    assert any(invoice.number in m.subject for m in mailoutbox)
