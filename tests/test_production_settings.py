"""The production settings (config.settings_production): `check --deploy` is clean, and what a
browser receives carries the Content-Security-Policy, HSTS (sub-domains included: every account
is a sub-domain) and secure cookies, with no inline script a CSP would have to allow. Pages are
fetched in a subprocess that runs the production settings against the test database, so the
answers are those of the real middleware stack, not of overridden settings. The staff-only
OpenAPI schema is tested here too."""

import gzip
import json
import os
import secrets
import subprocess
import sys
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import brotli
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parent.parent

# Runs under config.settings_production: fetches each page as a browser on HTTPS behind the
# proxy would, and reports status, headers and the inline scripts found.
FETCH = r"""
import json, re, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from accounts.users.models import User

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
results = {}
for host, path, staff in json.loads(sys.argv[1]):
    client = Client(HTTP_HOST=host)
    if staff:
        connection.set_schema_to_public()  # the previous request left its account's schema set
        client.force_login(User.objects.get(email=staff))
    plain = client.get(path)
    secure = client.get(path, HTTP_X_FORWARDED_PROTO="https")
    html = secure.content.decode()
    results[host + path] = {
        "plain_status": plain.status_code,
        "plain_location": plain.get("Location", ""),
        "status": secure.status_code,
        "headers": dict(secure.headers),
        "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])} for name, c in secure.cookies.items()},
        "inline_scripts": INLINE_SCRIPT.findall(html) + HANDLER.findall(html) + re.findall(r"javascript:", html),
    }
print(json.dumps(results))
"""


def production_env(**extra: str) -> dict[str, str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "KONTO_DEBUG": "0",
        "KONTO_SECRET_KEY": secrets.token_urlsafe(48),
        **extra,
    }


def test_prod_check_deploy_passes_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_prod_production_settings_refuse_to_start_without_their_own_secret_key():
    env = production_env()
    del env["KONTO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "KONTO_SECRET_KEY must be set" in result.stderr


@pytest.fixture
def pages(transactional_db, accounts_ready, staff_user):  # type: ignore[no-untyped-def]
    """Fetch pages under the production settings; the rows they need are committed."""

    def fetch(targets: list[tuple[str, str, str | None]], **extra: str) -> dict:  # type: ignore[type-arg]
        result = subprocess.run(
            [sys.executable, "-c", FETCH, json.dumps(targets)],
            cwd=ROOT,
            env=production_env(KONTO_DB_NAME=connection.settings_dict["NAME"], **extra),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    return fetch


def test_prod_pages_carry_csp_and_hsts_with_secure_cookies_and_no_inline_script(pages, staff_user):
    results = pages(
        [
            ("localhost", "/", None),
            ("localhost", "/subprocessors/", None),
            ("localhost", "/signup/", None),
            ("localhost", "/admin/login/", None),
            ("alfa.localhost", "/min-konto/login/", None),
            # the admin under the CSP: a change form, and django-celery-beat's (its own template has
            # an inline script; ours loads static/js/periodic-task-form.js instead)
            ("localhost", "/admin/accounts/account/", staff_user.email),
            ("localhost", "/admin/django_celery_beat/periodictask/add/", staff_user.email),
        ]
    )
    for page, result in results.items():
        # plain HTTP is redirected to HTTPS
        assert result["plain_status"] == 301 and result["plain_location"].startswith("https://"), page
        assert result["status"] == 200, page
        headers = result["headers"]
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", page
        csp = {words[0]: " ".join(words[1:]) for words in map(str.split, headers["Content-Security-Policy"].split(";"))}
        assert csp["script-src"] == "'self'", page  # no 'unsafe-inline', no nonce, no other host
        assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'", page
        assert csp["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY", page
        assert "upgrade-insecure-requests" in csp, page
        assert headers["X-Content-Type-Options"] == "nosniff", page
        assert headers["Referrer-Policy"] == "same-origin", page
        assert result["inline_scripts"] == [], page
        for name, cookie in result["cookies"].items():
            assert cookie["secure"], f"{page}: cookie {name} is not Secure"
    # the pages with forms did set their CSRF cookie, and it is Secure
    assert "csrftoken" in results["localhost/signup/"]["cookies"]
    assert "periodic-task-form.js" in open(ROOT / "templates/admin/djcelery/change_periodictask_form.html").read()


def test_prod_ssl_redirect_can_be_switched_off_for_a_local_http_run(pages):
    result = pages([("localhost", "/", None)], KONTO_SSL_REDIRECT="0")["localhost/"]
    assert result["plain_status"] == 200


def test_prod_openapi_schema_is_refused_to_anonymous_and_to_customers(public_client, client_a):
    assert public_client.get("/api/v1/schema/").status_code in (401, 403)
    # a customer's team user is no staff user; account hosts do not serve the API at all
    assert client_a.get("/api/v1/schema/").status_code == 404


def test_prod_openapi_schema_is_served_to_staff_by_token(public_client, staff_user):
    token = Token.objects.create(user=staff_user)
    response = public_client.get("/api/v1/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "/api/v1/accounts/" in response.content.decode()


SENTRY_PROBE = r"""
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print("active" if client.is_active() else "inactive")
if client.is_active():
    try:
        1 / 0
    except ZeroDivisionError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=10)
"""


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        encoding = self.headers.get("Content-Encoding")
        if encoding in ("gzip", "br"):
            body = gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body)
        _Collector.received.append(self.path.encode() + b"\n" + body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_prod_errors_reach_the_reporter_only_when_konto_sentry_dsn_is_set():
    run = partial(subprocess.run, [sys.executable, "-c", SENTRY_PROBE], cwd=ROOT, capture_output=True, text=True)
    # without the variable the SDK is not even started
    assert run(env=production_env(), timeout=120).stdout.strip() == "inactive"

    # with it, an error is sent to that DSN (a local collector standing in for Sentry)
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
        result = run(env=production_env(KONTO_SENTRY_DSN=dsn), timeout=120)
    finally:
        server.shutdown()
    assert result.stdout.strip() == "active", result.stderr[-2000:]
    sent = b"\n".join(_Collector.received)
    assert b"/api/42/envelope/" in sent and b"ZeroDivisionError" in sent
