"""BIL-1 and BIL-11 on the batch path: many workers, one charge and one invoice per period, the
invoice numbers gapless, a declined card in the middle of a batch burns no number."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from accounts.lifecycle import account_cancel
from accounts.models import Account, MailLog
from billing.models import DocumentCounter, DocumentKind, Invoice
from billing.subscriptions.batch_run import batches, billing_batch_run, due_subscription_ids
from billing.subscriptions.gateway import DECLINED
from billing.subscriptions.models import (
    Charge,
    PaymentMethod,
    Plan,
    SandboxToken,
    SandboxTransaction,
    Subscription,
)
from billing.subscriptions.services.batch import batch_claim, batch_pay, batch_record
from billing.subscriptions.tasks import billing_batch, billing_dispatch
from billing.subscriptions.tests.conftest import bulk_accounts, seller_ensure
from config.clock import frozen_at

AT = datetime(2026, 5, 1, 6, 5, tzinfo=UTC)


def _counter() -> int:
    return DocumentCounter.objects.filter(kind=DocumentKind.INVOICE).values_list("last_number", flat=True).first() or 0


def _run(ids: list[int], size: int, *, reverse: bool = False) -> None:
    with frozen_at(AT):
        for batch in sorted(batches(ids, size), reverse=reverse):
            billing_batch_run(subscription_ids=batch, at=AT)


@pytest.mark.django_db(transaction=True)
def test_bil1_bil11_two_batch_runs_at_once_over_500_accounts_bill_each_period_once(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    seller_ensure()
    accounts = bulk_accounts(500, plans["team"], AT)
    base = _counter()
    ids = due_subscription_ids(at=AT)
    assert len(ids) >= 500
    start, errors = threading.Barrier(2), []

    def worker(reverse: bool) -> None:  # the two meet on the same batches, from both ends
        try:
            start.wait()
            _run(ids, 100, reverse=reverse)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(reverse,)) for reverse in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.set_schema_to_public()
    assert errors == []
    renewals = Charge.objects.filter(kind="renewal", account__in=accounts)
    assert renewals.count() == 500 and renewals.filter(status="paid").count() == 500
    assert SandboxTransaction.objects.filter(token="tok_bulk").count() == 500  # one charge each
    invoices = Invoice.objects.filter(account__in=accounts)
    assert invoices.count() == 500 and invoices.filter(status="paid").count() == 500
    assert set(renewals.values_list("invoice_id", flat=True)) == set(invoices.values_list("pk", flat=True))
    assert sorted(invoices.values_list("sequence", flat=True)) == list(range(base + 1, base + 501))  # gapless
    assert _counter() == base + 500
    numbers = dict(invoices.values_list("pk", "number"))
    assert all(numbers[c.invoice_id] == c.invoice_number for c in renewals)
    # BIL-6: each receipt in its recipient's language, naming its invoice.
    receipts = MailLog.objects.filter(template="subscriptions_receipt", account__in=accounts)
    assert receipts.count() == 500
    languages = dict(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("pk", "language"))
    assert all(r.language == languages[r.account_id] for r in receipts)
    # A rerun changes nothing.
    _run(due_subscription_ids(at=AT), 500)
    assert renewals.count() == 500 and invoices.count() == 500 and _counter() == base + 500
    assert receipts.count() == 500


@pytest.mark.django_db(transaction=True)
def test_bil11_declined_card_mid_batch_burns_no_number_and_goes_to_dunning(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    seller_ensure()
    accounts = bulk_accounts(60, plans["team"], AT)
    SandboxToken.objects.create(
        token="tok_declines",
        kind="card",
        behaviour=DECLINED,
        brand="Visa",
        last4="0341",
        exp_month=12,
        exp_year=2035,
        created_at=AT,
    )
    declined = accounts[25:35]  # the middle of the batch
    PaymentMethod.objects.filter(account__in=declined).update(token="tok_declines")
    base = _counter()
    _run(due_subscription_ids(at=AT), 500)
    renewals = Charge.objects.filter(kind="renewal", account__in=accounts)
    failed = renewals.filter(status="failed")
    assert set(failed.values_list("account_id", flat=True)) == {a.pk for a in declined}
    assert all(c.next_retry_at is not None and not c.invoice_id for c in failed)  # BIL-12: dunning
    assert renewals.filter(status="paid").count() == 50
    invoices = Invoice.objects.filter(account__in=accounts)
    assert invoices.count() == 50 and not invoices.filter(account__in=declined).exists()
    assert sorted(invoices.values_list("sequence", flat=True)) == list(range(base + 1, base + 51))
    assert _counter() == base + 50
    # A rerun changes nothing: the failed ones wait for dunning, not for the next run.
    _run(due_subscription_ids(at=AT), 500)
    assert renewals.filter(status="paid").count() == 50 and _counter() == base + 50
    assert SandboxTransaction.objects.filter(token="tok_declines").count() == 10


@pytest.mark.django_db(transaction=True)
def test_bil1_acc10_dispatcher_sends_only_what_is_due_of_chargeable_accounts(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    settings.KONTO_BILLING_BATCH_SIZE = 2
    seller_ensure()
    accounts = bulk_accounts(6, plans["team"], AT)
    cancelled, not_due = accounts[0], accounts[1]
    Account.objects.filter(pk=cancelled.pk).update(status="cancelled")
    Subscription.objects.filter(account=not_due).update(period_end=AT + timedelta(days=1))
    conf = billing_batch.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = True  # the workers, in this process
    try:
        report = billing_dispatch(at=AT)
        again = billing_dispatch(at=AT)
    finally:
        conf.task_always_eager = eager
    assert report.counts == {"batches": 2, "subscriptions": 4}
    billed = set(Charge.objects.filter(kind="renewal").values_list("account_id", flat=True))
    assert billed == {a.pk for a in accounts[2:]}  # never the cancelled account, nothing not due
    assert again.counts == {}  # a rerun: nothing due any more, no task sent


@pytest.mark.django_db(transaction=True)
def test_acc10_an_account_cancelled_between_claim_and_processor_call_is_never_charged(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    # given a batch whose periods are claimed (committed, no lock held any more)
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    seller_ensure()
    accounts = bulk_accounts(3, plans["team"], AT)
    with frozen_at(AT):
        claimed = batch_claim(subscription_ids=due_subscription_ids(at=AT), at=AT)
        assert len(claimed) == 3
        # when the Owner of one stops the account before the processor is called
        stopped = accounts[0]
        account_cancel(account=Account.objects.get(pk=stopped.pk), actor="owner", reason="stopped by the Owner")
        batch_record(attempts=batch_pay(charges=claimed))
    # then that account is not charged, invoiced or sent anything; the others are billed
    charge = Charge.objects.get(account=stopped, kind="renewal")
    assert charge.status == "abandoned" and charge.attempts == 0 and not charge.gateway_ref
    assert SandboxTransaction.objects.count() == 2  # the processor was asked for the other two only
    assert not Invoice.objects.filter(account=stopped).exists()
    assert Charge.objects.filter(kind="renewal", status="paid").count() == 2
