"""Min konto pages of plan and seats: preview, change, payment method (BIL-2, BIL-7, ACC-9)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.test import Client

from accounts.models import Account
from accounts.users.models import Role, User
from billing.subscriptions.models import Charge, PaymentMethod, Plan, Subscription
from billing.subscriptions.tests.conftest import subscribe
from conftest import PASSWORD

T0 = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def login(client: Client, email: str = "owner@alfa.dk") -> None:
    response = client.post("/min-konto/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302


def test_bil2_page_shows_plan_next_invoice_and_history(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscribe(in_account_a, plans["team"], seats=2, cycle="monthly")
        login(client_a)
        page = client_a.get("/min-konto/plan/").content.decode()
    assert "Team" in page and "58,00 USD" in page  # next invoice, Danish number format
    assert "Visa •••• 4242" in page


def test_bil2_preview_then_confirm_charges_the_previewed_amount(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(in_account_a, plans["team"], seats=2, cycle="annual")
    with time_machine.travel(T0 + timedelta(days=91, seconds=5), tick=False):
        login(client_a)
        response = client_a.get("/min-konto/plan/preview/", {"plan": "all-inclusive", "seats": 2, "cycle": "annual"})
        context = response.context
        change = context["change"]
        form = {f.html_name: f.value() for f in context["confirm"]}
        form["expected_amount"] = str(form["expected_amount"])
        assert f"{change.amounts.gross:.2f}".replace(".", ",") in response.content.decode()
    with time_machine.travel(T0 + timedelta(days=91, seconds=65), tick=False):
        response = client_a.post("/min-konto/plan/change/", form)
        again = client_a.post("/min-konto/plan/change/", form)  # a double click
    assert response.status_code == 302 and again.status_code == 302
    upgrade = Charge.objects.get(subscription=subscription, kind="upgrade")
    assert upgrade.amount == change.amounts.gross > Decimal("0")
    assert Subscription.objects.get(pk=subscription.pk).plan.code == "all-inclusive"


def test_bil2_stale_preview_is_refused_and_shown_again(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(in_account_a, plans["team"], seats=2, cycle="annual")
        login(client_a)
        context = client_a.get("/min-konto/plan/preview/", {"plan": "team", "seats": 4, "cycle": "annual"}).context
        form = {f.html_name: str(f.value()) for f in context["confirm"]}
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        response = client_a.post("/min-konto/plan/change/", form)
    assert response.status_code == 302 and "/min-konto/plan/preview/?plan=team&seats=4" in response["Location"]
    assert Subscription.objects.get(pk=subscription.pk).seats == 2
    assert not Charge.objects.filter(subscription=subscription, kind="upgrade").exists()


def test_bil7_owner_replaces_card_declined_number_never_echoed(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscribe(in_account_a, plans["team"], seats=1)
        login(client_a)
        bad = client_a.post(
            "/min-konto/plan/payment-method/",
            {"card-number": "4242424242424241", "card-exp_month": 5, "card-exp_year": 2030, "card-cvc": "123"},
        )
        assert bad.status_code == 200 and "4242424242424241" not in bad.content.decode()
        good = client_a.post(
            "/min-konto/plan/payment-method/",
            {"card-number": "5555 5555 5555 4444", "card-exp_month": 5, "card-exp_year": 2030, "card-cvc": "123"},
        )
    assert good.status_code == 302
    current = PaymentMethod.objects.get(account=in_account_a, is_current=True)
    assert (current.brand, current.last4) == ("Mastercard", "4444")


def test_acc9_only_the_owner_changes_billing(client_a: Client, in_account_a: Account, plans: dict[str, Plan]) -> None:
    User.objects.create_user("agent@alfa.dk", PASSWORD, full_name="Agent Alfa", role=Role.AGENT)
    with time_machine.travel(T0, tick=False):
        subscribe(in_account_a, plans["team"], seats=2)
        login(client_a, "agent@alfa.dk")
        assert client_a.get("/min-konto/plan/").status_code == 200
        assert client_a.get("/min-konto/plan/payment-method/").status_code == 403
        assert (
            client_a.post("/min-konto/plan/start/", {"plan": "team", "seats": 1, "cycle": "monthly"}).status_code == 403
        )
