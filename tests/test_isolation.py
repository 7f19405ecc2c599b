"""Tenants never leak: one account's rows and sessions are invisible from another's host."""

from django.test import Client
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from conftest import PASSWORD, host_client


def test_row_created_in_account_a_is_invisible_in_account_b(account_a, account_b):
    # given a user that exists only in A's schema
    with tenant_context(account_a):
        User.objects.create_user("agent@alfa.dk", PASSWORD, full_name="Alfa Agent", role=Role.AGENT)
    # then B's schema does not know it
    with tenant_context(account_b):
        assert not User.objects.filter(email="agent@alfa.dk").exists()
    # and it cannot log in on B's host
    response = host_client(account_b).post("/min-konto/login/", {"username": "agent@alfa.dk", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_session_cookie_of_account_a_does_not_authenticate_on_b(account_a, account_b, client_a: Client):
    # given an owner logged in on A's host
    response = client_a.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD})
    assert response.status_code == 302
    assert client_a.get("/min-konto/").status_code == 200
    session_cookie = client_a.cookies["sessionid"]
    # the cookie is host-only: no Domain attribute, so the browser never sends it to B
    assert session_cookie["domain"] == ""
    # when the same session id is presented to B's host anyway
    client_b = host_client(account_b)
    client_b.cookies["sessionid"] = session_cookie.value
    response = client_b.get("/min-konto/")
    # then B does not know the session: back to B's login page
    assert response.status_code == 302
    assert response["Location"].startswith("/min-konto/login/")


def test_min_konto_pages_do_not_exist_on_the_public_host(public_client):
    # The bare address only points the visitor to "Find my account" (issue 16); no Min konto page
    # answers on the public host.
    response = public_client.get("/min-konto/")
    assert response.status_code == 302 and response["Location"] == "/find-account/"
    assert public_client.get("/min-konto/login/").status_code == 404


def test_staff_admin_on_account_host_is_404(client_a):
    assert client_a.get("/admin/").status_code == 404
    assert client_a.get("/admin/login/").status_code == 404
    assert client_a.get("/api/v1/").status_code == 404


def test_unknown_host_gets_a_404_page_not_a_crash(accounts_ready):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    assert b"<html" in response.content


def test_cache_keys_are_separate_per_account(account_a, account_b):
    from django.core.cache import cache

    with tenant_context(account_a):
        cache.set("greeting", "hej fra alfa")
    with tenant_context(account_b):
        assert cache.get("greeting") is None
    with tenant_context(account_a):
        assert cache.get("greeting") == "hej fra alfa"
        cache.delete("greeting")
