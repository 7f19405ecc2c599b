"""BIL-7: a new card is verified with a zero-amount authorisation when it is saved; the card the
bank always declines is refused at once, in the Owner's language, and the old method stays."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from accounts.models import Account
from billing.subscriptions.models import PaymentMethod, Plan
from billing.subscriptions.sandbox_books import SandboxTransaction
from billing.subscriptions.services.payment_methods import payment_method_add_card
from billing.subscriptions.services.refusals import PaymentDeclined
from billing.subscriptions.tests.conftest import subscribe
from billing.subscriptions.tests.test_views import login

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ALWAYS_DECLINED = "4000 0000 0000 0002"


def test_bil7_always_declining_card_is_refused_when_saved_and_nothing_is_charged(account_a: Account) -> None:
    with time_machine.travel(T0, tick=False), pytest.raises(PaymentDeclined) as refused:
        payment_method_add_card(
            account=account_a, number=ALWAYS_DECLINED, exp_month=12, exp_year=2030, cvc="123", actor="owner"
        )
    assert "was not saved" in str(refused.value.message)
    assert not PaymentMethod.objects.filter(account=account_a).exists()
    # one zero-amount authorisation, declined; no money was asked for
    verification = SandboxTransaction.objects.get(kind="verify", succeeded=False)
    assert verification.amount == 0 and not SandboxTransaction.objects.filter(kind="charge").exists()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("da", "Din bank afviste kortet, da vi kontrollerede det. Kortet blev ikke gemt"),
        ("nb", "Banken din avviste kortet da vi kontrollerte det. Kortet ble ikke lagret"),
    ],
)
def test_bil7_declined_card_is_refused_in_the_owners_language_and_the_old_method_stays(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan], language: str, refusal: str
) -> None:
    with time_machine.travel(T0, tick=False):
        subscribe(in_account_a, plans["team"], seats=2, cycle="monthly")
        login(client_a)
        client_a.cookies["kp_language"] = language
        page = client_a.post(
            "/min-konto/plan/payment-method/",
            {"card-number": ALWAYS_DECLINED, "card-exp_month": 12, "card-exp_year": 2030, "card-cvc": "123"},
        ).content.decode()
    assert refusal in page
    assert "4000 0000 0000 0002" not in page  # the number is never echoed
    (method,) = PaymentMethod.objects.filter(account=in_account_a, is_current=True)
    assert str(method).startswith("Visa •••• 4242")
