"""/metrics on the public host: request counters of the web app and the Celery task counters of
every worker, for staff and for a scraper connecting straight from an allowed address, never for
anyone else, and never on the strength of an address a proxy relayed."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.tasks import run_job

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    for line in text.splitlines():
        match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match.group(3))
    return 0.0


def test_prod_metrics_count_requests_for_a_scraper_on_an_allowed_address(public_client):
    before = public_client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    public_client.get("/subprocessors/")
    public_client.get("/no-such-page/")

    response = public_client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    # the two requests above, and the first scrape, are counted
    got = sample(text, "django_http_requests_total_by_method_total", method="GET")
    assert got >= sample(before, "django_http_requests_total_by_method_total", method="GET") + 3
    assert sample(text, "django_http_responses_total_by_status_total", status="404") >= 1
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text


def test_prod_metrics_are_refused_to_the_public_and_to_relayed_requests(public_client, settings):
    # an outside address
    assert public_client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 403
    # the front server on this machine relays every client from 127.0.0.1, with X-Forwarded-For
    assert public_client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 403
    # a network allowed in KONTO_METRICS
    settings.METRICS_ALLOWED = "10.0.0.0/8"
    assert public_client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert public_client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    # switched off
    settings.METRICS_ALLOWED = "off"
    assert public_client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404


def test_prod_metrics_are_served_to_staff_from_anywhere_but_not_on_account_hosts(public_client, client_a, staff_user):
    public_client.force_login(staff_user)
    assert public_client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client_a.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_prod_metrics_count_celery_tasks_by_name_and_state(public_client):
    def tasks(state: str) -> float:
        text = public_client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
        return sample(text, "kontoportal_celery_tasks_total", task="accounts.run_job", state=state)

    ok, failed = tasks("SUCCESS"), tasks("FAILURE")
    # run in this process the way a worker runs it (the signals fire the same); a public job
    run_job.apply(args=["subprocessor_notices"])
    run_job.apply(args=["no_such_job"])  # KeyError in the task: a failure
    connection.set_schema_to_public()

    assert tasks("SUCCESS") == ok + 1
    assert tasks("FAILURE") == failed + 1


REQUESTS = r"""
import sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
for _ in range(int(sys.argv[1])):
    assert client.get("/subprocessors/").status_code == 200
if len(sys.argv) > 2:
    print(client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode())
"""


@pytest.mark.django_db(transaction=True)
def test_prod_metrics_add_up_the_requests_of_every_gunicorn_worker(accounts_ready, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "KONTO_DB_NAME": connection.settings_dict["NAME"],
        # what the web service sets for several gunicorn workers (README, "Metrics")
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }

    def web_process(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", REQUESTS, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    # two worker processes serve three pages each; a third answers the scrape
    web_process("3")
    web_process("3")
    text = web_process("0", "scrape")

    assert sample(text, "django_http_requests_total_by_method_total", method="GET") == 3 + 3 + 1
    assert "kontoportal_celery_tasks_total" in text
