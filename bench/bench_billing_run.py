"""The billing run (BIL-1) over many accounts: wall time, statements, the number series' lock.

Builds a throw-away database (`<KONTO_DB_NAME>_bench_subs`, public schema only: subscriptions,
charges and invoices live there) and puts N + N_OLD accounts with a monthly subscription due now.
Each account: claim the period, charge the sandbox processor, issue and mark the invoice paid,
queue its PDF (the receipt waits for it, as in production; no worker reads the bench's broker,
so nothing is rendered or sent).

    .venv/bin/python bench/bench_billing_run.py [N=10000] [W=2] [N_OLD=500]

Both ways in one run: first N_OLD accounts one account per task (the baseline: what the
per-account job `subscriptions_billing_run` does for each fanned-out `run_account_job` task, a
batch of one in its own transaction; fewer accounts, it is slow), then N accounts through the
batch path — the dispatcher's one query, the batches (KONTO_BILLING_BATCH_SIZE) taken by W worker
processes as Celery workers take the `subscriptions.billing_batch` tasks. Printed: wall time,
statements per account (the processor's ledger included) and, for the batches, how long the
invoice-number series was locked per batch. It checks one charge, one processor transaction and
one invoice per subscription and period, numbers gapless; then every batch is sent again:
nothing may change.
"""

import multiprocessing
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from _bench_db import bench_prepare, database_ensure  # noqa: E402 — bench/ is this script's folder

bench_prepare("_bench_subs")
# Mail is rendered and logged as usual, but not handed to an SMTP server.
os.environ["KONTO_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
# As in production, each invoice's PDF is queued after the commit (its receipt waits for it and
# goes with it): here onto a throw-away Redis database that no worker reads, emptied at the end.
os.environ.setdefault("KONTO_BROKER_URL", "redis://127.0.0.1:6379/9")

AT = datetime(2026, 6, 1, 6, 5, tzinfo=UTC)


def _setup() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.SUBSCRIPTIONS_INVOICE_PDF = True  # queued, not rendered: no worker reads the bench's broker


def database_fresh() -> None:
    database_ensure(fresh=True)
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)


def accounts_create(n: int) -> list[int]:
    from accounts.models import Account, AccountKind, AccountStatus
    from accounts.services import public_tenant_ensure
    from billing.models import BillingProfile, ExchangeRate, SellerProfile
    from billing.subscriptions.models import PaymentMethod, Plan, Subscription
    from billing.subscriptions.sandbox_books import SandboxToken

    public_tenant_ensure()
    SellerProfile.objects.create(
        valid_from=AT - timedelta(days=3650),
        legal_name="Kontoportal s.r.o.",
        street="Hlavná 1",
        postcode="811 01",
        city="Bratislava",
        vat_number="SK2020000000",
        company_id="12345678",
        register="Obchodný register Mestského súdu Bratislava III",
        bank_name="Demo Banka",
        iban="SK3112000000198742637541",
        bic="DEMOSKBX",
        email="billing@kontoportal.localhost",
    )
    # Art. 230: USD invoices with VAT state it in euro too, at the last ECB rate (a demo rate here).
    ExchangeRate.objects.create(currency="USD", day=(AT - timedelta(days=3)).date(), per_eur=Decimal("1.085000"))
    SandboxToken.objects.create(
        token="tok_bench",
        kind="card",
        behaviour="ok",
        brand="Visa",
        last4="4242",
        exp_month=12,
        exp_year=2035,
        created_at=AT,
    )
    plan = Plan.objects.get(code="team")
    start = datetime(2026, 5, 1, 6, 5, tzinfo=UTC)  # one month before AT
    countries = ["DK", "NO", "SK", "DE", "GB"]
    accounts = Account.objects.bulk_create(
        [
            Account(
                schema_name=f"acct_bench{i:05d}",
                name=f"Bench {i:05d}",
                slug=f"bench{i:05d}",
                kind=AccountKind.CUSTOMER,
                status=AccountStatus.ACTIVE,
                language=("da", "nb")[i % 2],
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    BillingProfile.objects.bulk_create(
        [
            BillingProfile(
                account=a,
                name="Contact",
                street="Street 1",
                postcode="1000",
                city="City",
                country=countries[i % len(countries)],
                email=f"invoice@{a.slug}.example",
                updated_at=start,
            )
            for i, a in enumerate(accounts)
        ],
        batch_size=2000,
    )
    PaymentMethod.objects.bulk_create(
        [
            PaymentMethod(
                account=a,
                kind="card",
                token="tok_bench",
                brand="Visa",
                last4="4242",
                exp_month=12,
                exp_year=2035,
                created_at=start,
            )
            for a in accounts
        ],
        batch_size=2000,
    )
    Subscription.objects.bulk_create(
        [
            Subscription(
                account=a,
                plan=plan,
                seats=1 + i % 7,
                cycle="monthly",
                anchor=start,
                period_start=start,
                period_end=AT,
                created_at=start,
            )
            for i, a in enumerate(accounts)
        ],
        batch_size=2000,
    )
    return [a.pk for a in accounts]


class _Counter:
    """Counts the statements a worker sends (connection.execute_wrapper), on its own connection
    and on every connection opened after `everywhere()` (the batch's processor threads, where the
    sandbox processor writes its ledger)."""

    def __init__(self) -> None:
        self.n = 0
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        with self._lock:
            self.n += 1
        return execute(sql, params, many, context)

    def everywhere(self) -> None:
        from django.db.backends.signals import connection_created

        def wrap(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
            if self not in connection.execute_wrappers:
                connection.execute_wrappers.append(self)

        connection_created.connect(wrap, weak=False)


def _worker(queue, done) -> None:  # type: ignore[no-untyped-def]
    """One account per task: what the per-account job does for each `run_account_job` task —
    `account_bill`, the batch path with a batch of one, in the task's transaction."""
    _setup()
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    from accounts.models import Account
    from billing.subscriptions.batch_run import account_bill
    from config.clock import frozen_at

    count, counter = 0, _Counter()
    try:
        with connection.execute_wrapper(counter):
            while (account_id := queue.get()) is not None:
                connection.set_schema_to_public()
                account = Account.objects.get(pk=account_id)
                with tenant_context(account), frozen_at(AT), transaction.atomic():
                    account_bill(account=account, at=AT)
                count += 1
    finally:
        done.put((count, counter.n, 0.0, 0))  # the parent never waits for a worker that died


def _batch_worker(queue, done) -> None:  # type: ignore[no-untyped-def]
    """The batch path: what a Celery worker does with each `subscriptions.billing_batch` task."""
    _setup()
    from django.db import connection

    from billing.subscriptions.batch_run import billing_batch_run
    from config.clock import frozen_at

    count, counter, locked, batches = 0, _Counter(), 0.0, 0
    counter.everywhere()  # the processor threads' connections too
    try:
        with connection.execute_wrapper(counter), frozen_at(AT):
            while (ids := queue.get()) is not None:
                result = billing_batch_run(subscription_ids=ids, at=AT)
                count, locked, batches = count + len(ids), locked + result.lock_seconds, batches + 1
    finally:
        done.put((count, counter.n, locked, batches))


def run(items: list, workers: int, target=_worker) -> tuple[float, int, float, int]:  # type: ignore[no-untyped-def]
    """Wall time, statements, seconds the number series was locked, batches."""
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = ctx.Queue()
    done: multiprocessing.Queue = ctx.Queue()
    for item in items:
        queue.put(item)
    for _ in range(workers):
        queue.put(None)
    processes = [ctx.Process(target=target, args=(queue, done)) for _ in range(workers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [done.get() for _ in processes]
    for process in processes:
        process.join()
    wall = time.perf_counter() - started
    return wall, sum(r[1] for r in results), sum(r[2] for r in results), sum(r[3] for r in results)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    n_old = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    _setup()
    from django.conf import settings

    print(
        f"database {settings.DATABASES['default']['NAME']} (throw-away), {n} accounts on the batch path, "
        f"{n_old} one account per task, {workers} worker processes, {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    database_fresh()
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")
    ids = accounts_create(n + n_old)
    print(f"setup (migrate + {n + n_old} accounts with a due subscription): {time.perf_counter() - started:.1f} s")

    from django.db import connections

    from billing.models import Invoice
    from billing.subscriptions.batch_run import batch_size, batches, due_subscription_ids
    from billing.subscriptions.models import Charge
    from billing.subscriptions.sandbox_books import SandboxTransaction

    connections.close_all()  # the workers open their own
    old_ids = ids[:n_old]
    wall, queries, _, _ = run(old_ids, workers)
    print(
        f"one account per task (baseline, {n_old} accounts — fewer: it is slow): {wall:.1f} s wall = "
        f"{n_old / wall:.0f} accounts/s, {queries / n_old:.0f} queries per account"
    )
    started = time.perf_counter()
    due = due_subscription_ids(at=AT)  # the dispatcher's one query: the 500 above are not due any more
    dispatch = time.perf_counter() - started
    assert len(due) == n
    connections.close_all()
    size = batch_size()
    wall, queries, locked, count = run(list(batches(due, size)), workers, _batch_worker)
    print(
        f"batch path: {n} accounts in {wall:.1f} s wall = {n / wall:.0f} accounts/s with {workers} workers "
        f"(batches of {size}; dispatcher query {dispatch * 1000:.0f} ms), {queries / n:.1f} queries per account "
        f"(the sandbox processor's ledger included), "
        f"number series locked {locked / max(count, 1) * 1000:.1f} ms per batch ({count} batches)"
    )
    total = n + n_old
    charges = Charge.objects.filter(kind="renewal")
    assert charges.count() == total and charges.filter(status="paid").count() == total
    assert charges.values("subscription", "period_start").distinct().count() == total
    assert SandboxTransaction.objects.count() == total
    invoices = Invoice.objects.all()
    assert invoices.count() == total
    assert sorted(invoices.values_list("sequence", flat=True)) == list(range(1, total + 1))
    print(
        f"checked: {total} charges, processor transactions and invoices, one per subscription and period; numbers 1…{total} gapless"
    )
    connections.close_all()
    started = time.perf_counter()
    assert due_subscription_ids(at=AT) == []  # the next hour: nothing due, no task sent
    wall, _, _, _ = run(list(batches(sorted(due), size)), workers, _batch_worker)  # batches sent twice
    assert Charge.objects.filter(kind="renewal").count() == total and Invoice.objects.count() == total
    assert SandboxTransaction.objects.count() == total
    print(f"rerun (every batch sent again): nothing changed, {wall:.1f} s wall")
    broker_empty()


def broker_empty() -> None:
    """The PDF tasks the runs queued (no worker reads the bench's broker): counted, then dropped."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    print(f"PDF render tasks queued (each invoice's receipt waits for its PDF): {client.llen('celery')}")
    client.delete("celery")


if __name__ == "__main__":
    main()
