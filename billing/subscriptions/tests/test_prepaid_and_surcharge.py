"""BIL-10 annual prepaid credit and ACC-8 shared-login surcharge on the next invoice."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account, MailLog, SharedLoginFlag
from billing.models import CreditNote, Invoice
from billing.subscriptions.batch_run import account_bill
from billing.subscriptions.choices import PrepaidStatus
from billing.subscriptions.models import BillingSettings, Charge, Plan
from billing.subscriptions.sandbox_books import SandboxTransaction
from billing.subscriptions.services.prepaid import prepaid_buy, prepaid_discontinue, prepaid_seats_change
from billing.subscriptions.services.refusals import SubscriptionError
from billing.subscriptions.tests.conftest import subscribe

T0 = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)  # 2027: 365 days


def test_bil10_prepayment_lasts_12_months_and_pauses_renewals(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=4, actor="o")
    assert credit.value == Decimal("1160.00") and credit.ends_at == datetime(2028, 1, 1, tzinfo=UTC)  # 4 × 290
    assert Invoice.objects.get(pk=credit.charge.invoice_id).gross_total == credit.charge.amount
    # no renewal while the credit runs
    assert account_bill(account=account_a, at=T0 + timedelta(days=200)) == []
    (renewal,) = account_bill(account=account_a, at=datetime(2028, 1, 1, tzinfo=UTC))
    assert renewal.period_start == datetime(2028, 1, 1, tzinfo=UTC) and renewal.amount == Decimal("116.00")  # 4 × 29


def test_bil10_adding_seats_shortens_and_removing_lengthens_in_proportion(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=4, actor="o")
    halfway = T0 + timedelta(days=182, hours=12)  # 182.5 of 365 days left
    with time_machine.travel(halfway, tick=False):
        credit = prepaid_seats_change(credit=credit, seats=8, actor="o")
    assert credit.ends_at == halfway + timedelta(days=91, hours=6)  # twice the seats: half the time
    with time_machine.travel(halfway, tick=False):
        credit = prepaid_seats_change(credit=credit, seats=2, actor="o")
    assert credit.ends_at == halfway + timedelta(days=365)  # a quarter of the seats: four times the time
    subscription.refresh_from_db()
    assert (subscription.seats, subscription.period_end) == (2, credit.ends_at)


def test_bil10_discontinued_prepayment_refunds_unused_less_fee_as_credit_note(
    account_a: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks
) -> None:
    settings = BillingSettings.current()
    settings.prepaid_cancellation_fee_percent = Decimal("50")
    settings.save()
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=4, actor="o")
    with time_machine.travel(T0 + timedelta(days=73), tick=False), django_capture_on_commit_callbacks(execute=True):
        credit = prepaid_discontinue(credit=credit, actor="o")
    # 292 of 365 days unused: 1160 × 292/365 = 928.00; less 50 % → 464.00 refunded
    assert credit.status == PrepaidStatus.REFUNDED
    note = CreditNote.objects.get(number=credit.credit_note_number)
    assert note.credited_invoice_id == credit.charge.invoice_id and note.net_total == Decimal("-464.00")
    assert credit.refund.amount == Decimal("464.00") and credit.refund.refund_of == credit.charge
    assert SandboxTransaction.objects.filter(kind="refund", amount=Decimal("464.00"), succeeded=True).count() == 1
    refund_mail = MailLog.objects.filter(account=account_a, template="subscriptions_receipt").order_by("-id").first()
    assert refund_mail.language == "da" and refund_mail.subject == "Tilbagebetaling: 464,00 USD betalt tilbage"
    with pytest.raises(SubscriptionError):
        prepaid_discontinue(credit=credit, actor="o")


def test_acc8_shared_login_surcharge_is_a_line_on_the_next_invoice(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
    flag = SharedLoginFlag.objects.create(
        account=account_a, user_email="shared@alfa.dk", detected_at=T0 + timedelta(days=3), surcharge=True
    )
    with time_machine.travel(subscription.period_end, tick=False):
        (renewal,) = account_bill(account=account_a, at=subscription.period_end)
    invoice = Invoice.objects.get(pk=renewal.invoice_id)
    lines = list(invoice.lines.order_by("position"))
    assert len(lines) == 2 and "shared@alfa.dk" in lines[1].description
    assert lines[1].net_amount == Decimal("39.00") and renewal.amount == invoice.gross_total == Decimal("97.00")
    flag.refresh_from_db()
    assert flag.surcharge_invoiced_at == subscription.period_end
    assert Charge.objects.filter(account=account_a, kind="renewal").count() == 1
