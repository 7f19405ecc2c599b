"""Staff erase a person's data from the desk (GDPR-10, GDPR-8): open the request, see what the
erasure will touch, confirm, and see the outcome — in da and nb, with screenshots of each page
(var/test-artifacts/erasure-*). The held case is pictured too: the only Owner of an account in use."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import AccountStatus
from accounts.services import schema_name_for
from accounts.users.models import Role, User
from config.celery import app
from conftest import PASSWORD
from privacy.audit import request_trail
from privacy.links import verify_token
from privacy.models import AuditAction, PrivacyRequest, RequestKind, RequestStatus
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link
from privacy.tasks import erasure_task
from tests.acc_helpers import make_account
from tests.browser import chromium, host_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"

CASES = [
    {
        "language": "da",
        "locale": "da-DK",
        "email": "sofie.jensen@example.org",
        "name": "Sofie Jensen",
        "erase": "Slet oplysningerne overalt",
        "preview": "Hvad sletningen vil gøre",
        "confirm": "Bekræft sletningen",
        "done": "Dine personoplysninger er slettet.",
        "held": "I bero: en konto ville stå uden ejer",
    },
    {
        "language": "nb",
        "locale": "nb-NO",
        "email": "ola.nordmann@example.org",
        "name": "Ola Nordmann",
        "erase": "Slett opplysningene overalt",
        "preview": "Hva slettingen vil gjøre",
        "confirm": "Bekreft slettingen",
        "done": "Personopplysningene dine er slettet.",
        "held": "På vent: en konto ville stå uten eier",
    },
]


@pytest.fixture
def held_account(accounts_ready) -> Iterator[Callable[[str], None]]:  # type: ignore[no-untyped-def]
    """An account in use whose only user is its Owner. Committed (live server), so its schema is
    dropped afterwards: a transactional flush empties tables, never drops a schema."""
    made: list[str] = []

    def make(slug: str) -> None:
        _drop(schema_name_for(slug))
        make_account(slug, owner_email=f"owner@{slug}.example", status=AccountStatus.ACTIVE)
        made.append(schema_name_for(slug))

    yield make
    for schema in made:
        _drop(schema)


def _drop(schema: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _verified(email: str, name: str, language: str) -> PrivacyRequest:
    request = request_file(kind=RequestKind.ERASURE, email=email, full_name=name, language=language)
    return verify_by_link(token=verify_token(request))


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("case", CASES, ids=[c["language"] for c in CASES])
def test_gdpr10_staff_see_the_erasure_preview_confirm_and_see_the_outcome(
    live_server, account_a, staff_user, held_account, case
):
    lang = case["language"]
    with tenant_context(account_a):
        User.objects.create_user(case["email"], "pw-123456789", full_name=case["name"], role=Role.AGENT)
    request = _verified(case["email"], case["name"], lang)
    held = _verified(f"owner@held-{lang}.example", "Olga Owner", lang)
    held_account(f"held-{lang}")

    with chromium() as browser:
        page = browser.new_page(locale=case["locale"], viewport={"width": 1200, "height": 900})
        page.goto(host_url(live_server.url, "localhost", "/admin/login/?next=/admin/"))
        page.fill("#id_username", staff_user.email)
        page.fill("#id_password", PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/")

        # staff open the request and ask for the erasure: a preview, nothing erased yet
        page.goto(host_url(live_server.url, "localhost", f"/admin/privacy/privacyrequest/{request.pk}/change/"))
        _shot(page, f"erasure-1-request-{lang}")
        page.get_by_role("link", name=case["erase"]).click()
        page.wait_for_url("**/erasure/")
        assert page.get_by_role("heading", name=case["preview"]).is_visible()
        assert page.locator("#erasure-impact").get_by_text("Alfa Support ApS").first.is_visible()
        _shot(page, f"erasure-2-preview-{lang}")
        with tenant_context(account_a):
            assert User.objects.filter(email=case["email"]).exists()

        # they confirm: the request's page says the erasure is running, and nothing is erased yet
        page.get_by_role("button", name=case["confirm"]).click()
        page.wait_for_url(f"**/admin/privacy/privacyrequest/{request.pk}/change/")
        assert page.locator("#privacy-running").is_visible()
        _shot(page, f"erasure-3-running-{lang}")
        with tenant_context(account_a):
            assert User.objects.filter(email=case["email"]).exists()

        # the worker runs the queued task (here: taken off the broker and run in this process);
        # the page reloads by itself and shows the outcome
        app.control.purge()
        erasure_task.apply(args=[request.pk, staff_user.pk, []]).get()
        page.get_by_text(case["done"]).first.wait_for(timeout=15000)
        assert not page.locator("#privacy-running").count()
        _shot(page, f"erasure-4-outcome-{lang}")

        # the only Owner of an account in use: held, with the options
        page.goto(host_url(live_server.url, "localhost", f"/admin/privacy/privacyrequest/{held.pk}/erasure/"))
        assert page.get_by_role("heading", name=case["held"]).is_visible()
        _shot(page, f"erasure-5-held-{lang}")

    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    with tenant_context(account_a):
        assert not User.objects.filter(email=case["email"]).exists()
    actions = list(request_trail(request).values_list("action", flat=True))
    assert AuditAction.ERASURE_PREVIEWED in actions and AuditAction.ERASURE_CONFIRMED in actions
