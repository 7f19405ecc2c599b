"""BIL-4: a price change reaches existing customers only after 30 days' logged notice."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account, MailLog
from billing.subscriptions.batch_run import account_bill
from billing.subscriptions.models import Plan, PlanPrice, PriceNotice
from billing.subscriptions.services.prices import plan_price_schedule
from billing.subscriptions.services.refusals import SubscriptionError
from billing.subscriptions.tests.conftest import subscribe

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_bil4_price_change_sooner_than_30_days_is_refused(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False), pytest.raises(SubscriptionError):
        plan_price_schedule(
            plan=plans["team"],
            monthly_per_agent=Decimal("35"),
            annual_per_agent=Decimal("350"),
            effective_from=T0 + timedelta(days=29, hours=23),
            actor="staff",
        )
    assert not PlanPrice.objects.filter(plan=plans["team"], effective_from__gt=T0).exists()


def test_bil4_notice_mailed_to_owner_and_logged_then_price_moves_on_its_date(
    account_a: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
    effective = T0 + timedelta(days=45)
    with time_machine.travel(T0 + timedelta(days=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        price = plan_price_schedule(
            plan=plans["team"],
            monthly_per_agent=Decimal("35"),
            annual_per_agent=Decimal("350"),
            effective_from=effective,
            actor="staff@kontoportal.test",
        )
    notice = PriceNotice.objects.get(price=price, account=account_a)
    assert notice.recipient == "owner@alfa.dk" and notice.mail.template == "subscriptions_price_notice"
    assert MailLog.objects.get(pk=notice.mail_id).language == "da"
    assert any(m.to == ["owner@alfa.dk"] and "Team" in m.subject for m in mailoutbox)
    # renewals before the effective date keep the old price, the first one after takes the new
    month1 = subscription.period_end
    with time_machine.travel(month1, tick=False):
        (before,) = account_bill(account=account_a, at=month1)
    subscription.refresh_from_db()
    with time_machine.travel(subscription.period_end, tick=False):
        (after,) = account_bill(account=account_a, at=subscription.period_end)
    assert subscription.period_end >= effective
    assert (before.amount, after.amount) == (Decimal("58.00"), Decimal("70.00"))
