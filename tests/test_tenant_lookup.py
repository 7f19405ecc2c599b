"""Issue 14: the host → account lookup is cached in the process, and tenants still never leak; a
suspension is seen by the very next request, in this process and in every other one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import host_cache
from accounts.lifecycle import account_suspend
from conftest import PASSWORD, host_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.TENANT_HOST_CACHE_SECONDS = 30
    host_cache._hosts.clear()
    yield
    host_cache._hosts.clear()


def logged_in(account):
    client = host_client(account)
    assert client.post("/min-konto/login/", {"username": account_owner(account), "password": PASSWORD}).status_code
    return client


def account_owner(account) -> str:
    return {"alfa": "owner@alfa.dk", "bravo": "owner@bravo.no"}[account.slug]


def test_acc_isolation_cached_host_lookup_serves_each_host_its_own_account(account_a, account_b):
    client_a, client_b = logged_in(account_a), logged_in(account_b)
    for _round in range(2):  # the second round is served from the process cache
        with CaptureQueriesContext(connection) as queries:
            page_a = client_a.get("/min-konto/")
            page_b = client_b.get("/min-konto/")
        assert page_a.status_code == page_b.status_code == 200
        assert "Alfa Support ApS" in page_a.content.decode() and "Bravo" not in page_a.content.decode()
        assert "Bravo Kundeservice AS" in page_b.content.decode() and "Alfa" not in page_b.content.decode()
    # second round: no host look-up, no health-check `SELECT 1`
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not any("accounts_domain" in sql for sql in sqls)
    assert "SELECT 1" not in sqls


def test_acc5_suspension_is_seen_by_the_next_request_in_every_process(account_a, django_capture_on_commit_callbacks):
    client = logged_in(account_a)
    assert client.get("/min-konto/").status_code == 200
    # what another worker process remembers: account A as it was before the suspension
    other_process = dict(host_cache._hosts)
    with django_capture_on_commit_callbacks(execute=True):
        account_suspend(account=account_a, actor="system", reason="Trial ended without billing details (ACC-5)")
    host_cache._hosts.update(other_process)
    # the generation number moved on commit: the stale copy is not used
    response = client.get("/min-konto/")
    assert response.status_code == 403 and "prøveperiode sluttede" in response.content.decode()


def test_acc_isolation_a_moved_host_name_is_looked_up_again(account_a, account_b, django_capture_on_commit_callbacks):
    assert host_client(account_a).get("/min-konto/login/").status_code == 200
    # staff move the host name to account B (a rename, say): A's cached copy must not answer
    other_process = dict(host_cache._hosts)
    with django_capture_on_commit_callbacks(execute=True):
        domain = account_a.domains.get(domain="alfa.localhost")
        domain.tenant = account_b
        domain.save()
    host_cache._hosts.update(other_process)
    response = host_client(account_a).post(
        "/min-konto/login/", {"username": "owner@bravo.no", "password": PASSWORD}, follow=True
    )
    assert "Bravo Kundeservice AS" in response.content.decode()


def test_acc_isolation_uncached_lookup_is_one_statement_that_sets_the_accounts_search_path(
    account_a, account_b, settings
):
    """Without the cache (a process's first request, Redis down) the host is looked up in one
    statement that also sets the account's search_path: no `SET search_path` of its own, and each
    host still sees only its own account, on one connection, alternating."""
    settings.TENANT_HOST_CACHE_SECONDS = 0
    client_a, client_b = logged_in(account_a), logged_in(account_b)
    for client, own, other, schema in [
        (client_a, "Alfa", "Bravo", "acct_alfa"),
        (client_b, "Bravo", "Alfa", "acct_bravo"),
        (client_a, "Alfa", "Bravo", "acct_alfa"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/min-konto/").content.decode()
        assert own in page and other not in page
        sqls = [q["sql"] for q in queries.captured_queries]
        assert "accounts_domain" in sqls[0] and "set_config('search_path'" in sqls[0]
        assert not any(sql.startswith("SET search_path") for sql in sqls)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schemas(false)")
            assert cursor.fetchone()[0] == [schema, "public"]


def test_acc_isolation_unknown_host_is_404_and_the_next_request_gets_its_own_schema(account_a, settings):
    settings.TENANT_HOST_CACHE_SECONDS = 0
    client = logged_in(account_a)
    assert client.get("/min-konto/", HTTP_HOST="nobody.localhost").status_code == 404
    assert "Alfa Support ApS" in client.get("/min-konto/").content.decode()
