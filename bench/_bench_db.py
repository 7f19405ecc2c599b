"""What a bench does before Django starts: the project on the import path and a database of its
own (`<KONTO_DB_NAME><suffix>`), so a bench never writes to the portal's data nor takes numbers
from its real invoice series; optionally a temporary MEDIA_ROOT for the files it stores."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_prepare(suffix: str, *, media: str = "") -> None:
    """Call before importing Django. Idempotent: a spawned worker process inherits the name."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    base = os.environ.get("KONTO_DB_NAME", "kontoportal")
    if not base.endswith(suffix):
        os.environ["KONTO_DB_NAME"] = base + suffix
    if media:
        os.environ["KONTO_MEDIA_ROOT"] = tempfile.mkdtemp(prefix=media)


def database_ensure(*, fresh: bool = False) -> None:
    """Create the bench's database if it is missing (drop it first when `fresh`); call after
    bench_prepare and before Django opens a connection."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as admin:
        if fresh:
            admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
