"""BIL-2/BIL-3 changes through the services: preview == invoice, double submits, stale previews."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account
from billing.models import Invoice
from billing.subscriptions import proration
from billing.subscriptions.batch_run import account_bill
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, Plan, Subscription
from billing.subscriptions.sandbox_books import SandboxTransaction
from billing.subscriptions.services.changes import change_apply, change_preview
from billing.subscriptions.services.prices import plan_price_schedule
from billing.subscriptions.services.refusals import StalePreview
from billing.subscriptions.tests.conftest import subscribe

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def test_bil2_annual_upgrade_preview_equals_invoice_and_applies_when_paid(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual")
    with time_machine.travel(T0 + timedelta(days=100, hours=3, seconds=17), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["all-inclusive"], seats=3, cycle="annual")
    assert preview.quote.effect == proration.UPGRADE_NOW
    # the customer confirms 40 seconds later; the charge uses the preview's own timestamp
    with time_machine.travel(preview.at + timedelta(seconds=40), tick=False):
        outcome = change_apply(
            subscription=subscription,
            plan=plans["all-inclusive"],
            seats=3,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="owner",
        )
    assert outcome.ok and outcome.charge.amount == preview.amounts.gross
    invoice = Invoice.objects.get(pk=outcome.charge.invoice_id)
    assert invoice.gross_total == preview.amounts.gross and invoice.net_total == preview.amounts.net
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.seats) == ("all-inclusive", 3)


def test_bil2_upgrade_double_submit_charges_once(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual")
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["team"], seats=5, cycle="annual")
        kwargs = dict(
            plan=plans["team"],
            seats=5,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="o",
        )
        first = change_apply(subscription=subscription, **kwargs)
        second = change_apply(subscription=subscription, **kwargs)
    assert first.ok and second.ok and first.charge.pk == second.charge.pk
    assert Charge.objects.filter(subscription=subscription, kind="upgrade").count() == 1
    assert SandboxTransaction.objects.filter(idempotency_key__startswith=f"change:{subscription.pk}:").count() == 1


def test_bil2_declined_upgrade_grants_no_seats_and_leaves_nothing_unpaid(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual", card="4000000000000341")
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["team"], seats=4, cycle="annual")
        outcome = change_apply(
            subscription=subscription,
            plan=plans["team"],
            seats=4,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="o",
        )
    assert not outcome.ok and "declined" in outcome.message
    subscription.refresh_from_db()
    assert subscription.seats == 2
    assert outcome.charge.status == ChargeStatus.ABANDONED and outcome.charge.invoice_id is None
    assert Invoice.objects.filter(account=account_a).count() == 1  # the first period's only


def test_bil2_monthly_upgrade_applies_now_and_bills_new_rate_next_period(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="monthly")
    with time_machine.travel(T0 + timedelta(days=12), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["all-inclusive"], seats=2, cycle="monthly")
        outcome = change_apply(
            subscription=subscription,
            plan=plans["all-inclusive"],
            seats=2,
            cycle="monthly",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="o",
        )
    assert outcome.ok and outcome.charge is None and preview.amounts.gross == Decimal("0.00")
    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        (renewal,) = account_bill(account=account_a, at=T0 + timedelta(days=31))
    assert renewal.amount == Decimal("78.00")  # 2 × 39 from the next period


def test_bil3_downgrade_waits_for_next_period_warns_and_never_credits(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["all-inclusive"], seats=4, cycle="annual")
    with time_machine.travel(T0 + timedelta(days=200), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["team"], seats=2, cycle="annual")
        outcome = change_apply(
            subscription=subscription,
            plan=plans["team"],
            seats=2,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="o",
        )
    assert preview.quote.effect == proration.AT_NEXT_PERIOD and preview.amounts.gross == 0
    assert outcome.ok and outcome.charge is None
    assert "Phone and call recordings" in preview.lost_features and preview.removed_seats == 2
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.seats) == ("all-inclusive", 4)  # still, until the period ends
    assert not Charge.objects.filter(subscription=subscription, amount__lt=0).exists()
    with time_machine.travel(subscription.period_end, tick=False):
        (renewal,) = account_bill(account=account_a, at=subscription.period_end)
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.seats, renewal.amount) == ("team", 2, Decimal("580.00"))


def test_bil2_preview_older_than_a_price_change_is_refused_and_reshown(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual")
    with time_machine.travel(T0 + timedelta(days=40), tick=False):
        preview = change_preview(subscription=subscription, plan=plans["team"], seats=3, cycle="annual")
    with time_machine.travel(T0 + timedelta(days=40, minutes=1), tick=False):
        plan_price_schedule(
            plan=plans["team"],
            monthly_per_agent=Decimal("31"),
            annual_per_agent=Decimal("310"),
            effective_from=T0 + timedelta(days=80),
            actor="staff",
        )
    with time_machine.travel(T0 + timedelta(days=40, minutes=2), tick=False), pytest.raises(StalePreview):
        change_apply(
            subscription=subscription,
            plan=plans["team"],
            seats=3,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="o",
        )
    assert Subscription.objects.get(pk=subscription.pk).seats == 2


def test_bil2_preview_older_than_30_minutes_is_refused(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=2, cycle="annual")
        preview = change_preview(subscription=subscription, plan=plans["team"], seats=3, cycle="annual")
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False), pytest.raises(StalePreview):
        change_apply(
            subscription=subscription,
            plan=plans["team"],
            seats=3,
            cycle="annual",
            quote_at=preview.at,
            expected_amount=preview.amounts.gross,
            actor="o",
        )
