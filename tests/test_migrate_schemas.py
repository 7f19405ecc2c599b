"""Issue 14, migrations at scale: `migrate_schemas` skips account schemas with nothing to migrate
(one UNION ALL question for all of them) and names how many it migrates."""

import pytest
from django.core.management import call_command
from django.db import connection

from config.migrate import pending_schemas

pytestmark = pytest.mark.django_db


def test_migrate_schemas_with_nothing_to_apply_skips_every_account_schema(account_a, account_b, capsys):
    # (django-tenants' executors print to the process's stdout, not the command's)
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    assert "0 of " in out and "up to date, skipped" in out and "Applying" not in out


def test_migrate_schemas_finds_the_one_schema_missing_a_migration(account_a, account_b):
    schemas = [account_a.schema_name, account_b.schema_name]
    assert pending_schemas(schemas) == []
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{account_b.schema_name}".django_migrations WHERE app = %s AND name = %s',
            ["workspace", "0002_loginrecord_invitation"],
        )
        cursor.execute('CREATE SCHEMA "kp_bench_bare"')  # no migrations table at all: pending too
    assert pending_schemas([*schemas, "kp_bench_bare"]) == [account_b.schema_name, "kp_bench_bare"]
