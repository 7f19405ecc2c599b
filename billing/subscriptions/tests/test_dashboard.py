"""Staff dashboard: MRR, accounts by status, trial conversion, failed payments over a period."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import time_machine

from accounts.models import Account
from billing.subscriptions.dashboard import dashboard, mrr_at
from billing.subscriptions.models import Plan
from billing.subscriptions.tests.conftest import subscribe

T0 = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


def test_dashboard_mrr_counts_annual_as_a_twelfth_and_conversions(
    account_a: Account, account_b: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscribe(account_a, plans["team"], seats=2, cycle="monthly")  # 58 a month
        subscribe(account_b, plans["all-inclusive"], seats=1, cycle="annual")  # 390 a year = 32.50
    assert mrr_at(T0 + timedelta(days=1)) == Decimal("90.50")
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        data = dashboard(start=date(2026, 1, 1), end=date(2026, 4, 30))
    assert [bar.label for bar in data.series[0].bars] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert [bar.value for bar in data.series[0].bars][2] == Decimal("90.50")
    assert data.series[4].bars[2].value == 2 and data.conversion_rate == Decimal("100.0")
    assert dict(data.by_status)["Active"] >= 2


def test_dashboard_page_for_staff(public_client, staff_user, plans: dict[str, Plan]) -> None:
    public_client.force_login(staff_user)
    response = public_client.get(
        "/admin/subscriptions/subscription/dashboard/", {"start": "2026-01-01", "end": "2026-06-30"}
    )
    assert response.status_code == 200 and b"<svg" in response.content and b"mrr-now" in response.content
