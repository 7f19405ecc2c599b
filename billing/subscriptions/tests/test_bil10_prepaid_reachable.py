"""BIL-10: prepaid credit is sold by staff (admin, API), shown in Min konto, and every seat change
— Min konto, admin, API — moves its end date in proportion, through one service."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import Account
from billing.subscriptions.choices import PrepaidStatus
from billing.subscriptions.models import Charge, Plan, PrepaidCredit, Subscription
from billing.subscriptions.services.prepaid import prepaid_buy
from billing.subscriptions.tests.conftest import subscribe
from billing.subscriptions.tests.test_views import login

T0 = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)  # 2027: 365 days
HALFWAY = T0 + timedelta(days=182, hours=12)  # 182.5 of 365 days left


def _confirm_form(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.html_name: str(f.value()) for f in response.context["confirm"]}


def test_bil10_seat_change_in_minkonto_moves_the_prepayment_end_date(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    # given 10 agents living on a prepayment for 10 agents, half of it used
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(in_account_a, plans["team"], seats=10, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=10, actor="staff")
    with time_machine.travel(HALFWAY, tick=False):
        login(client_a)
        page = client_a.get("/min-konto/plan/").content.decode()
        # Min konto shows it: the value left (2,900 × 182.5/365), the seats and the end date
        assert "1.450,00 USD tilbage til 10 agenter" in page and "til 1. januar 2028" in page
        # when the Owner previews and confirms 20 agents
        preview = client_a.get("/min-konto/plan/preview/", {"plan": "team", "seats": 20, "cycle": "monthly"})
        assert "0,00 USD" in preview.content.decode() and "2. juli 2027" in preview.content.decode()
        response = client_a.post("/min-konto/plan/change/", _confirm_form(preview))
    # then the prepayment covers 20 agents and its remaining time is halved; nothing is charged
    assert response.status_code == 302
    credit.refresh_from_db()
    assert (credit.seats, credit.ends_at) == (20, HALFWAY + timedelta(days=91, hours=6))
    subscription.refresh_from_db()
    assert (subscription.seats, subscription.period_end) == (20, credit.ends_at)
    assert not Charge.objects.filter(subscription=subscription, kind="upgrade").exists()
    with time_machine.travel(HALFWAY, tick=False):
        page = client_a.get("/min-konto/plan/").content.decode()
    assert "1.450,00 USD tilbage til 20 agenter" in page


def test_bil10_minkonto_refuses_a_plan_change_while_a_prepayment_runs(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(in_account_a, plans["team"], seats=2, cycle="monthly")
        prepaid_buy(subscription=subscription, seats=2, actor="staff")
        login(client_a)
        response = client_a.get("/min-konto/plan/preview/", {"plan": "all-inclusive", "seats": 2, "cycle": "monthly"})
        page = client_a.get(response["Location"]).content.decode()
    assert "kun antallet af agenter" in page
    assert Subscription.objects.get(pk=subscription.pk).plan.code == "team"


def test_bil10_admin_sells_a_prepayment_after_a_confirmation_page(
    public_client: Client, staff_user, account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
    url = f"/admin/subscriptions/subscription/{subscription.pk}/prepay/"
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        public_client.force_login(staff_user)
        assert url in public_client.get(f"/admin/subscriptions/subscription/{subscription.pk}/change/").content.decode()
        # the confirmation page: 4 agents × 290 net, no VAT (Norwegian buyer), total; nothing charged yet
        page = public_client.get(url, {"seats": 4}).content.decode()
        assert "1,160.00 USD" in page or "1.160,00 USD" in page
        assert not PrepaidCredit.objects.filter(subscription=subscription).exists()
        response = public_client.post(url, {"seats": 4, "expected_amount": "1160.00"})
    credit = PrepaidCredit.objects.get(subscription=subscription)
    assert response.status_code == 302 and response["Location"].endswith(f"/prepaidcredit/{credit.pk}/change/")
    assert (credit.seats, credit.value, credit.charge.status) == (4, Decimal("1160.00"), "paid")


def test_bil10_prepayment_for_zero_seats_is_refused_and_nothing_is_charged(
    public_client: Client, staff_user, account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
    token = Token.objects.create(user=staff_user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    url = f"/admin/subscriptions/subscription/{subscription.pk}/prepay/"
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        public_client.force_login(staff_user)
        page = public_client.get(url, {"seats": 0}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        posted = public_client.post(url, {"seats": 0, "expected_amount": "0.00"})
        api = public_client.post(
            f"/api/v1/subscriptions/{subscription.pk}/prepayment/",
            {"seats": 0, "expected_amount": "0.00"},
            content_type="application/json",
            **auth,
        )
        quote = public_client.get(f"/api/v1/subscriptions/{subscription.pk}/prepayment/quote/", {"seats": 0}, **auth)
    assert "A prepayment needs at least one agent" in page or "mindst én agent" in page
    assert posted.status_code == 302
    assert api.status_code == 400 and (
        "at least one agent" in api.json()["detail"] or "mindst én" in api.json()["detail"]
    )
    assert quote.status_code == 400
    assert not PrepaidCredit.objects.filter(subscription=subscription).exists()
    assert list(Charge.objects.filter(subscription=subscription).values_list("kind", flat=True)) == ["first"]


def test_bil10_admin_seat_change_moves_the_prepayment_end_date(
    public_client: Client, staff_user, account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=4, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=4, actor="staff")
    url = f"/admin/subscriptions/subscription/{subscription.pk}/seats/"
    with time_machine.travel(HALFWAY, tick=False):
        public_client.force_login(staff_user)
        page = public_client.get(url, {"seats": 8})
        change = page.context["change"]
        assert change.prepaid_ends_at == HALFWAY + timedelta(days=91, hours=6)
        response = public_client.post(
            url, {"seats": 8, "expected_amount": str(change.amounts.gross), "quote_at": change.at.isoformat()}
        )
    assert response.status_code == 302
    credit.refresh_from_db()
    assert (credit.seats, credit.ends_at) == (8, HALFWAY + timedelta(days=91, hours=6))


def test_bil10_api_sells_a_prepayment_and_a_seat_change_moves_its_end_date(
    public_client: Client, staff_user, account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=staff_user).key}"}
    base = f"/api/v1/subscriptions/{subscription.pk}"
    with time_machine.travel(T0, tick=False):
        assert public_client.post(f"{base}/prepayment/", {"seats": 4, "expected_amount": "1"}).status_code == 401
        quote = public_client.get(f"{base}/prepayment/quote/", {"seats": 4}, **auth).json()
        assert (quote["net"], quote["vat"], quote["amount"]) == ("1160.00", "0.00", "1160.00")
        sold = public_client.post(
            f"{base}/prepayment/",
            {"seats": 4, "expected_amount": quote["amount"]},
            content_type="application/json",
            **auth,
        )
    assert sold.status_code == 201 and sold.json()["ends_at"].startswith("2028-01-01")
    with time_machine.travel(HALFWAY, tick=False):
        preview = public_client.get(f"{base}/preview/", {"plan": "team", "seats": 2, "cycle": "monthly"}, **auth).json()
        assert preview["effect"] == "prepaid_seats" and preview["amount"] == "0.00"
        changed = public_client.post(
            f"{base}/change/",
            {"plan": "team", "seats": 2, "cycle": "monthly", "quote_at": preview["at"], "expected_amount": "0.00"},
            content_type="application/json",
            **auth,
        )
    assert changed.status_code == 200 and changed.json()["effect"] == "prepaid_seats"
    credit = PrepaidCredit.objects.get(pk=sold.json()["id"])
    # half the seats: twice the time left (182.5 days → 365)
    assert (credit.seats, credit.ends_at) == (2, HALFWAY + timedelta(days=365))


def test_bil10_admin_discontinuation_shows_the_refund_before_it_refunds(
    public_client: Client, staff_user, account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
        credit = prepaid_buy(subscription=subscription, seats=4, actor="staff")
    action = {"action": "discontinue", "_selected_action": [credit.pk]}
    with time_machine.travel(T0 + timedelta(days=73), tick=False):
        public_client.force_login(staff_user)
        listing = public_client.get("/admin/subscriptions/prepaidcredit/").content.decode()
        assert "928,00" in listing or "928.00" in listing  # the value left, listed
        page = public_client.post("/admin/subscriptions/prepaidcredit/", action)
        # 1160 × 292/365 = 928.00 unused; the default 50 % fee leaves 464.00
        assert page.status_code == 200 and (
            "464.00 USD" in page.content.decode() or "464,00 USD" in page.content.decode()
        )
        credit.refresh_from_db()
        assert credit.status == PrepaidStatus.ACTIVE
        done = public_client.post("/admin/subscriptions/prepaidcredit/", {**action, "confirmed": "yes"})
    credit.refresh_from_db()
    assert done.status_code == 302 and credit.status == PrepaidStatus.REFUNDED
