"""SUB-1, SUB-4 at scale (issue 14): the public registry and policy pages are served whole from
Redis before the tenant lookup, per path, language and query; publishing empties the store; the
pages carry nothing per visitor."""

import pytest
from django.test import Client, RequestFactory

from config.page_cache import HIT_HEADER, answering_stored_pages, public_pages_clear
from conftest import PASSWORD
from subprocessors.services import registry_publish
from subprocessors.tests.conftest import entry_make, later

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    public_pages_clear()
    yield
    public_pages_clear()


@pytest.fixture
def published(accounts_ready):
    entry_make("nordhost-eu", region="EU", legal_entity="Nordhost EU ApS")
    entry_make("voip", region="ALL", group="service", legal_entity="Fonia Telecom AS")
    return registry_publish(actor="staff@example.test")


@pytest.mark.parametrize(
    "path",
    ["/subprocessors/", "/subprocessors/registry.json", "/subprocessors/feed.atom", "/subprocessors/versions/1/"],
)
def test_sub1_public_registry_is_served_whole_without_a_database_query(
    public_client, published, django_assert_num_queries, path
):
    first = public_client.get(path, HTTP_ACCEPT_LANGUAGE="da")
    assert first.status_code == 200 and HIT_HEADER not in first
    with django_assert_num_queries(0):  # no tenant lookup, no session, no registry read
        again = public_client.get(path, HTTP_ACCEPT_LANGUAGE="da")
    assert again[HIT_HEADER] == "hit" and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_sub1_language_and_region_filter_each_get_their_own_page(public_client, published):
    danish = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    norwegian = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Underdatabehandlere" in danish and "Underleverandører" in norwegian
    # the browser's language and the switcher's cookie both pick the stored page
    cookie = Client(HTTP_HOST="localhost")
    cookie.cookies["kp_language"] = "nb"
    assert "Underleverandører" in cookie.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    only_uk = public_client.get("/subprocessors/?region=UK", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Nordhost EU ApS" in danish and "Nordhost EU ApS" not in only_uk
    # a query the page does not read is served, never stored
    public_client.get("/subprocessors/?utm=x", HTTP_ACCEPT_LANGUAGE="da")
    assert HIT_HEADER not in public_client.get("/subprocessors/?utm=x", HTTP_ACCEPT_LANGUAGE="da")


def test_sub4_publishing_a_version_replaces_the_stored_page_at_once(
    public_client, published, django_capture_on_commit_callbacks
):
    assert "Later Cloud AS" not in public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    entry_make("later", region="EU", legal_entity="Later Cloud AS", start=later(60))
    with django_capture_on_commit_callbacks(execute=True):
        registry_publish(actor="staff@example.test")
    response = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da")
    assert HIT_HEADER not in response and "Later Cloud AS" in response.content.decode()


def test_sub1_public_pages_carry_no_per_visitor_token_and_set_no_cookie(public_client, published):
    for path in ("/subprocessors/", "/terms/", "/data-processing/"):
        response = public_client.get(path, HTTP_ACCEPT_LANGUAGE="da")
        assert response.status_code == 200, path
        assert "csrfmiddlewaretoken" not in response.content.decode() and not response.cookies, path
        assert public_client.get(path, HTTP_ACCEPT_LANGUAGE="da")[HIT_HEADER] == "hit", path
    # the language switcher works for a visitor without a token
    switched = Client(HTTP_HOST="localhost", enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "nb", "next": "/subprocessors/"}
    )
    assert switched.status_code == 302 and switched.cookies["kp_language"].value == "nb"


def test_sub1_logged_in_user_is_never_served_a_stored_page_and_keeps_the_csrf_check(account_a, published):
    client = Client(HTTP_HOST="alfa.localhost", enforce_csrf_checks=True)
    login = client.get("/min-konto/login/")
    token = login.cookies["csrftoken"].value
    client.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD, "csrfmiddlewaretoken": token})
    # a logged-in user's language change without the token is refused (it is saved on the user)
    assert client.post("/i18n/setlang/", {"language": "nb", "next": "/min-konto/"}).status_code == 403
    staff = Client(HTTP_HOST="localhost")
    staff.cookies["sessionid"] = "anything"
    staff.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da")
    assert HIT_HEADER not in staff.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da")


def test_sub1_stored_page_is_answered_before_django_handles_the_request(public_client, published):
    stored = public_client.get("/subprocessors/registry.json", HTTP_ACCEPT_LANGUAGE="da")

    def django(environ, start_response):
        raise AssertionError("a stored page must not reach Django")

    environ = RequestFactory().get("/subprocessors/registry.json", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="da")
    started = []
    body = answering_stored_pages(django)(environ.environ, lambda status, headers: started.append((status, headers)))
    assert started[0][0] == "200 OK" and ("Content-Type", "application/json") in started[0][1]
    assert b"".join(body) == stored.content
