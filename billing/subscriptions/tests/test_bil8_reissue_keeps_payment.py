"""BIL-8 + BIL-17: re-issuing a card-paid invoice with new billing details gives a credit note and
a new invoice that is already paid with the same card payment — nothing is charged again, the
processor is not asked, and the subscription's charge names the new invoice."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.models import Account
from billing.models import DocumentStatus, Invoice
from billing.services.corrections import billing_details_apply_to_last_invoice
from billing.services.profiles import billing_profile_update
from billing.subscriptions.models import Charge, ChargeAttempt, Plan
from billing.subscriptions.sandbox_books import SandboxTransaction
from billing.subscriptions.tests.conftest import subscribe
from billing.tests.pdf_worker import pdfs_rendered

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
VISA_4242 = {"method": "card", "brand": "Visa", "last4": "4242"}


@time_machine.travel(T0, tick=False)
def test_bil8_reissued_invoice_is_paid_with_the_original_payment_and_nothing_is_charged_again(
    account_a: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    # given a subscription paid by card: its invoice says how and when
    subscription = subscribe(account_a, plans["team"])
    charge = Charge.objects.get(subscription=subscription)
    old = Invoice.objects.get(pk=charge.invoice_id)
    assert (old.status, old.payment, old.paid_at) == (DocumentStatus.PAID, VISA_4242, T0)
    moves, charges, attempts = SandboxTransaction.objects.count(), Charge.objects.count(), ChargeAttempt.objects.count()
    # when the Owner changes the details and has the invoice re-issued
    billing_profile_update(
        account=account_a,
        actor="owner@alfa.dk",
        data={
            "name": "Nora Nordmann",
            "company": "",
            "street": "Karl Johans gate 5",
            "postcode": "0154",
            "city": "Oslo",
            "country": "NO",
            "email": "nora@privat.example",
        },
    )
    with time_machine.travel(T0 + timedelta(days=2), tick=False), django_capture_on_commit_callbacks(execute=True):
        credit, new = billing_details_apply_to_last_invoice(account=account_a, actor="owner@alfa.dk", invoice_id=old.pk)
    # then the new invoice is paid with the same card payment, the old one is cancelled
    new.refresh_from_db()
    assert (new.status, new.payment, new.paid_at) == (DocumentStatus.PAID, VISA_4242, T0)
    assert Invoice.objects.get(pk=old.pk).status == DocumentStatus.VOID
    assert credit.credited_invoice_id == old.pk and credit.buyer == old.buyer
    # nothing was charged, retried or sent to the processor
    assert SandboxTransaction.objects.count() == moves
    assert (Charge.objects.count(), ChargeAttempt.objects.count()) == (charges, attempts)
    # the charge now names the invoice that stands for it
    charge.refresh_from_db()
    assert (charge.invoice_id, charge.invoice_number) == (new.pk, new.number)
    # and the new invoice's e-mail says it is paid, to the new address, with no due date
    pdfs_rendered(django_capture_on_commit_callbacks)  # it carries the PDF (BIL-14)
    mail = next(m for m in mailoutbox if new.number in m.subject)
    assert mail.to == ["nora@privat.example"]
    assert "Betalt med Visa •••• 4242 den 29.11.2026" in mail.body and "forfald" not in mail.body.lower()
