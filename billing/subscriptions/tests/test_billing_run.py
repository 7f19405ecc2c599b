"""BIL-1: the billing run bills each subscription at the start of each period, exactly once,
whatever retries or a second worker do."""

import random
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, connections

from accounts.models import Account
from billing.models import Invoice
from billing.subscriptions.models import (
    Charge,
    Plan,
    SandboxTransaction,
)
from billing.subscriptions.tests.conftest import bulk_accounts, seller_ensure, subscribe
from config.jobs import get_job, run_for_account

T0 = datetime(2026, 1, 31, 7, 0, tzinfo=UTC)


def test_bil1_renewal_billed_at_period_start_and_rerun_changes_nothing(
    account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=3, cycle="monthly")
    job = get_job("subscriptions_billing_run")
    just_before = subscription.period_end - timedelta(seconds=1)
    assert run_for_account(job, account_a, just_before, dry_run=False).counts == {}
    renewal_at = subscription.period_end  # 28 Feb 07:00: the 31st clipped to February's end
    assert renewal_at == datetime(2026, 2, 28, 7, 0, tzinfo=UTC)
    first = run_for_account(job, account_a, renewal_at, dry_run=False)
    again = run_for_account(job, account_a, renewal_at + timedelta(hours=1), dry_run=False)
    assert first.counts == {"paid": 1} and again.counts == {}
    charge = Charge.objects.get(subscription=subscription, kind="renewal")
    # BIL-17: months turn at 08:00 on the seller's wall clock; summer time began on 29 March.
    assert (charge.period_start, charge.period_end) == (renewal_at, datetime(2026, 3, 31, 6, 0, tzinfo=UTC))
    invoice = Invoice.objects.get(account=account_a, number=charge.invoice_number)
    assert (invoice.period_start, invoice.period_end) == (date(2026, 2, 28), date(2026, 3, 30))
    assert charge.amount == Decimal("87.00")
    assert Invoice.objects.filter(account=account_a).count() == 2  # first period + this renewal


def test_bil1_dry_run_reports_and_changes_nothing(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=1, cycle="monthly")
    report = run_for_account(get_job("subscriptions_billing_run"), account_a, subscription.period_end, dry_run=True)
    assert report.counts == {"would_bill": 1}
    assert Charge.objects.filter(subscription=subscription).count() == 1


@pytest.mark.django_db(transaction=True)
def test_bil1_two_workers_at_once_over_200_accounts_bill_each_period_once(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    seller_ensure()
    at = datetime(2026, 5, 1, 6, 5, tzinfo=UTC)
    accounts = bulk_accounts(200, plans["team"], at)
    job = get_job("subscriptions_billing_run")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        order = accounts[:]
        random.Random(seed).shuffle(order)  # the two workers meet on the same rows in different orders
        try:
            start.wait()
            for account in order:
                run_for_account(job, account, at, dry_run=False)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.set_schema_to_public()
    assert errors == []
    renewals = Charge.objects.filter(kind="renewal", account__in=accounts)
    assert renewals.count() == 200 and renewals.filter(status="paid").count() == 200
    assert renewals.values("subscription", "period_start").distinct().count() == 200
    assert SandboxTransaction.objects.filter(token="tok_bulk").count() == 200  # one charge each at the processor
    assert Invoice.objects.filter(account__in=accounts).count() == 200
    assert set(renewals.values_list("invoice_id", flat=True)) == set(
        Invoice.objects.filter(account__in=accounts).values_list("pk", flat=True)
    )
