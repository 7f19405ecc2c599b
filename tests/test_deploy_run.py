"""The production run and the restore drill, for real: deploy/run-production.sh starts gunicorn
(production settings), a Celery worker, beat and nginx with TLS on free ports against the test
database, and pages and static files are fetched through nginx; deploy/backup.sh and
deploy/restore.sh bring an issued invoice back from a dump into a fresh database, and its PDF is
found by its SHA-256."""

import hashlib
import http.client
import io
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader

from billing.models import Document
from billing.pdf import document_pdf_store
from billing.reference import demo_seller_ensure, vat_rates_load
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tests.conftest import DK_VAT, seats
from billing.vies import OfflineViesAdapter
from tests.deploy_helpers import DEPLOY, ROOT, free_port, open_tmp, shared_dir

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the run's own self-signed certificate


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return ", ".join(value for key, value in self.headers if key.lower() == name.lower())


class _Connection(http.client.HTTPSConnection):
    """HTTPS to a given address with "localhost" as TLS server name and Host."""

    def __init__(self, address: str, port: int) -> None:
        super().__init__("localhost", port, context=TLS, timeout=30)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = TLS.wrap_socket(raw, server_hostname="localhost")


def fetch(port: int, path: str, *, address: str = "127.0.0.1", headers: dict[str, str] | None = None) -> Reply:
    connection_ = _Connection(address, port)
    try:
        connection_.request("GET", path, headers=headers or {})
        response = connection_.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        connection_.close()


def database_env() -> dict[str, str]:
    db = connection.settings_dict
    return {
        "KONTO_DB_NAME": db["NAME"],
        "KONTO_DB_USER": db["USER"],
        "KONTO_DB_PASSWORD": db["PASSWORD"],
        "KONTO_DB_HOST": db["HOST"],
        "KONTO_DB_PORT": str(db["PORT"]),
    }


@dataclass
class ProductionRun:
    https: int
    http: int
    run_dir: Path
    static_root: Path


@pytest.fixture
def production_run(accounts_ready) -> Iterator[ProductionRun]:  # type: ignore[no-untyped-def]
    call_command("load_registry_demo", verbosity=0)  # committed: the server sees it
    cache.clear()  # this run's cache database: no page body left from another test
    base = open_tmp()
    run = ProductionRun(free_port(), free_port(), shared_dir(base / "run"), shared_dir(base / "static"))
    env = {
        **os.environ,
        **database_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "KONTO_SECRET_KEY": secrets.token_urlsafe(50),
        "KONTO_REDIS_URL": settings.CELERY_BROKER_URL,
        "KONTO_CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "KONTO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "KONTO_MEDIA_ROOT": str(base / "media"),
        "KONTO_UPLOAD_ROOT": str(base / "uploads"),
        "KONTO_STATIC_ROOT": str(run.static_root),
        "KONTO_RUN_DIR": str(run.run_dir),
        "KONTO_HTTP_PORT": str(run.http),
        "KONTO_HTTPS_PORT": str(run.https),
        "KONTO_WEB_BIND": f"127.0.0.1:{free_port()}",
        "KONTO_WEB_WORKERS": "1",
        "KONTO_WORKER_CONCURRENCY": "1",
        "KONTO_COMPILEMESSAGES": "0",  # make test compiled the catalogues
        # No pooled schemas in the test database: a transactional test's flush would orphan them
        # (the pool itself: tests/test_acc_pool.py).
        "KONTO_ACCOUNT_POOL_SIZE": "0",
    }
    log = (base / "run-production.log").open("w")
    process = subprocess.Popen(
        [str(DEPLOY / "run-production.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                pytest.fail("run-production.sh stopped:\n" + (base / "run-production.log").read_text()[-4000:])
            try:
                if fetch(run.https, "/healthz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (base / "run-production.log").read_text()[-4000:]
            time.sleep(1)
        yield run
    finally:
        process.send_signal(signal.SIGTERM)  # the script stops gunicorn, worker, beat and nginx
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def test_sub1_production_run_serves_pages_and_static_files_through_nginx_and_guards_its_edges(production_run):
    # one run for all the checks: starting it takes ~20 s
    run = production_run
    # a public page, from gunicorn with the production settings, through nginx's TLS
    page = fetch(run.https, "/subprocessors/")
    assert page.status == 200
    assert "Linode, LLC" in page.body.decode() and 'lang="da"' in page.body.decode()
    assert page.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"  # once
    # the public registry carries nothing per visitor (issue 14: cached whole); a form page's
    # CSRF cookie carries the production flag
    assert page.header("Set-Cookie") == ""
    assert "Secure" in fetch(run.https, "/signup/").header("Set-Cookie")  # production cookies
    assert "default-src 'self'" in page.header("Content-Security-Policy")
    # a static file collected by the run, served by nginx itself with long cache headers
    css = fetch(run.https, "/static/css/site.css")
    assert css.status == 200 and css.body == (ROOT / "static" / "css" / "site.css").read_bytes()
    assert css.header("Strict-Transport-Security") and "max-age=" in css.header("Cache-Control")
    assert (run.static_root / "admin").is_dir()  # collectstatic ran
    terms = fetch(run.https, "/data-processing/")
    assert terms.status == 200 and terms.header("Strict-Transport-Security")
    # the public JSON: the second anonymous request is nginx's copy; a session is never served one
    assert fetch(run.https, "/subprocessors/registry.json").header("X-Cache-Status") == "MISS"
    assert fetch(run.https, "/subprocessors/registry.json").header("X-Cache-Status") == "HIT"
    logged_in = fetch(run.https, "/subprocessors/registry.json", headers={"Cookie": "sessionid=x"})
    assert logged_in.header("X-Cache-Status") == "BYPASS"
    # the registry page holds no per-visitor token any more (issue 14), so nginx serves its copy
    # too; nginx never stores a response that sets a cookie
    first, second = fetch(run.https, "/subprocessors/"), fetch(run.https, "/subprocessors/")
    assert second.header("X-Cache-Status") == "HIT" and second.body == first.body
    assert second.header("Set-Cookie") == ""
    # plain http moves to https
    plain = http.client.HTTPConnection("127.0.0.1", run.http, timeout=30)
    plain.request("GET", "/terms/", headers={"Host": "localhost"})
    moved = plain.getresponse()
    assert (moved.status, moved.getheader("Location")) == (301, f"https://localhost:{run.https}/terms/")
    plain.close()
    # a body over 12 MB is refused by nginx before gunicorn reads it
    big = _Connection("127.0.0.1", run.https)
    big.putrequest("POST", "/privacy/request/written/")
    big.putheader("Content-Length", str(13 * 1024 * 1024))
    big.putheader("Content-Type", "multipart/form-data; boundary=x")
    big.endheaders()
    assert big.getresponse().status == 413
    big.close()
    # the Celery worker and beat of the same run are up, on the production settings
    logs = run.run_dir / "log"
    deadline = time.monotonic() + 60
    while not ("ready." in (logs / "worker.log").read_text() and "beat: Starting" in (logs / "beat.log").read_text()):
        assert time.monotonic() < deadline, (logs / "worker.log").read_text()[-2000:]
        time.sleep(1)
    # /metrics is not for the outside world: from this machine's own network address, nginx says no
    addresses = subprocess.run(["hostname", "-I"], capture_output=True, text=True) if shutil.which("hostname") else None
    outside = [a for a in (addresses.stdout.split() if addresses else []) if "." in a and not a.startswith("127.")]
    if outside:
        refused = fetch(run.https, "/metrics", address=outside[0])
        assert refused.status == 403 and not refused.header("Content-Security-Policy")  # nginx, not the app


def test_bil11_restore_drill_reads_back_an_invoice_pdf_by_its_hash(accounts_ready, settings):
    account_a = accounts_ready[0]
    base = open_tmp()
    settings.MEDIA_ROOT = base / "media"
    try:
        # an invoice issued and its PDF rendered through the project's own services
        vat_rates_load()
        demo_seller_ensure()
        billing_profile_update(
            account=account_a,
            actor="test",
            data={"company": account_a.name, "name": "Anne Alfa", "street": "Havnegade 1", "postcode": "1058",
                  "city": "København K", "country": "DK", "email": "billing@alfa.example", "vat_number": DK_VAT},
            vies=OfflineViesAdapter(valid={DK_VAT}),
        )  # fmt: skip
        invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
        invoice = document_pdf_store(document_id=invoice.pk)
        assert invoice.pdf_sha256 and (settings.MEDIA_ROOT / invoice.pdf_file).is_file()
        env = {**os.environ, **database_env(), "KONTO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
               "KONTO_UPLOAD_ROOT": str(base / "uploads")}  # fmt: skip

        backup = subprocess.run([str(DEPLOY / "backup.sh"), str(base / "backups")], env=env, capture_output=True,
                                text=True, check=True)  # fmt: skip
        backup_dir = Path(backup.stdout.strip().splitlines()[-1])
        assert (backup_dir / "database.dump").stat().st_size > 0

        restored_db = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        restored_media = base / "restored-media"
        restore_env = {**env, "KONTO_DB_NAME": restored_db, "KONTO_MEDIA_ROOT": str(restored_media),
                       "KONTO_UPLOAD_ROOT": str(base / "restored-uploads")}  # fmt: skip
        try:
            restore = subprocess.run([str(DEPLOY / "restore.sh"), str(backup_dir)], env=restore_env,
                                     capture_output=True, text=True)  # fmt: skip
            assert restore.returncode == 0, restore.stderr
            with _connect(restored_db) as restored:
                row = restored.execute(
                    f'SELECT number, pdf_file, pdf_sha256 FROM "{Document._meta.db_table}" WHERE id = %s',
                    [invoice.pk],
                ).fetchone()
            number, pdf_file, digest = row
            assert (number, digest) == (invoice.number, invoice.pdf_sha256)
            data = (restored_media / pdf_file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest
            assert invoice.number in PdfReader(io.BytesIO(data)).pages[0].extract_text()
            # restoring over an existing database is refused, never a silent overwrite
            again = subprocess.run([str(DEPLOY / "restore.sh"), str(backup_dir)], env=restore_env,
                                   capture_output=True, text=True)  # fmt: skip
            assert again.returncode == 1 and "exists" in again.stderr
        finally:
            with _connect("postgres") as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{restored_db}"')
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _connect(name: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(dbname=name, user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"],
                           autocommit=True)  # fmt: skip
