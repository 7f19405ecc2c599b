"""BIL-11: four separate processes issuing 2,000 invoices together get the numbers 1…2,000 (after
what was there), no gap and no duplicate, although some of their issues fail mid-way."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from billing.models import DocumentCounter, DocumentKind, Invoice

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, PER_PROCESS, FAIL_EVERY = 4, 500, 50


@pytest.mark.django_db(transaction=True)
def test_bil11_concurrent_issuing_is_gapless_and_unique(accounts_ready, make_profile):
    account = accounts_ready[0]
    make_profile(account, country="DK")
    base = DocumentCounter.objects.filter(kind=DocumentKind.INVOICE).values_list("last_number", flat=True).first() or 0
    env = {
        **os.environ,
        "KONTO_DB_NAME": connection.settings_dict["NAME"],
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    start_at = time.time() + 3  # all four connected and waiting before the first issue
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "billing.tests.issue_worker",
                str(account.pk),
                str(PER_PROCESS),
                str(FAIL_EVERY),
                str(start_at),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=150)
            assert worker.returncode == 0, err[-2000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:  # never leave a process holding the test database
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    total = PROCESSES * PER_PROCESS
    sequences = sorted(Invoice.objects.filter(sequence__gt=base).values_list("sequence", flat=True))
    assert sequences == list(range(base + 1, base + total + 1))  # no gap, no duplicate
    assert sum(r["failed"] for r in results) == PROCESSES * (PER_PROCESS // (FAIL_EVERY - 1))
    assert all(r["failed"] > 0 for r in results)  # every process had failures mid-issue
    # the processes really interleaved: each one holds numbers from across the range
    assert all(max(r["issued"]) - min(r["issued"]) > total // 2 for r in results)
    assert DocumentCounter.objects.get(kind=DocumentKind.INVOICE).last_number == base + total
    assert Invoice.objects.filter(status="draft").count() == 0
