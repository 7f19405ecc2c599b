"""The host → account lookup, cached in the worker process (issue 14).

django-tenants looks the request's host up in the database on every request. Host names and the
account fields a request reads change rarely, so each process keeps what it looked up for
TENANT_HOST_CACHE_SECONDS. A change anywhere is seen at once by every process: whoever changes an
account or a host name increments a generation number in Redis (signals on Account and Domain,
every status move, `save_fields`), and a process that reads a new number forgets everything.
With Redis unreachable the cache is bypassed: every request asks the database, as before.

Isolation does not depend on the cache: a host maps to one account's schema, and that mapping
only changes by a Domain write, which bumps the generation.

Without the cache (its first request, or Redis down) a process asks the database in one statement
(`account_of_host`) that also sets the account's search_path, where django-tenants spends three:
`SET search_path` to public, the lookup, `SET search_path` to the account.
"""

import copy
import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.postgresql_backend.base import EXTRA_SEARCH_PATHS
from django_tenants.utils import get_public_schema_name, quote_schema_name

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


def account_of_host(hostname: str) -> Account:
    """The account of `hostname` (with every field, deleted accounts included, as django-tenants
    reads it), read in one statement that also sets the connection's search_path to what
    django-tenants sets for that account. Raises Domain.DoesNotExist for an unknown host."""
    public = get_public_schema_name()
    tail = "".join(f",{quote_schema_name(name)}" for name in EXTRA_SEARCH_PATHS)
    sql = (
        f"SELECT a.*, set_config('search_path', CASE WHEN a.schema_name = %s THEN %s"
        f" ELSE quote_ident(a.schema_name) || %s END, false) AS search_path_set"
        f" FROM {quote_schema_name(public)}.{Domain._meta.db_table} d"
        f" JOIN {quote_schema_name(public)}.{Account._meta.db_table} a ON a.id = d.tenant_id"
        f" WHERE d.domain = %s"
    )
    params = [public, quote_schema_name(public) + tail, f",{quote_schema_name(public)}{tail}", hostname]
    # The statement names its tables with their schema, so the search_path that django-tenants
    # would set to public first is not needed; the statement sets the account's own instead.
    connection.search_path_set_schemas = [public]
    try:
        accounts = list(Account.all_objects.raw(sql, params))
    except BaseException:
        connection.search_path_set_schemas = None
        raise
    if not accounts:
        connection.search_path_set_schemas = None  # nothing set: the next statement sets public
        raise Domain.DoesNotExist(hostname)
    account = accounts[0]
    del account.search_path_set
    connection.host_lookup_schema = account.schema_name
    return account


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware, asking the process cache before the database, and the database
    in one statement."""

    def get_tenant(self, domain_model: type[Domain], hostname: str) -> Account:
        account = tenant_for_host(hostname)
        if account is None:
            account = account_of_host(hostname)
            tenant_remember(hostname, account)
        return account

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection.host_lookup_schema = None
        response = super().process_request(request)
        # set_tenant forgets the search_path; the lookup has set it for this very account already.
        if response is None and connection.host_lookup_schema == connection.schema_name:
            connection.search_path_set_schemas = connection._get_cursor_search_paths()
        connection.host_lookup_schema = None
        return response


for _model in (Account, Domain):
    post_save.connect(hosts_changed, sender=_model, dispatch_uid=f"host_cache.{_model.__name__}.save")
    post_delete.connect(hosts_changed, sender=_model, dispatch_uid=f"host_cache.{_model.__name__}.delete")
