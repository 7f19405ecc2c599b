"""LTD-5/7/8: lifetime-code accounts pay only for users beyond the package, by the days each was
active; the first such charge needs full billing details and a payment method, or access stops."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import time_machine
from django_tenants.utils import tenant_context

from accounts.models import Account, AccountStatus, LifetimeCode, LifetimeCodeBatch
from accounts.workspace.models import UsageSnapshot
from billing.models import BillingProfile, Invoice
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.services.charges import overdue_pay
from billing.subscriptions.services.payment_methods import payment_method_add_card, payment_method_add_paypal
from billing.subscriptions.tests.conftest import billing_profile_ensure, seller_ensure
from config.jobs import get_job, run_for_account

JUNE = datetime(2026, 6, 1, tzinfo=UTC)
JULY = datetime(2026, 7, 1, tzinfo=UTC)


def lifetime_account(account: Account) -> Account:
    batch = LifetimeCodeBatch.objects.create(
        name="Launch deal", redeem_by=datetime(2019, 11, 30, 23, 59, tzinfo=UTC), seats=2, imported_at=JUNE
    )
    LifetimeCode.objects.create(batch=batch, code="LTD-TEST-0001", account=account, redeemed_at=JUNE)
    Account.objects.filter(pk=account.pk).update(status=AccountStatus.ACTIVE, plan_name="All-inclusive")
    account.refresh_from_db()
    # June: 3 users for 15 days, 2 users for the other 15 (the package covers two)
    with tenant_context(account):
        for day in range(30):
            UsageSnapshot.objects.create(
                day=date(2026, 6, 1) + timedelta(days=day), user_count=3 if day < 15 else 2, taken_at=JUNE
            )
    return account


def test_ltd5_users_beyond_package_billed_monthly_for_days_active(account_a: Account, plans: dict[str, Plan]) -> None:
    account = lifetime_account(account_a)
    seller_ensure()
    billing_profile_ensure(account)
    payment_method_add_card(
        account=account, number="4242424242424242", exp_month=1, exp_year=2030, cvc="111", actor="o"
    )
    job = get_job("subscriptions_billing_run")
    with time_machine.travel(JUNE + timedelta(hours=2), tick=False):
        assert run_for_account(job, account, JUNE + timedelta(hours=2), dry_run=False).counts == {}
    with time_machine.travel(JULY + timedelta(hours=2), tick=False):
        run_for_account(job, account, JULY + timedelta(hours=2), dry_run=False)
    charge = Charge.objects.get(account=account, kind="renewal")
    # 15 user-days of 30 = 0.5 user-month × 39.00; the two package seats cost nothing
    assert charge.status == ChargeStatus.PAID and charge.amount == Decimal("19.50")
    lines = list(Invoice.objects.get(pk=charge.invoice_id).lines.order_by("position"))
    assert [line.net_amount for line in lines] == [Decimal("0.00"), Decimal("19.50")]
    assert "15" in lines[1].description


def test_ltd7_ltd8_first_charge_without_billing_details_stops_access_until_given(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    account = lifetime_account(account_a)
    seller_ensure()
    BillingProfile.objects.filter(account=account).delete()
    job = get_job("subscriptions_billing_run")
    with time_machine.travel(JUNE + timedelta(hours=2), tick=False):
        run_for_account(job, account, JUNE + timedelta(hours=2), dry_run=False)
    with time_machine.travel(JULY + timedelta(hours=2), tick=False):
        run_for_account(job, account, JULY + timedelta(hours=2), dry_run=False)
    charge = Charge.objects.get(account=account, kind="renewal")
    assert charge.status == ChargeStatus.FAILED and charge.failure_code == "no_billing_details"
    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED
    # the Owner gives the details and a card: the charge is paid and access returns
    with time_machine.travel(JULY + timedelta(days=1), tick=False):
        billing_profile_ensure(account)
        payment_method_add_paypal(account=account, email="owner@alfa.dk", actor="owner@alfa.dk")
        (paid,) = overdue_pay(account=account, actor="owner@alfa.dk")
    account.refresh_from_db()
    assert (
        paid.status == ChargeStatus.PAID and paid.amount == Decimal("19.50") and account.status == AccountStatus.ACTIVE
    )
