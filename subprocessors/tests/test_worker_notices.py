"""SUB-4 through a real Celery worker on the real Redis broker: publishing queues the notice task
after commit, and the worker sends each notice once."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from accounts.models import MailLog
from config.celery import app
from subprocessors.models import NoticeDelivery
from subprocessors.services import (
    registry_publish,
    subscriber_confirm,
    subscriber_confirm_token,
    subscriber_subscribe,
)
from subprocessors.tests.conftest import entry_make, later

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
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
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname=registry-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_sub4_publishing_sends_notices_through_a_real_worker(worker, accounts_ready):
    entry_make("base-eu", region="EU")
    with time_machine.travel(datetime(2019, 10, 28, 9, tzinfo=UTC), tick=False):
        registry_publish(actor="staff@example.test")
    subscriber_confirm(token=subscriber_confirm_token(subscriber_subscribe(email="dpo@example.test", language="nb")))
    entry_make("newco", region="EU", legal_entity="Newco Cloud ApS", start=later(35))
    registry_publish(actor="staff@example.test")  # commits, then queues subprocessors.send_notices

    deadline = time.monotonic() + 60
    while NoticeDelivery.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert set(NoticeDelivery.objects.values_list("email", flat=True)) == {"dpo@example.test", "owner@alfa.dk"}
    notices = MailLog.objects.filter(template="subprocessors_notice")
    assert {(m.recipient, m.language) for m in notices} == {("dpo@example.test", "nb"), ("owner@alfa.dk", "da")}
