"""The warm pool of account schemas (issue 14).

Copying the template while a visitor waits costs ~35-65 ms (its script, see
accounts/template_script.py); renaming a schema cloned beforehand costs one catalog update.
`pool_fill` keeps `ACCOUNT_POOL_SIZE` schemas cloned from the template (run by the
`account_pool_fill` task after each sign-up, by the job of the same name, and by the command after
`migrate_schemas`); `schema_provide` gives a new account its schema inside the sign-up's
transaction: a pooled one renamed, or, when the pool is empty, one clone.

A pooled schema carries the number of migrations the template had when it was cloned; after a
migration the old ones are never handed out (`schema_provide` matches the count) and `pool_fill`
drops them. Neither path runs `migrate --fake`: the clone copies the template's
django_migrations, content types and permissions, which is all that command would record.
"""

import secrets

from django.conf import settings
from django.db import connection, transaction
from django_tenants.clone import CLONE_SCHEMA_FUNCTION
from django_tenants.utils import schema_exists

from accounts.models import PooledSchema
from accounts.template_script import template_script_build, template_script_run

POOL_PREFIX = "kp_pool_"
# One filler at a time (a task after each sign-up, the job, the deploy command may overlap).
FILL_LOCK = 0x6B70_706F  # "kppo"

_clone_function_ready = False
# The template's script by the number of migrations it was built at (one entry; per process).
_scripts: dict[int, str | None] = {}


def _quote(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def clone_function_ensure() -> None:
    """Install django-tenants' clone_schema() in the database once, not before every clone as
    its own CloneSchema does (that re-creation was half of the cost of a new account). Installed
    when missing (checked once per process) and re-installed by `pool_fill(reinstall=True)` after
    a migration, in case an upgrade of django-tenants changed it."""
    global _clone_function_ready
    if _clone_function_ready:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('public.clone_schema') IS NOT NULL")
        present = cursor.fetchone()[0]
        if not present:
            cursor.execute(
                CLONE_SCHEMA_FUNCTION.format(db_user=settings.DATABASES["default"].get("USER") or "postgres")
            )
    # Inside a transaction that may still roll back, ask again next time.
    _clone_function_ready = present or not connection.in_atomic_block


def _clone_function_reinstall() -> None:
    global _clone_function_ready
    _clone_function_ready = False
    with connection.cursor() as cursor:
        cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=settings.DATABASES["default"].get("USER") or "postgres"))
    _clone_function_ready = not connection.in_atomic_block


def schema_clone_function(*, target: str) -> None:
    """Copy the template to `target` with django-tenants' clone function (PL/pgSQL, object by
    object): for a template holding what the script does not reproduce."""
    clone_function_ensure()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [settings.TENANT_BASE_SCHEMA, target])


def template_script(migrations: int) -> str | None:
    """The template's script, built once per process and migration state: a migration is the
    only thing that changes the template's tables (a template changed by hand: `pool_empty`)."""
    if migrations not in _scripts:
        script = template_script_build(settings.TENANT_BASE_SCHEMA)
        _scripts.clear()
        _scripts[migrations] = script
    return _scripts[migrations]


def template_script_forget() -> None:
    _scripts.clear()


def schema_clone(*, target: str, migrations: int | None = None) -> None:
    """Copy the template schema (tables, sequences and data) to `target`: its script in one round
    trip, or the clone function when the template holds something the script does not know."""
    script = template_script(template_migrations() if migrations is None else migrations)
    if script is None:
        schema_clone_function(target=target)
    else:
        template_script_run(script, target=target)


def template_migrations() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_quote(settings.TENANT_BASE_SCHEMA)}.django_migrations")
        return cursor.fetchone()[0]


# The oldest pooled schema cloned from the template as it is now. SKIP LOCKED: of two sign-ups at
# once each gets a different row without waiting; the row is deleted with the sign-up's commit, so
# no schema is handed out twice, and a rolled-back sign-up leaves it in the pool.
TAKE = f"""
DELETE FROM {PooledSchema._meta.db_table} WHERE id = (
    SELECT id FROM {PooledSchema._meta.db_table}
    WHERE migrations = (SELECT count(*) FROM {_quote(settings.TENANT_BASE_SCHEMA)}.django_migrations)
    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
) RETURNING schema_name
"""


def schema_provide(*, target: str) -> str:
    """Give `target` its schema inside the caller's transaction: a pooled schema renamed, or a
    clone of the template when the pool has none. Returns "pool" or "clone"."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(TAKE)
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(f"ALTER SCHEMA {_quote(row[0])} RENAME TO {_quote(target)}")
            return "pool"
    schema_clone(target=target)
    return "clone"


def _drop_stale(current: int) -> int:
    dropped = 0
    while True:
        with transaction.atomic():
            stale = PooledSchema.objects.select_for_update(skip_locked=True).exclude(migrations=current).first()
            if stale is None:
                return dropped
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(stale.schema_name)} CASCADE")
            stale.delete()
            dropped += 1


def pool_fill(*, size: int | None = None, reinstall: bool = False) -> dict[str, int]:
    """Drop pooled schemas cloned before the last migration, then clone until the pool holds
    `size` (default ACCOUNT_POOL_SIZE). Each clone commits on its own, so a sign-up can take it
    at once. Another filler running: returns without doing anything."""
    size = settings.ACCOUNT_POOL_SIZE if size is None else size
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FILL_LOCK])
        if not cursor.fetchone()[0]:
            return {"busy": 1}
    try:
        if reinstall:
            _clone_function_reinstall()
            template_script_forget()
        current = template_migrations()
        counts = {"dropped": _drop_stale(current), "cloned": 0}
        while PooledSchema.objects.count() < size:
            name = POOL_PREFIX + secrets.token_hex(6)
            if schema_exists(name):  # pragma: no cover - 48 random bits
                continue
            with transaction.atomic():
                schema_clone(target=name, migrations=current)
                PooledSchema.objects.create(schema_name=name, migrations=current)
            counts["cloned"] += 1
        counts["pooled"] = PooledSchema.objects.count()
        return counts
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [FILL_LOCK])


def pool_empty() -> int:
    """Drop every pooled schema and forget the template's script (tests, and a template that
    changed without a migration)."""
    template_script_forget()
    dropped = 0
    for pooled in PooledSchema.objects.all():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(pooled.schema_name)} CASCADE")
            pooled.delete()
        dropped += 1
    return dropped
