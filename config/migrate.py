"""`migrate_schemas` at scale (issue 14): schemas with nothing to migrate are skipped, the others
migrated in parallel by django-tenants' multiprocessing executor, with its progress per schema.

Running Django's migrate in a schema that is up to date still costs ~0.35 s and ~140 queries (the
migration graph checked, content types and permissions re-synced); at 20,000 accounts that is two
hours for a release without a single migration. Which schemas are up to date is one question per
200 schemas here: a UNION ALL counting, in each schema's django_migrations, the migrations the
code has. Only a plain forward run is filtered; a target (`app_label migration_name`), --fake,
--plan, --check or --prune is passed to every schema as before.

Settings: GET_EXECUTOR_FUNCTION points here; KONTO_MIGRATE_EXECUTOR picks django-tenants'
executor ("auto" by default: multiprocessing for several schemas, "standard" for one process),
KONTO_MIGRATE_PROCESSES the number of processes (TENANT_MULTIPROCESSING_MAX_PROCESSES).
"""

import os
import sys
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors import MigrationExecutor, MultiprocessingExecutor
from django_tenants.migration_executors import get_executor as tenants_get_executor
from django_tenants.utils import get_public_schema_name

from core.across import union_all

FILTERED_OPTIONS = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune")


def code_migrations() -> list[str]:
    """Every migration the code has, as "app.name" (the graph is read from disk, no database)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def pending_schemas(schemas: list[str]) -> list[str]:
    """The schemas whose django_migrations lacks at least one of the code's migrations (or which
    have no such table yet)."""
    expected = code_migrations()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schemas],
        )
        with_table = {name for (name,) in cursor.fetchall()}
    indexed = {i: schema for i, schema in enumerate(schemas) if schema in with_table}
    select = "count(*) FROM {s}.django_migrations WHERE app || '.' || name = ANY(%s)"
    counts = dict(union_all(indexed, select, [expected])) if indexed else {}
    return [schema for i, schema in enumerate(schemas) if counts.get(i, 0) < len(expected)]


def _filtered(options: dict[str, Any]) -> bool:
    return not any(options.get(name) for name in FILTERED_OPTIONS)


def get_executor(codename: str | None = None) -> type[MigrationExecutor]:
    """django-tenants' executor named by --executor, else KONTO_MIGRATE_EXECUTOR, else "auto":
    several pending schemas outside a transaction go to the multiprocessing executor, one schema
    (a new account's, inside its transaction) to the standard one."""
    codename = codename or os.environ.get("KONTO_MIGRATE_EXECUTOR", "auto")
    base = tenants_get_executor("standard" if codename == "auto" else codename)

    class SkippingExecutor(base):  # type: ignore[misc, valid-type]
        def run_migrations(self, tenants: Any = None) -> None:
            tenants = list(tenants or [])
            public = get_public_schema_name()
            accounts = [t for t in tenants if t != public]
            if accounts and _filtered(self.options):
                pending = pending_schemas(accounts)
                if int(self.options.get("verbosity", 1)) >= 1:
                    sys.stdout.write(
                        f"{len(pending)} of {len(accounts)} account schemas have migrations to apply; "
                        f"{len(accounts) - len(pending)} up to date, skipped\n"
                    )
                tenants = [t for t in tenants if t == public] + pending
            if codename == "auto" and len(tenants) > 1 and not connection.in_atomic_block:
                parallel = tenants_get_executor(MultiprocessingExecutor.codename)(self.args, self.options)
                parallel.run_migrations(tenants=tenants)
            elif tenants:
                super().run_migrations(tenants=tenants)

    SkippingExecutor.__name__ = f"Skipping{base.__name__}"
    return SkippingExecutor
