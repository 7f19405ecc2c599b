"""How long until a new account is usable: schema ready, host name and Owner in place.

Measures, in one run: the account from the warm pool (a pooled schema renamed), from an empty
pool (the template's script, accounts/template_script.py), the old path as the baseline
(django-tenants' clone, which re-creates the clone function, plus `migrate_schemas --fake`), the
schema alone made by the script and by the clone function (the empty pool's path until the
script), the pool's refill per schema, and running every migration for one schema (plain
`migrate_schemas`). The clone function's cost grows with the catalog (every account schema), the
script's does not: the number of schemas in the database is printed. Prints the figures; not
part of the test run.

    .venv/bin/python bench/bench_account_create.py [N]
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accounts.models import Account, Domain, PooledSchema  # noqa: E402
from accounts.pool import pool_empty, pool_fill, schema_clone, schema_clone_function  # noqa: E402
from accounts.services import account_create, schema_name_for, template_schema_ensure  # noqa: E402
from accounts.users.models import User  # noqa: E402


def drop(slug_prefix: str) -> None:
    for account in Account.objects.filter(slug__startswith=slug_prefix):
        account.delete(force_drop=True)


def timed_create(i: int, prefix: str) -> float:
    started = time.perf_counter()
    account = account_create(
        name=f"Bench {i}", slug=f"{prefix}-{i}", owner_email=f"owner{i}@bench.example", owner_name="Bench Owner"
    )
    with tenant_context(account):
        assert User.objects.count() == 1  # usable: the Owner can be found in its own schema
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def timed_old_path(i: int) -> float:
    """The baseline: django-tenants' own create_schema (clone function re-created, then
    `migrate_schemas --fake`), with the host and Owner like account_create."""
    started = time.perf_counter()
    with transaction.atomic():
        account = Account(name=f"Bench old {i}", slug=f"bench-old-{i}", schema_name=schema_name_for(f"bench-old-{i}"))
        account.save(verbosity=0)
        Domain.objects.create(domain=f"bench-old-{i}.localhost", tenant=account, is_primary=True)
        with tenant_context(account):
            User.objects.create_user(f"owner{i}@bench.example", None, full_name="Bench Owner")
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def timed_schema(i: int, make: Callable[..., None]) -> float:
    """The schema alone, rolled back."""
    with transaction.atomic():
        started = time.perf_counter()
        make(target=f"bench_schema_{i}")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    return elapsed


def ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    template_schema_ensure()
    drop("bench-")
    pool_empty()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]
    timed_create(999, "bench-warm")  # warm-up: imports, first connection, the template's script built
    # Interleaved, so a change in the machine's load falls on both sides of each comparison. The
    # clone function (and `migrate --fake`) leave the session's catalog caches so large that every
    # later DDL in that session costs about twice as much (measured: the script 30 ms -> 62 ms
    # after ten old-path accounts, 33 ms again on a new connection), so each old-path run is
    # followed by a new connection: the next account pays its setup and cold caches, like a new
    # worker's.
    old_times, empty_times, script_times, function_times = [], [], [], []
    for i in range(n):
        old_times.append(timed_old_path(i))
        connection.close()
        empty_times.append(timed_create(i, "bench-empty"))
    for i in range(n):
        script_times.append(timed_schema(i, schema_clone))
        function_times.append(timed_schema(i, schema_clone_function))
        connection.close()
    started = time.perf_counter()
    pool_fill(size=n)
    fill_each = (time.perf_counter() - started) / max(PooledSchema.objects.count(), 1)
    pool_times = [timed_create(i, "bench-pool") for i in range(n)]
    drop("bench-")
    pool_empty()

    migrate_times = []
    for i in range(3):
        schema = f"bench_plain_{i}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            started = time.perf_counter()
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=0)
        migrate_times.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    connection.set_schema_to_public()

    print(
        f"new account usable (row + schema + host + Owner), {n} accounts each, one run, {schemas} schemas in the database:"
    )
    print(f"  from the warm pool (schema renamed):         {ms(pool_times)}   target <= 50 ms")
    print(f"  pool empty (the template's script):          {ms(empty_times)}   target <= 300 ms")
    print(f"  baseline: django-tenants clone + --fake:     {ms(old_times)}")
    print(f"the schema alone, {n} each:")
    print(f"  the template's script (one round trip):      {ms(script_times)}")
    print(f"  the clone function (the empty pool before):  {ms(function_times)}")
    print(f"  pool refill: {fill_each * 1000:.0f} ms per schema")
    print(f"plain migrate_schemas for one schema, {len(migrate_times)} runs:")
    print(f"  median {statistics.median(migrate_times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
