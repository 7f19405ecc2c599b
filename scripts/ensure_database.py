"""Create the portal's database when it does not exist yet (idempotent)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402

database = settings.DATABASES["default"]
with psycopg.connect(
    dbname="postgres",
    user=database["USER"],
    password=database["PASSWORD"],
    host=database["HOST"],
    port=database["PORT"],
    autocommit=True,
) as connection:
    exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone()
    if not exists:
        connection.execute(f'CREATE DATABASE "{database["NAME"]}"')
        print(f"created database {database['NAME']}")
