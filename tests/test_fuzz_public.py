"""Fuzz (hypothesis) over every public form and token route, on the public host and on an
account host: NUL bytes, huge numbers, bad dates, 5,000-character strings and odd unicode in
paths, query strings and form fields never produce a server error."""

from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import host_client

pytestmark = pytest.mark.django_db

HOSTILE = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "99999999999999999999",
        "-1",
        "1e309",
        "2026-99-01",
        "2026-02-30",
        "x" * 5000,
        "é" * 5000,
        "\u202e\U0001f4a9\ufeff\u0301",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%s%n{0}",
        "",
    ]
)
VALUES = st.one_of(HOSTILE, st.text(max_size=80), st.integers().map(str))
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PUBLIC_PAGES = [
    "/",
    "/terms/",
    "/policies/terms/",
    "/policies/data-processing/",
    "/data-processing/",
    "/subprocessors/",
    "/subprocessors/registry.json",
    "/subprocessors/feed.atom",
    "/subprocessors/subscribe/",
    "/privacy/request/",
    "/privacy/request/written/",
    "/signup/",
    "/find-account/",
]
PUBLIC_TOKEN_ROUTES = [
    "/subprocessors/unsubscribe/{}/",
    "/subprocessors/subscribe/confirm/{}/",
    "/subprocessors/owner-opt-out/{}/",
    "/subprocessors/versions/{}/",
    "/policies/terms/{}/",
    "/privacy/download/{}/json/",
    "/privacy/download/{}/pdf/",
    "/privacy/verify/{}/",
    "/privacy/request/{}/",
    "/unsubscribe/{}/",
]
ACCOUNT_PAGES = ["/min-konto/login/", "/min-konto/reset/", "/min-konto/reset/sent/"]
ACCOUNT_TOKEN_ROUTES = [
    "/min-konto/welcome/{}/",
    "/min-konto/confirm/{}/",
    "/min-konto/invitation/{}/",
    "/min-konto/reset/{}/set-password/",
    "/min-konto/reset/MQ/{}/",
]
FORMS = {
    "/privacy/request/": ["kind", "full_name", "email", "role", "company", "portability_target", "details"],
    "/privacy/request/written/": [
        "company",
        "full_name",
        "email",
        "processor_name",
        "details",
        "signature_name",
        "signature_confirmed",
    ],
    "/subprocessors/subscribe/": ["email"],
    "/find-account/": ["email"],
}
ACCOUNT_FORMS = {"/min-konto/login/": ["username", "password"], "/min-konto/reset/": ["email"]}


class _RolledBack(Exception):
    pass


def _status(send) -> int:  # type: ignore[no-untyped-def]
    """One request in a savepoint that is rolled back: every example starts from the same data."""
    client_response = []
    try:
        with transaction.atomic():
            client_response.append(send())
            raise _RolledBack
    except _RolledBack:
        pass
    return client_response[0].status_code


@pytest.fixture
def clients(accounts_ready):  # type: ignore[no-untyped-def]
    public, account = host_client(None), host_client(accounts_ready[0])
    for client in (public, account):
        client.raise_request_exception = True  # a server error fails the test with its traceback
    return public, account


@FUZZ
@given(data=st.data())
def test_fuzz_public_and_account_pages_with_odd_query_strings_never_fail(clients, data):
    public, account = clients
    client, path = data.draw(
        st.sampled_from([(public, p) for p in PUBLIC_PAGES] + [(account, p) for p in ACCOUNT_PAGES])
    )
    query = data.draw(st.dictionaries(st.sampled_from(["kind", "region", "page", "next", "q", "lang"]), VALUES))

    assert _status(lambda: client.get(f"{path}?{urlencode(query)}")) < 500


@FUZZ
@given(data=st.data())
def test_fuzz_token_routes_never_fail(clients, data):
    public, account = clients
    client, route = data.draw(
        st.sampled_from([(public, r) for r in PUBLIC_TOKEN_ROUTES] + [(account, r) for r in ACCOUNT_TOKEN_ROUTES])
    )
    token = data.draw(VALUES.filter(lambda value: value not in {"", ".", ".."}))

    assert _status(lambda: client.get(route.format(quote(token, safe="")))) < 500
    assert _status(lambda: client.post(route.format(quote(token, safe="")))) < 500


@FUZZ
@given(data=st.data())
def test_fuzz_public_forms_never_fail(clients, data):
    public, account = clients
    client, path, fields = data.draw(
        st.sampled_from(
            [(public, p, f) for p, f in FORMS.items()] + [(account, p, f) for p, f in ACCOUNT_FORMS.items()]
        )
    )
    body = {name: data.draw(VALUES) for name in fields}

    assert _status(lambda: client.post(path, body)) < 500
