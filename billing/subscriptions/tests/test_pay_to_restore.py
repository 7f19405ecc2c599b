"""BIL-12 / LTD-8: an account suspended for an unpaid charge is restored by paying — its Owner
reaches the payment page while every other page explains the suspension."""

from datetime import UTC, datetime

import time_machine
from django.core.management import call_command
from django.test import Client

from accounts.lifecycle import account_suspend
from accounts.models import Account, AccountStatus
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.tests.conftest import subscribe
from conftest import PASSWORD

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RENEWAL = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def test_bil12_suspended_for_unpaid_charge_owner_pays_with_new_card_and_is_restored(
    account_a: Account, plans: dict[str, Plan], client_a: Client
) -> None:
    # given a monthly subscription whose card declines at renewal, and dunning run out
    with time_machine.travel(T0, tick=False):
        subscribe(account_a, plans["team"], seats=2, cycle="monthly", card="4000000000000341")
    with time_machine.travel(RENEWAL, tick=False):
        call_command("run_jobs", "subscriptions_billing_run", at=RENEWAL.isoformat(), stdout=open("/dev/null", "w"))
        assert Charge.objects.get(account=account_a, kind="renewal").status == ChargeStatus.FAILED
        account_suspend(account=account_a, actor="system", reason="unpaid subscription (BIL-12)", notify=False)

        # then the dashboard explains, and offers the payment page
        page = client_a.get("/min-konto/")
        assert page.status_code == 403
        assert 'href="/min-konto/plan/payment-method/"' in page.content.decode()
        # and the Owner reaches that page
        client_a.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD})
        assert client_a.get("/min-konto/plan/payment-method/").status_code == 200
        assert client_a.get("/min-konto/plan/").status_code == 403

        # when the Owner pays with a working card
        client_a.post(
            "/min-konto/plan/payment-method/",
            {"card-number": "4242424242424242", "card-exp_month": "12", "card-exp_year": "2035", "card-cvc": "123"},
        )
    # then the charge is paid and the account active again
    assert Charge.objects.get(account=account_a, kind="renewal").status == ChargeStatus.PAID
    assert Account.objects.get(pk=account_a.pk).status == AccountStatus.ACTIVE


def test_acc5_account_suspended_after_trial_cannot_reach_the_payment_page(account_b: Account, client_b: Client) -> None:
    account_suspend(account=account_b, actor="system", reason="trial ended (ACC-5)", notify=False)
    client_b.post("/min-konto/login/", {"username": "owner@bravo.no", "password": PASSWORD})
    response = client_b.get("/min-konto/plan/payment-method/")
    assert response.status_code == 403
    assert 'href="/min-konto/plan/payment-method/"' not in response.content.decode()
