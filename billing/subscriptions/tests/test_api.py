"""Staff API: plans (BIL-4 price versions), subscriptions with the change preview (BIL-2),
payments with their attempts (BIL-12)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from rest_framework.authtoken.models import Token

from accounts.models import Account
from billing.subscriptions.models import Plan
from billing.subscriptions.tests.conftest import subscribe

T0 = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def test_bil4_api_lists_plans_with_price_versions(public_client, staff_user, plans: dict[str, Plan]) -> None:
    token = Token.objects.create(user=staff_user)
    assert public_client.get("/api/v1/plans/").status_code == 401
    rows = public_client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {token.key}").json()["results"]
    team = next(row for row in rows if row["code"] == "team")
    assert team["prices"][0]["monthly_per_agent"] == "29.00" and team["prices"][0]["currency"] == "USD"


def test_bil2_api_subscription_preview_matches_the_charge(
    public_client, staff_user, account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual")
    token = Token.objects.create(user=staff_user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    with time_machine.travel(T0 + timedelta(days=73), tick=False):
        preview = public_client.get(
            f"/api/v1/subscriptions/{subscription.pk}/preview/", {"plan": "team", "seats": 3, "cycle": "annual"}, **auth
        ).json()
    assert preview["effect"] == "upgrade_now"
    # 292 of 365 days left: 3 × 290 × 292/365 − 2 × 290 × 292/365 = 696.00 − 464.00
    assert Decimal(preview["amount"]) == Decimal("232.00")
    payments = public_client.get("/api/v1/payments/", {"account": "alfa"}, **auth).json()["results"]
    assert [p["kind"] for p in payments] == ["first"] and payments[0]["tries"][0]["succeeded"]
    bad = public_client.get(
        f"/api/v1/subscriptions/{subscription.pk}/preview/", {"plan": "team", "seats": 0, "cycle": "x"}, **auth
    )
    assert bad.status_code == 400
