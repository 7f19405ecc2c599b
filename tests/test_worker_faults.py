"""A dead worker's task runs again (acks_late): at once when the worker's child process dies
mid-task (task_reject_on_worker_lost), and on another worker after the broker's visibility
timeout when the whole worker dies. Real workers on the real Redis; the timeout is shortened to
a few seconds for the second case (production: 10 minutes, KONTO_CELERY_VISIBILITY_TIMEOUT)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


@pytest.fixture
def start_worker() -> Iterator[Callable[..., subprocess.Popen]]:  # type: ignore[type-arg]
    started: list[subprocess.Popen] = []  # type: ignore[type-arg]

    def start(name: str, **env: str) -> subprocess.Popen:  # type: ignore[type-arg]
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
                "--include=tests.slow_tasks",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={name}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the test can kill worker and children
        )
        started.append(process)
        return process

    app.control.purge()
    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def counter(client: redis.Redis, key: str) -> int:
    return int(client.get(key) or 0)


def test_prod_task_of_a_killed_worker_child_runs_again_at_once(start_worker):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    key = f"test-faults:{uuid.uuid4().hex}"
    start_worker("child-dies")
    app.send_task("tests.slow_mark", args=[key, 60])
    wait_for(lambda: counter(client, f"{key}:started") == 1, 60, "the task to start")

    # when the process running the task is killed (out of memory, a crash in a C library)
    os.kill(int(client.get(f"{key}:pid")), signal.SIGKILL)

    # then the task goes back to the queue and runs again, long before any visibility timeout
    wait_for(lambda: counter(client, f"{key}:done") == 1, 30, "the redelivered task to finish")
    assert counter(client, f"{key}:started") == 2


def test_prod_task_of_a_dead_worker_is_picked_up_by_another_after_the_visibility_timeout(start_worker):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    key = f"test-faults:{uuid.uuid4().hex}"
    short = {"KONTO_CELERY_VISIBILITY_TIMEOUT": "3"}
    start_worker("one", **short)
    start_worker("two", **short)
    app.send_task("tests.slow_mark", args=[key, 60])
    wait_for(lambda: counter(client, f"{key}:started") == 1, 60, "the task to start")

    # when the whole worker running it dies (machine lost, kill -9): nothing hands the task back
    os.killpg(os.getpgid(int(client.get(f"{key}:pid"))), signal.SIGKILL)
    killed_at = time.monotonic()

    # then the other, running worker picks it up once the visibility timeout has run out, at its
    # next sweep for orphaned tasks (every 10 s)
    wait_for(lambda: counter(client, f"{key}:done") == 1, 40, "the other worker to run the task")
    assert counter(client, f"{key}:started") == 2
    assert time.monotonic() - killed_at < 3 + 10 + 5
