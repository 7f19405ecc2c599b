"""BIL-10: the refund of a discontinued prepayment is the customer's document. Its text is written
in the account's language, not in the admin language of the staff member who pressed the button."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.utils import translation

from accounts.models import Account
from billing.models import CreditNote
from billing.subscriptions.choices import PrepaidStatus
from billing.subscriptions.models import BillingSettings, Plan
from billing.subscriptions.services.prepaid import prepaid_buy, prepaid_discontinue
from billing.subscriptions.tests.conftest import subscribe

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
