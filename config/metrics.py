"""Metrics in Prometheus' text format at /metrics on the public host.

- The web app: django-prometheus' middleware (request counts by view, method and status,
  latencies). Only its middleware and view are used: its database wrappers would replace
  django_tenants.postgresql_backend.
- Celery: every task that ends on any worker adds to counters in Redis (Celery signals, below);
  this process exports them through the same registry, so one scrape of the web app sees the
  tasks of every worker, whatever their pool or host.

Who may read it: logged-in staff, and a scraper connecting straight from an address in
KONTO_METRICS (settings.METRICS_ALLOWED). A request relayed by a proxy carries X-Forwarded-For and
never passes on its address alone: behind a local front server every client would otherwise come
from 127.0.0.1.
"""

import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import redis
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

COUNTS_KEY = "kontoportal:metrics:celery:tasks"
SECONDS_KEY = "kontoportal:metrics:celery:seconds"


_clients: dict[int, redis.Redis] = {}


def _redis() -> redis.Redis:
    """The broker's Redis (every worker and web process reaches it), one client per process: a
    forked pool child must not share its parent's sockets. Short timeouts: metrics must never
    hold up a task or a scrape."""
    pid = os.getpid()
    if pid not in _clients:
        _clients.clear()
        _clients[pid] = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
    return _clients[pid]


# --- Celery: counted where the task ran, kept in Redis ---

_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_ended(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None) if task_id else None
    name = getattr(task, "name", "unknown")
    try:
        pipe = _redis().pipeline()
        pipe.hincrby(COUNTS_KEY, f"{name}|{state or 'UNKNOWN'}", 1)
        if started is not None:
            pipe.hincrbyfloat(SECONDS_KEY, name, time.monotonic() - started)
        pipe.execute()
    except redis.RedisError:  # Redis down: the task itself has done its work; lose the count only
        log.debug("Celery metrics not recorded for %s", name)


class CeleryTaskCollector(Collector):
    def collect(self) -> Iterator[CounterMetricFamily]:
        try:
            client = _redis()
            counts = client.hgetall(COUNTS_KEY)
            seconds = client.hgetall(SECONDS_KEY)
        except redis.RedisError:
            return
        tasks = CounterMetricFamily(
            "kontoportal_celery_tasks", "Celery tasks ended on any worker, by task and state.", labels=["task", "state"]
        )
        for field, value in sorted(counts.items()):
            name, _, state = field.decode().rpartition("|")
            tasks.add_metric([name, state], float(value))
        yield tasks
        runtime = CounterMetricFamily(
            "kontoportal_celery_task_seconds", "Time spent running Celery tasks, by task.", labels=["task"]
        )
        for field, value in sorted(seconds.items()):
            runtime.add_metric([field.decode()], float(value))
        yield runtime


_celery_registry = CollectorRegistry(auto_describe=True)
_celery_registry.register(CeleryTaskCollector())


def exposition() -> bytes:
    """This process's metrics (or, with PROMETHEUS_MULTIPROC_DIR set for several gunicorn
    workers, all workers' web metrics), then the Celery counters."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        web = CollectorRegistry()
        multiprocess.MultiProcessCollector(web)
    else:
        web = REGISTRY
    return generate_latest(web) + generate_latest(_celery_registry)


# --- The endpoint ---


def _address_allowed(request: HttpRequest) -> bool:
    allowed = settings.METRICS_ALLOWED.strip()
    if not allowed or "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for entry in allowed.split(","):
        try:
            if client in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            log.warning("KONTO_METRICS: %r is not an address or network", entry)
    return False


def metrics(request: HttpRequest) -> HttpResponse:
    if settings.METRICS_ALLOWED.strip().lower() == "off":
        raise Http404
    user = getattr(request, "user", None)
    if not (user is not None and user.is_active and user.is_staff) and not _address_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
