"""Bad input gets a 400 (or the form back with its error), never a 500: NUL bytes, huge or
malformed limit/offset, malformed months and ids, over-long identity fields, broken tokens."""

import json
from urllib.parse import quote

import pytest
from rest_framework.authtoken.models import Token

from privacy.models import PrivacyRequest
from subprocessors.models import Subscriber

pytestmark = pytest.mark.django_db

NUL_MESSAGE_DA = "Forespørgslen indeholder tegn, der ikke er tilladt (en NUL-byte)."
TOKEN_ROUTES = [
    "/subprocessors/unsubscribe/{}/",
    "/subprocessors/subscribe/confirm/{}/",
    "/subprocessors/owner-opt-out/{}/",
    "/privacy/download/{}/json/",
    "/privacy/verify/{}/",
    "/unsubscribe/{}/",
]


@pytest.fixture
def api(public_client, staff_user):  # type: ignore[no-untyped-def]
    token = Token.objects.create(user=staff_user)
    public_client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return public_client


@pytest.mark.parametrize("route", TOKEN_ROUTES)
def test_nul_byte_in_a_token_link_is_a_translated_400(public_client, route):
    response = public_client.get(route.format("abc%00def"), HTTP_ACCEPT_LANGUAGE="da")

    assert response.status_code == 400
    assert NUL_MESSAGE_DA in response.content.decode()


@pytest.mark.parametrize("route", TOKEN_ROUTES)
@pytest.mark.parametrize("token", ["x" * 5000, "æøå\U0001f4a9", "a.b:c", "-" * 3, "eyJ"])
def test_malformed_token_gives_the_link_not_valid_page(public_client, route, token):
    response = public_client.get(route.format(quote(token, safe="")), HTTP_ACCEPT_LANGUAGE="da")

    assert response.status_code in {400, 404}
    assert "<html" in response.content.decode().lower()


def test_nul_byte_in_a_query_string_or_form_body_is_a_400_and_changes_nothing(public_client):
    assert public_client.get("/subprocessors/?region=EU%00").status_code == 400
    response = public_client.post(
        "/privacy/request/",
        {"kind": "access", "full_name": "Kari\x00Nordmann", "email": "kari@example.org", "role": "controller"},
    )
    assert response.status_code == 400
    assert not PrivacyRequest.objects.exists()


def test_nul_byte_in_an_api_json_body_is_a_400_json_error(api, account_a):
    response = api.post(
        f"/api/v1/accounts/{account_a.pk}/suspend/",
        json.dumps({"reason": "breach\x00"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="da",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE_DA}
    account_a.refresh_from_db()
    assert account_a.status == "trial"


@pytest.mark.parametrize("query", ["status=%00", "account=alfa%00", "limit=1%00"])
def test_nul_byte_in_an_api_filter_is_a_400(api, query):
    assert api.get(f"/api/v1/payments/?{query}").status_code == 400


def test_huge_limit_is_capped_and_served(api):
    response = api.get("/api/v1/accounts/?limit=99999999999999999999")

    assert response.status_code == 200
    assert {"alfa", "bravo"} <= {row["slug"] for row in response.json()["results"]}


@pytest.mark.parametrize("query", ["limit=abc", "limit=-5", "limit=0", "offset=-1", "offset=1.5", "offset=99999999999"])
def test_malformed_limit_or_offset_is_a_400_naming_the_parameter(api, query):
    response = api.get(f"/api/v1/accounts/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


@pytest.mark.parametrize("month", ["2026-99", "abc", "2026-02-30", "99999999999999999999"])
def test_malformed_month_in_the_usage_filter_is_a_400(api, month):
    response = api.get(f"/api/v1/usage/?over=1&month={month}")

    assert response.status_code == 400
    assert "month" in response.json()


def test_well_formed_month_still_lists_the_candidates(api):
    assert api.get("/api/v1/usage/?over=1&month=2026-05-01").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/accounts/99999999999999999999/", "/api/v1/accounts/abc/"])
def test_huge_or_malformed_id_is_a_404_not_a_500(api, path):
    assert api.get(path).status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "a" * 250 + "@example.org"), ("full_name", "K" * 201), ("details", "x" * 5001)],
)
def test_over_long_identity_field_on_the_privacy_form_is_a_form_error(public_client, field, value):
    data = {"kind": "access", "full_name": "Kari Nordmann", "email": "kari@example.org", "role": "controller"}
    data[field] = value

    response = public_client.post("/privacy/request/", data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PrivacyRequest.objects.exists()


def test_over_long_address_on_the_registry_subscribe_form_is_a_form_error(public_client):
    response = public_client.post("/subprocessors/subscribe/", {"email": "a" * 300 + "@example.org"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("host", "path", "field"),
    [
        ("account", "/min-konto/login/", "username"),
        ("public", "/admin/login/", "username"),
        ("public", "/api/v1/auth/token/", "username"),
    ],
)
def test_a_300_character_username_is_a_failed_login_not_a_500(public_client, client_a, host, path, field):
    client = client_a if host == "account" else public_client
    client.raise_request_exception = True

    response = client.post(path, {field: "a" * 300 + "@example.org", "password": "wrong"})

    assert response.status_code in {200, 400}


@pytest.mark.parametrize(
    ("host", "route"),
    [("public", route) for route in TOKEN_ROUTES]
    + [
        ("account", route)
        for route in ["/min-konto/welcome/{}/", "/min-konto/confirm/{}/", "/min-konto/invitation/{}/"]
    ],
)
def test_token_routes_refuse_a_nul_byte_themselves_even_without_the_guard(
    public_client, client_a, settings, host, route
):
    # Defence in depth: each token route checks its token before the database sees it.
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if "bad_input" not in name]
    client = client_a if host == "account" else public_client
    client.raise_request_exception = True

    response = client.get(route.format("abc%00def"), HTTP_ACCEPT_LANGUAGE="da")

    assert response.status_code in {302, 400, 404}
