"""A per-account job through a real Celery worker on the real Redis broker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import Account
from accounts.tasks import run_job
from accounts.workspace.models import UsageSnapshot
from config.celery import app
from config.clock import today

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def celery_worker_process(transactional_db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        # the worker must read the test database this test commits to
        "KONTO_DB_NAME": connection.settings_dict["NAME"],
    }
    app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname=test-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def worker_output(process: subprocess.Popen) -> str:
    """What the worker printed, for a failing test's message (the worker is stopped to read it)."""
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return (out or "")[-4000:]


@pytest.mark.worker
def test_per_account_job_runs_in_every_account_schema_through_a_real_worker(celery_worker_process, accounts_ready):
    accounts = list(Account.objects.customers())
    assert {a.slug for a in accounts} >= {"alfa", "bravo"}
    for account in accounts:
        with tenant_context(account):
            UsageSnapshot.objects.all().delete()

    # when beat's entry point runs on the worker: it fans out one task per account
    result = run_job.delay("record_user_counts")
    dispatched = result.get(timeout=60)
    assert dispatched["counts"]["dispatched"] == len(accounts)

    # then every account's own schema gets its snapshot, written by the worker
    deadline = time.monotonic() + 60
    missing = {a.slug for a in accounts}
    while missing and time.monotonic() < deadline:
        for account in accounts:
            with tenant_context(account):
                if UsageSnapshot.objects.filter(day=today()).exists():
                    missing.discard(account.slug)
        time.sleep(0.3)
    assert not missing, f"no snapshot written in {missing}"
    for account in accounts:
        with tenant_context(account):
            UsageSnapshot.objects.all().delete()
