"""The billing run (BIL-1) over many accounts: wall time and throughput per worker count.

Builds a throw-away database (`<KONTO_DB_NAME>_bench_subs`, public schema only: subscriptions,
charges and invoices live there), puts N accounts with a monthly subscription due now, then runs
the per-account job `subscriptions_billing_run` for every account, split over W worker processes
that take account ids from a shared queue — what W Celery worker slots do with the fanned-out
`run_account_job` tasks. Each account: claim the period, charge the sandbox processor, issue and
mark the invoice paid (no PDF), log the receipt e-mail. Then it checks: one charge, one processor
transaction and one invoice per subscription and period. A second run over the same accounts
must change nothing (idempotence) and is timed too.

    .venv/bin/python bench/bench_billing_run.py [N=1000] [W=2]

The default (1,000 accounts) finishes in about 2 minutes on the shared 2-core machine; the
issue's figure is `bench_billing_run.py 10000 2` (about a quarter of an hour there).
"""

import multiprocessing
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ.get("KONTO_DB_NAME", "").endswith("_bench_subs"):  # spawned workers inherit it already
    os.environ["KONTO_DB_NAME"] = os.environ.get("KONTO_DB_NAME", "kontoportal") + "_bench_subs"
# Mail is rendered and logged as usual, but not handed to an SMTP server.
os.environ["KONTO_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"

AT = datetime(2026, 6, 1, 6, 5, tzinfo=UTC)


def _setup() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.SUBSCRIPTIONS_INVOICE_PDF = False


def database_fresh() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
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


def _worker(queue: "multiprocessing.Queue[int | None]", done: "multiprocessing.Queue[int]") -> None:
    _setup()
    from django.db import connection

    from accounts.models import Account
    from config.jobs import get_job, run_for_account

    job = get_job("subscriptions_billing_run")
    count = 0
    try:
        while (account_id := queue.get()) is not None:
            connection.set_schema_to_public()
            account = Account.objects.get(pk=account_id)
            run_for_account(job, account, AT, dry_run=False)
            count += 1
    finally:
        done.put(count)  # the parent never waits for a worker that died


def run(account_ids: list[int], workers: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = ctx.Queue()
    done: multiprocessing.Queue = ctx.Queue()
    for pk in account_ids:
        queue.put(pk)
    for _ in range(workers):
        queue.put(None)
    processes = [ctx.Process(target=_worker, args=(queue, done)) for _ in range(workers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    handled = sum(done.get() for _ in processes)
    for process in processes:
        process.join()
    assert handled == len(account_ids)
    return time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    _setup()
    from django.conf import settings

    print(
        f"database {settings.DATABASES['default']['NAME']} (throw-away), {n} accounts, {workers} worker processes, {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    database_fresh()
    ids = accounts_create(n)
    print(f"setup (migrate + {n} accounts with a due subscription): {time.perf_counter() - started:.1f} s")

    from django.db import connections

    connections.close_all()  # the workers open their own
    first = run(ids, workers)
    print(f"billing run: {n} accounts billed in {first:.1f} s wall = {n / first:.0f} accounts/s with {workers} workers")

    from billing.models import Invoice
    from billing.subscriptions.models import Charge
    from billing.subscriptions.sandbox_books import SandboxTransaction

    charges = Charge.objects.filter(kind="renewal")
    assert charges.count() == n and charges.filter(status="paid").count() == n
    assert charges.values("subscription", "period_start").distinct().count() == n
    assert SandboxTransaction.objects.count() == n
    assert Invoice.objects.count() == n
    print(f"checked: {n} charges, {n} processor transactions, {n} invoices — one per subscription and period")
    connections.close_all()
    second = run(ids, workers)
    assert Charge.objects.filter(kind="renewal").count() == n and Invoice.objects.count() == n
    print(
        f"second run (idempotent, nothing to bill, nothing changed): {second:.1f} s wall = {n / second:.0f} accounts/s"
    )


if __name__ == "__main__":
    main()
