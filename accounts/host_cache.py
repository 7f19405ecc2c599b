"""The host → account lookup, cached in the worker process (issue 14).

django-tenants looks the request's host up in the database on every request. Host names and the
account fields a request reads change rarely, so each process keeps what it looked up for
TENANT_HOST_CACHE_SECONDS. A change anywhere is seen at once by every process: whoever changes an
account or a host name increments a generation number in Redis (signals on Account and Domain,
every status move, `save_fields`), and a process that reads a new number forgets everything.
With Redis unreachable the cache is bypassed: every request asks the database, as before.

Isolation does not depend on the cache: a host maps to one account's schema, and that mapping
only changes by a Domain write, which bumps the generation.
"""

import copy
import time
from typing import Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tenants.middleware.main import TenantMainMiddleware

from accounts.models import Account, Domain
from config.redis_client import redis_client
from core.transitions import Change, reacts_to

GENERATION_KEY = "kontoportal:tenant-hosts:generation"

_hosts: dict[str, tuple[float, Account]] = {}
_state: dict[str, Any] = {"generation": None}


def _bump() -> None:
    _hosts.clear()
    try:
        redis_client().incr(GENERATION_KEY)
    except redis.RedisError:
        pass  # other processes then bypass their cache (they cannot read the generation either)


def hosts_changed(**_kwargs: Any) -> None:
    """An account or host name changed: forget it in this process now and in every process once
    the change is committed (before that, another process may still read the old row anyway)."""
    _hosts.clear()
    transaction.on_commit(_bump)


@reacts_to(Account)
def account_moved(change: Change) -> None:
    """Every status move (suspension, closure …): AccountAccessMiddleware reads request.tenant."""
    hosts_changed()


def _generation() -> bytes | None:
    try:
        return redis_client().get(GENERATION_KEY) or b"0"
    except redis.RedisError:
        return None


def tenant_for_host(hostname: str) -> Account | None:
    """The cached account of `hostname`, or None when the database must be asked."""
    if settings.TENANT_HOST_CACHE_SECONDS <= 0:
        return None
    generation = _generation()
    if generation is None:
        return None
    if generation != _state["generation"]:
        _hosts.clear()
        _state["generation"] = generation
    hit = _hosts.get(hostname)
    if hit is None or hit[0] < time.monotonic():
        return None
    return copy.copy(hit[1])  # a request may change its own copy (save_fields sets attributes)


def tenant_remember(hostname: str, account: Account) -> None:
    if settings.TENANT_HOST_CACHE_SECONDS > 0 and _state["generation"] is not None:
        _hosts[hostname] = (time.monotonic() + settings.TENANT_HOST_CACHE_SECONDS, copy.copy(account))


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware, asking the process cache before the database."""

    def get_tenant(self, domain_model: type[Domain], hostname: str) -> Account:
        account = tenant_for_host(hostname)
        if account is None:
            account = super().get_tenant(domain_model, hostname)
            tenant_remember(hostname, account)
        return account


for _model in (Account, Domain):
    post_save.connect(hosts_changed, sender=_model, dispatch_uid=f"host_cache.{_model.__name__}.save")
    post_delete.connect(hosts_changed, sender=_model, dispatch_uid=f"host_cache.{_model.__name__}.delete")
