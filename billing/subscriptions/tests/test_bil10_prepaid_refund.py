"""BIL-10: the refund of a discontinued prepayment is the customer's document. Its text is written
in the account's language, not in the admin language of the staff member who pressed the button;
and a cancelled account's prepayment (ACC-10 ended its subscription) can still be refunded."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from accounts.lifecycle import account_cancel
from accounts.models import Account
from billing.models import CreditNote
from billing.subscriptions.choices import PrepaidStatus, SubscriptionStatus
from billing.subscriptions.models import BillingSettings, Plan, Subscription
from billing.subscriptions.services.prepaid import prepaid_buy, prepaid_discontinue
from billing.subscriptions.services.refusals import SubscriptionError
from billing.subscriptions.tests.conftest import subscribe
from tests.acc_helpers import make_account

T0 = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)


def test_bil10_refund_text_is_in_the_customers_language_whatever_the_staffs_language(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    # given a Danish account with a prepayment and a 50 % cancellation fee
    assert account_a.language == "da"
    settings = BillingSettings.current()
    settings.prepaid_cancellation_fee_percent = Decimal("50")
    settings.save()
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=4, actor="o")
    # when a staff member working in Norwegian discontinues it
    with time_machine.travel(T0 + timedelta(days=73), tick=False), translation.override("nb"):
        credit = prepaid_discontinue(credit=credit, actor="staff@kontoportal.test")
    # then the credit note and the refund line read Danish, with Danish numbers
    assert credit.status == PrepaidStatus.REFUNDED
    expected = "Tilbagebetaling af den ubrugte forudbetaling (928,00 USD) fratrukket afbestillingsgebyret på 50 %."
    assert CreditNote.objects.get(number=credit.credit_note_number).reason == expected
    assert credit.refund.description == expected


def test_bil10_acc10_a_cancelled_accounts_prepayment_can_still_be_refunded(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan]
) -> None:
    # given a prepayment whose account was cancelled (the reaction ended the subscription)
    account = make_account("prepaidstop")
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account, plans["team"], seats=2, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=2, actor="o")
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        account_cancel(account=account, actor="owner", reason="Stop konto")
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.ENDED
    # when staff discontinue the prepayment on the customer's request
    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        credit = prepaid_discontinue(credit=credit, actor="staff@kontoportal.test")
    # then the unused value is refunded as a credit note, and a second refund is refused
    assert credit.status == PrepaidStatus.REFUNDED and credit.credit_note_number
    assert credit.refund.amount > 0
    with pytest.raises(SubscriptionError):
        prepaid_discontinue(credit=credit, actor="staff@kontoportal.test")
