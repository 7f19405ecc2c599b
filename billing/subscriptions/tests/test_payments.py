"""BIL-7 payment methods, BIL-6 receipts, ACC-4 the trial ends when a paid plan starts."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account, AccountStatus, MailLog
from billing.models import Invoice
from billing.pdf import document_pdf_store
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, PaymentMethod, Plan, Subscription
from billing.subscriptions.sandbox_books import SandboxTransaction
from billing.subscriptions.selectors import has_paid_subscription
from billing.subscriptions.services.payment_methods import payment_method_add_card, payment_method_add_paypal
from billing.subscriptions.services.refusals import PaymentDeclined, SubscriptionError
from billing.subscriptions.services.start import subscription_start

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
VISA_OK = "4242 4242 4242 4242"
DECLINES = "4000 0000 0000 0341"  # saved, then every charge is declined
NO_FUNDS = "4000 0000 0000 9995"


def add_card(account: Account, number: str = VISA_OK, exp_year: int = 2030) -> PaymentMethod:
    return payment_method_add_card(
        account=account, number=number, exp_month=12, exp_year=exp_year, cvc="123", actor="owner@alfa.dk"
    )


@time_machine.travel(T0, tick=False)
def test_bil7_card_is_kept_as_token_brand_last4_expiry_only(trial_account_a: Account) -> None:
    method = add_card(trial_account_a)
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == ("Visa", "4242", 12, 2030)
    assert method.token.startswith("tok_")
    stored = " ".join(str(v) for v in PaymentMethod.objects.filter(pk=method.pk).values().first().values())
    assert "4242424242424242" not in stored and "123" not in stored.split()


@time_machine.travel(T0, tick=False)
def test_bil7_owner_replaces_card_and_only_one_stays_current(trial_account_a: Account) -> None:
    first = add_card(trial_account_a)
    second = payment_method_add_card(
        account=trial_account_a, number="5555555555554444", exp_month=1, exp_year=2031, cvc="999", actor="x"
    )
    first.refresh_from_db()
    assert not first.is_current and first.replaced_at == T0
    assert second.is_current and second.brand == "Mastercard"


@pytest.mark.parametrize(
    ("number", "exp_year", "code"),
    [("4242 4242 4242 4241", 2030, "invalid_number"), (VISA_OK, 2025, "expired_card")],
)
@time_machine.travel(T0, tick=False)
def test_bil7_bad_card_is_refused_with_a_clear_message(
    trial_account_a: Account, number: str, exp_year: int, code: str
) -> None:
    with pytest.raises(PaymentDeclined) as refused:
        add_card(trial_account_a, number, exp_year)
    assert refused.value.code == code and str(refused.value.message)
    assert not PaymentMethod.objects.filter(account=trial_account_a).exists()


@time_machine.travel(T0, tick=False)
def test_acc4_billing_details_and_card_start_paid_plan_at_once(
    trial_account_a: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    add_card(trial_account_a)
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_start(
            account=trial_account_a, plan=plans["team"], seats=3, cycle="monthly", actor="owner@alfa.dk"
        )
    trial_account_a.refresh_from_db()
    assert trial_account_a.status == AccountStatus.ACTIVE and trial_account_a.plan_name == "Team"
    assert trial_account_a.trial_ends_at is None
    # BIL-17: the month turns at 10:00 in Bratislava on both ends; summer time began on 29 March
    assert (subscription.period_start, subscription.period_end) == (T0, datetime(2026, 4, 10, 8, 0, tzinfo=UTC))
    charge = Charge.objects.get(subscription=subscription)
    assert charge.status == ChargeStatus.PAID and charge.amount == Decimal("87.00")  # 3 × 29, no VAT (Norway)
    invoice = Invoice.objects.get(pk=charge.invoice_id)
    assert invoice.gross_total == charge.amount and invoice.currency == "USD" and invoice.status == "paid"


@time_machine.travel(T0, tick=False)
def test_bil6_successful_charge_mails_receipt_to_owner_in_their_language(
    trial_account_a: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    add_card(trial_account_a)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_start(account=trial_account_a, plan=plans["team"], seats=1, cycle="monthly", actor="o")
    with django_capture_on_commit_callbacks(execute=True):  # the worker renders the invoice's PDF
        document_pdf_store(document_id=Charge.objects.get(account=trial_account_a).invoice_id)
    receipt = MailLog.objects.get(template="subscriptions_receipt", account=trial_account_a)
    assert receipt.recipient == "owner@alfa.dk" and receipt.language == "da"
    assert "29,00 USD" in receipt.subject and "Visa •••• 4242" in receipt.body
    assert [m.to for m in mailoutbox if m.subject == receipt.subject] == [["owner@alfa.dk"]]


@pytest.mark.parametrize("number", [DECLINES, NO_FUNDS])
@time_machine.travel(T0, tick=False)
def test_acc4_declined_card_starts_nothing_and_says_why(
    trial_account_a: Account, plans: dict[str, Plan], number: str
) -> None:
    add_card(trial_account_a, number)
    with pytest.raises(PaymentDeclined) as refused:
        subscription_start(account=trial_account_a, plan=plans["team"], seats=2, cycle="monthly", actor="o")
    assert "Nothing was charged" in str(refused.value.message)
    trial_account_a.refresh_from_db()
    assert trial_account_a.status == AccountStatus.TRIAL
    assert not Subscription.objects.filter(account=trial_account_a).exists()
    assert not Invoice.objects.filter(account=trial_account_a).exists()


@time_machine.travel(T0, tick=False)
def test_acc4_needs_billing_details_and_payment_method(account_b: Account, plans: dict[str, Plan], seller) -> None:
    with pytest.raises(SubscriptionError):
        subscription_start(account=account_b, plan=plans["team"], seats=1, cycle="monthly", actor="o")
    assert not Subscription.objects.filter(account=account_b).exists()


@time_machine.travel(T0, tick=False)
def test_bil7_paypal_agreement_token_pays(trial_account_a: Account, plans: dict[str, Plan]) -> None:
    payment_method_add_paypal(account=trial_account_a, email="owner@alfa.dk", actor="o")
    subscription = subscription_start(
        account=trial_account_a, plan=plans["all-inclusive"], seats=2, cycle="annual", actor="o"
    )
    charge = subscription.charges.get()
    assert charge.amount == Decimal("780.00")  # 2 × 390 a year
    assert SandboxTransaction.objects.filter(token=charge.payment_method.token, succeeded=True).count() == 1


@time_machine.travel(T0, tick=False)
def test_acc4_paid_plan_counts_as_paid_subscription_for_acc11(trial_account_a: Account, plans: dict[str, Plan]) -> None:
    assert not has_paid_subscription(trial_account_a)
    add_card(trial_account_a)
    subscription_start(account=trial_account_a, plan=plans["team"], seats=1, cycle="monthly", actor="o")
    assert has_paid_subscription(trial_account_a)
