"""Schemathesis over the staff API, in-process (WSGI), authenticated as staff with a token.

Every operation of the OpenAPI schema gets a bounded number of generated requests: valid ones,
invalid ones (wrong types, NUL bytes, huge numbers, malformed dates and ids) and valid ones aimed
at an object that exists. None may answer with a server error. Each request runs in a savepoint
that is rolled back, so one request's writes never change what the next one meets.
"""

import re

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from conftest import host_client
from privacy.demo import processing_records_ensure
from privacy.services.intake import request_file

# Enough to reach the odd corners of each parameter, small enough to keep the whole run under
# ~90 s on the 2-core machine (about 50 operations).
EXAMPLES_PER_OPERATION = 20
# What the generators rarely hit on their own: the inputs behind the server errors once found
# (a limit beyond bigint, %00 in a filter, month 2026-99), sent in every query and path parameter.
HOSTILE = ["99999999999999999999", "-1", "a\x00b", "2026-99", "abc", "x" * 5000, "\u202e\U0001f4a9\ufeff"]
ITEM_PATH = re.compile(r"^(?P<collection>/api/v1/.+?/)\{(?P<key>\w+)\}/")


class _RolledBack(Exception):
    pass


def _keep_test_connection() -> None:
    """As Django's test client does: the WSGI handler would otherwise close the connection that
    holds the test's transaction at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture
def api_schema(staff_user, accounts_ready):  # type: ignore[no-untyped-def]
    # Something to find behind the item routes: accounts exist; add plans, a request, records.
    call_command("load_billing_data", verbosity=0)
    processing_records_ensure()
    request_file(kind="access", email="fuzz@example.org", full_name="Fuzz Person", language="da")
    token = Token.objects.create(user=staff_user)
    headers = {"Authorization": f"Token {token.key}"}
    _keep_test_connection()
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), headers=headers)
        yield schema, headers
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _existing_key(path: str, headers: dict[str, str]) -> dict[str, str]:
    """The key of the first object the collection lists, to aim some requests at a real item."""
    match = ITEM_PATH.match(path)
    if not match:
        return {}
    response = host_client(None).get(match["collection"], HTTP_AUTHORIZATION=headers["Authorization"])
    # Django's test client connects the connection-closing handler again on its way out.
    _keep_test_connection()
    rows = response.json().get("results", []) if response.status_code == 200 else []
    key = match["key"]
    return {key: str(rows[0][key])} if rows and key in rows[0] else {}


def _fuzz(operation, strategy, examples: int, headers: dict[str, str], failures: list[str]) -> None:  # type: ignore[no-untyped-def]
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @given(case=strategy)
    def run(case):  # type: ignore[no-untyped-def]
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                raise _RolledBack
        except _RolledBack:
            pass
        except Exception as exc:  # noqa: BLE001 - an error raised through the WSGI app
            failures.append(f"{operation.method.upper()} {operation.path} {case.query}: {exc!r}"[:600])
            return
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except (AssertionError, BaseExceptionGroup):  # schemathesis' FailureGroup; reported together
            failures.append(
                f"{operation.method.upper()} {case.formatted_path} query={case.query!r} body={case.body!r}"[:600]
                + f" -> {response.status_code}"
            )

    run()


def test_api_staff_api_never_answers_with_a_server_error(api_schema):  # type: ignore[no-untyped-def]
    schema, headers = api_schema
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        if operation.path.endswith("/auth/token/"):
            continue  # generated credentials would only exercise the login lockout
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if known := _existing_key(operation.path, headers):
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
        _fuzz(operation, st.one_of(strategies), EXAMPLES_PER_OPERATION, headers, failures)
        # Each hostile value once in each query and path parameter the operation declares.
        for parameter in operation.definition.raw.get("parameters", []):
            where = {"query": "query", "path": "path_parameters"}.get(parameter.get("in"))
            for value in HOSTILE if where else []:
                strategy = operation.as_strategy(GenerationMode.POSITIVE, **{where: {parameter["name"]: value}})
                _fuzz(operation, strategy, 1, headers, failures)
    assert not failures, "\n\n".join(failures[:20])
