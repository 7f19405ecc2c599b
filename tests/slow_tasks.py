"""A task that takes its time the first time it runs, for the dead-worker tests
(tests/test_worker_faults.py); only the test workers import it (`celery worker --include`)."""

import os
import time

import redis
from celery import shared_task
from django.conf import settings


@shared_task(name="tests.slow_mark")
def slow_mark(key: str, seconds: float) -> None:
    """Count each start; the first run sleeps (long enough to be killed), a redelivery finishes."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    # The pid first: the tests read it as soon as the start is counted.
    client.set(f"{key}:pid", str(os.getpid()))
    started = client.incr(f"{key}:started")
    if started == 1:
        time.sleep(seconds)
    client.incr(f"{key}:done")
