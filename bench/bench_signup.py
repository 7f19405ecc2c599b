"""Sign-up to a usable Min konto (ACC-1): POST the public form, follow the redirect to the new
host's welcome link, and load Min konto as the logged-in Owner. Median of N (default 20),
in-process (Django's test client, the real PostgreSQL), so the figure is the server's work
without network. Prints the figures; not part of the test run.

    .venv/bin/python bench/bench_signup.py [N]
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KONTO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Account  # noqa: E402
from accounts.services import template_schema_ensure  # noqa: E402
from tests.acc_helpers import signup_form  # noqa: E402


def cleanup() -> None:
    connection.set_schema_to_public()
    for account in Account.all_objects.filter(slug__startswith="bench-signup-"):
        account.delete(force_drop=True)


def signup_once(i: int) -> tuple[float, float]:
    public = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"10.9.{i // 250}.{i % 250 + 1}")
    data = signup_form(full_name="Bente Bench", email=f"bente{i}@bench-signup-{i}.dk", company=f"Bench Signup {i} ApS")
    started = time.perf_counter()
    response = public.post("/signup/", data)
    assert response.status_code == 302, response.content[:500]
    created = time.perf_counter() - started
    url = urlsplit(response["Location"])
    owner = Client(HTTP_HOST=url.hostname)
    assert owner.get(url.path).status_code == 200  # welcome: asked for a password
    password = {"new_password1": "bench-fjord-lantern-42", "new_password2": "bench-fjord-lantern-42"}
    assert owner.post(url.path, password).status_code == 302  # password set: logged in
    page = owner.get("/min-konto/")
    assert page.status_code == 200 and b"Bench Signup" in page.content
    connection.set_schema_to_public()
    return created, time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    # One client address signs up n times: lift the per-IP and per-address throttles.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": "10000/h", "signup_address": "10000/h"}
    template_schema_ensure()
    cleanup()
    signup_once(999)  # warm-up: imports, template caches, first connection
    cleanup()
    created, usable = [], []
    for i in range(n):
        a, b = signup_once(i)
        created.append(a)
        usable.append(b)
    cleanup()
    print(f"sign-up to usable Min konto, {n} runs, in-process:")
    print(
        f"  POST /signup/ (account, pooled schema, Owner, audit, mail log): median {statistics.median(created) * 1000:.0f} ms"
    )
    print(
        f"  … + welcome link + Min konto page:                          median {statistics.median(usable) * 1000:.0f} ms"
        f"  (min {min(usable) * 1000:.0f}, max {max(usable) * 1000:.0f})"
    )


if __name__ == "__main__":
    main()
