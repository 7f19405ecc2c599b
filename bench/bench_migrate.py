"""`migrate_schemas` over N account schemas (default 500): with nothing to apply, and with one new
migration, each next to its baseline from the same run. Not part of the test run.

The bench schemas hold every table of the template and its django_migrations, content types and
permissions (`CREATE TABLE … LIKE` + copied rows: a clone per schema would take minutes here), so
Django sees each as fully migrated. The new migration is a temporary tenant app (`benchmig`, one
`CREATE TABLE`) in a settings module written to a temporary directory, never in the project.

    KONTO_DB_NAME=... .venv/bin/python bench/bench_migrate.py [N] [BASELINE_SAMPLE]

Baselines: django-tenants' own standard executor (every schema migrated, one after the other),
timed over BASELINE_SAMPLE schemas (default 50) and given per schema and scaled to N.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Account  # noqa: E402
from accounts.services import public_tenant_ensure, template_schema_ensure  # noqa: E402

PREFIX = "bmig_"
COPIED = ("django_migrations", "django_content_type", "auth_permission")
MIGRATION = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunSQL("CREATE TABLE benchmig_note (id bigserial PRIMARY KEY, body text)")]
"""


def schema_ensure(schema: str) -> None:
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cursor.execute(f'CREATE SCHEMA "{schema}"')
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [template],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'CREATE TABLE "{schema}"."{table}" (LIKE "{template}"."{table}" INCLUDING ALL)')
        cursor.execute(
            f'INSERT INTO "{schema}".django_migrations (app, name, applied) '
            f'SELECT app, name, applied FROM "{template}".django_migrations'
        )
        for table in COPIED[1:]:
            cursor.execute(f'INSERT INTO "{schema}"."{table}" SELECT * FROM "{template}"."{table}"')


def accounts_ensure(n: int) -> list[str]:
    started = time.perf_counter()
    schemas = []
    for i in range(n):
        schema = f"{PREFIX}{i}"
        schema_ensure(schema)
        if not Account.objects.filter(schema_name=schema).exists():
            account = Account(schema_name=schema, name=f"Bench migrate {i}", slug=f"bmig-{i}")
            account.auto_create_schema = False
            account.save()
        schemas.append(schema)
        if (i + 1) % 100 == 0:
            print(f"  {i + 1}/{n} schemas ready", flush=True)
    print(f"setup: {n} schemas in {time.perf_counter() - started:.0f} s")
    return schemas


def drop_all() -> None:
    with connection.cursor() as cursor:
        for schema in Account.objects.filter(schema_name__startswith=PREFIX).values_list("schema_name", flat=True):
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cursor.execute("DELETE FROM accounts_account WHERE schema_name LIKE %s", [PREFIX + "%"])
        cursor.execute(f'DROP TABLE IF EXISTS "{settings.TENANT_BASE_SCHEMA}".benchmig_note')
        cursor.execute(f"DELETE FROM \"{settings.TENANT_BASE_SCHEMA}\".django_migrations WHERE app = 'benchmig'")


def unapply(schemas: list[str]) -> None:
    """Forget the bench migration everywhere (faster than migrating each schema back)."""
    with connection.cursor() as cursor:
        for schema in [*schemas, settings.TENANT_BASE_SCHEMA]:
            cursor.execute(f'DROP TABLE IF EXISTS "{schema}".benchmig_note')
            cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'benchmig'")


def migrate(workdir: Path, settings_module: str, *extra: str, executor: str = "auto") -> tuple[float, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": f"{workdir}:{ROOT}",
        "KONTO_MIGRATE_EXECUTOR": executor,
    }
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--tenant", "-v", "1", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, result.stdout


def summary(output: str) -> str:
    return next((line for line in output.splitlines() if "up to date, skipped" in line), "no skip line")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    public_tenant_ensure()
    template_schema_ensure()
    drop_all()
    workdir = Path(tempfile.mkdtemp(prefix="bench-migrate-"))
    (workdir / "benchmig" / "migrations").mkdir(parents=True)
    (workdir / "benchmig" / "__init__.py").write_text("")
    (workdir / "benchmig" / "migrations" / "__init__.py").write_text("")
    (workdir / "benchmig" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    (workdir / "bench_plain.py").write_text("from config.settings import *  # noqa\nGET_EXECUTOR_FUNCTION = None\n")
    (workdir / "bench_new.py").write_text(
        "from config.settings import *  # noqa\n"
        'TENANT_APPS = [*TENANT_APPS, "benchmig"]\nINSTALLED_APPS = [*INSTALLED_APPS, "benchmig"]\n'
    )
    (workdir / "bench_new_plain.py").write_text("from bench_new import *  # noqa\nGET_EXECUTOR_FUNCTION = None\n")
    try:
        schemas = accounts_ensure(sample)
        base_noop, _out = migrate(workdir, "bench_plain", executor="standard")
        base_one, _out = migrate(workdir, "bench_new_plain", executor="standard")
        unapply(schemas)
        schemas = accounts_ensure(n)
        tenants = n + 1
        noop, out = migrate(workdir, "config.settings")
        noop_line = summary(out)
        one, out = migrate(workdir, "bench_new")
        one_line = summary(out)
        unapply(schemas)
        one_standard, _out = migrate(workdir, "bench_new", executor="standard")
        base_noop_each = base_noop / (sample + 1)
        base_one_each = base_one / (sample + 1)
        print(f"migrate_schemas --tenant over {n} account schemas (+ the template); one run:")
        print(f"  nothing to apply, skipping:            {noop:6.1f} s  ({noop / tenants * 1000:.1f} ms per schema)")
        print(f"      {noop_line}")
        print(
            f"  baseline, django-tenants standard:     {base_noop_each * 1000:6.0f} ms per schema over {sample} "
            f"-> {base_noop_each * tenants:.0f} s for {n}"
        )
        print(f"  one new migration, parallel (auto):    {one:6.1f} s  ({one / tenants * 1000:.1f} ms per schema)")
        print(f"      {one_line}")
        print(f"  one new migration, standard + skip:    {one_standard:6.1f} s")
        print(
            f"  baseline, django-tenants standard:     {base_one_each * 1000:6.0f} ms per schema over {sample} "
            f"-> {base_one_each * tenants:.0f} s for {n}"
        )
    finally:
        drop_all()


if __name__ == "__main__":
    main()
