"""How long until a new account is usable: schema ready, host name and Owner in place.

Compares cloning the template schema (what the portal does) with running every migration for
one schema (plain `migrate_schemas`). Prints the figures; not part of the test run.

    .venv/bin/python bench/bench_account_create.py [N]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accounts.models import Account  # noqa: E402
from accounts.services import account_create, template_schema_ensure  # noqa: E402
from accounts.users.models import User  # noqa: E402


def drop(slug_prefix: str) -> None:
    for account in Account.objects.filter(slug__startswith=slug_prefix):
        account.delete(force_drop=True)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    template_schema_ensure()
    drop("bench-")
    clone_times = []
    for i in range(n):
        started = time.perf_counter()
        account = account_create(
            name=f"Bench {i}", slug=f"bench-{i}", owner_email=f"owner{i}@bench.example", owner_name="Bench Owner"
        )
        with tenant_context(account):
            assert User.objects.count() == 1  # usable: the Owner can be found in its own schema
        clone_times.append(time.perf_counter() - started)
    drop("bench-")

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

    print(f"account creation (clone template + host + Owner), {n} accounts:")
    print(
        f"  median {statistics.median(clone_times) * 1000:.0f} ms, min {min(clone_times) * 1000:.0f} ms, max {max(clone_times) * 1000:.0f} ms"
    )
    print(f"plain migrate_schemas for one schema, {len(migrate_times)} runs:")
    print(f"  median {statistics.median(migrate_times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
