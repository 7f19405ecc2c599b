"""The staff console: one page per customer, a global search, today's queue; staff only."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.lifecycle import account_suspend
from accounts.models import Account, AccountStatus, CancellationRequest, MailLog
from accounts.users.models import User
from billing.models import Invoice
from billing.subscriptions.dashboard import dashboard
from billing.subscriptions.models import Plan
from billing.subscriptions.tests.conftest import plans, subscribe  # noqa: F401 (a fixture)
from config.clock import now
from core.transitions import transition
from privacy.models import PrivacyRequest, RequestKind, RequestStatus
from tests.acc_helpers import make_account

pytestmark = pytest.mark.django_db


def staff_client(staff_user, language: str = "da") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def paying_account(slug: str, plans: dict[str, Plan]) -> tuple[Account, Invoice]:  # noqa: F811
    account = make_account(slug, owner_email=f"ingrid@{slug}.example")
    subscribe(account, plans["team"], seats=2, cycle="monthly")
    MailLog.objects.create(
        created_at=now(),
        recipient=f"ingrid@{slug}.example",
        template="billing/receipt",
        language="da",
        subject="Kvittering for din betaling",
        body="…",
        account=account,
    )
    return account, Invoice.objects.get(account=account)


def test_staff_global_search_finds_an_account_by_an_invoice_number_and_by_a_users_email(
    staff_user,
    plans,  # noqa: F811
) -> None:
    account, invoice = paying_account("searchable", plans)
    make_account("bystander")
    client = staff_client(staff_user)

    by_number = client.get("/admin/console/search/", {"q": invoice.number}).content.decode()
    by_user = client.get("/admin/console/search/", {"q": "ingrid@searchable.example"}).content.decode()
    nothing = client.get("/admin/console/search/", {"q": "nobody@nowhere.example"}).content.decode()

    page_link = f"/admin/console/account/{account.pk}/"
    assert invoice.number and page_link in by_number and "Bystander" not in by_number
    assert page_link in by_user and "Bystander" not in by_user
    assert page_link not in nothing and "Intet fundet." in nothing


def test_acc_staff_search_finds_users_in_every_account_with_one_statement_per_200_schemas(staff_user) -> None:
    """Issue 14: the search reads every live account's users by UNION ALL (core.across), not by
    switching into the first 200 schemas: an account created after 250 others is found too."""
    make_account("early", owner_email="kari@early.example")
    Account.objects.bulk_create(  # accounts whose schema is not there (yet, or any more): skipped
        [
            Account(schema_name=f"acct_noschema{i:03d}", name=f"No schema {i}", slug=f"noschema{i:03d}")
            for i in range(250)
        ]
    )
    late = make_account("late", owner_email="kari@late.example")
    client = staff_client(staff_user)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/console/search/", {"q": "kari@"}).content.decode()

    assert f"/admin/console/account/{late.pk}/" in page and "kari@late.example" in page
    assert "kari@early.example" in page
    user_reads = [q["sql"] for q in queries if "users_user" in q["sql"] and "ILIKE" in q["sql"]]
    assert len(user_reads) == 1  # the 2 schemas that exist (of 252 accounts + the test accounts) in one statement
    assert not any(q["sql"].startswith("SET search_path") for q in queries[1:])  # no switch per account


def test_staff_today_queue_lists_an_overdue_privacy_request_and_a_cancellation_past_its_deadline(staff_user) -> None:
    account = make_account("queued")
    today = timezone.localdate()
    overdue = PrivacyRequest.objects.create(
        kind=RequestKind.ACCESS,
        status=RequestStatus.OPEN,
        email="person@queued.example",
        full_name="Person Queued",
        received_at=now() - timedelta(days=40),
        due_on=today - timedelta(days=3),
        account=account,
    )
    later = PrivacyRequest.objects.create(
        kind=RequestKind.ACCESS,
        status=RequestStatus.OPEN,
        email="later@queued.example",
        full_name="Person Later",
        received_at=now(),
        due_on=today + timedelta(days=25),
    )
    CancellationRequest.objects.create(
        account=account,
        received_at=now() - timedelta(days=3),
        sender="boss@queued.example",
        logged_by="staff@kontoportal.test",
        confirm_by=now() - timedelta(days=2),
    )

    page = staff_client(staff_user).get("/admin/console/today/").content.decode()

    privacy = page.split('id="privacy"')[1].split('id="cancellations"')[0]
    cancellations = page.split('id="cancellations"')[1].split('id="dunning"')[0]
    assert overdue.reference in privacy and "overskredet" in privacy and later.reference not in privacy
    assert "boss@queued.example" in cancellations and "overskredet" in cancellations
    assert f"/admin/console/account/{account.pk}/" in cancellations


def test_bil_dashboard_trial_conversion_is_converted_over_ended(staff_user) -> None:
    start = datetime(2031, 5, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        trials = [make_account(f"trial{i}", status=AccountStatus.TRIAL) for i in range(5)]
    with time_machine.travel(start + timedelta(days=10), tick=False):
        transition(trials[0], to=AccountStatus.ACTIVE, actor="system", reason="paid")
        transition(trials[1], to=AccountStatus.CANCELLED, actor="system", reason="trial ran out")

    with time_machine.travel(start + timedelta(days=20), tick=False):
        data = dashboard(start=date(2031, 5, 1), end=date(2031, 5, 31))
        page = staff_client(staff_user).get(
            "/admin/subscriptions/subscription/dashboard/", {"start": "2031-05-01", "end": "2031-05-31"}
        )

    assert data.series[3].bars[0].value == 5  # trials started: not the denominator
    assert (data.trials_converted, data.trials_ended) == (1, 2)
    figure = page.content.decode().split('id="trial-conversion"')[1].split("</td>")[0]
    assert "50,0 %" in figure and "1 af 2 prøveperioder, der sluttede i perioden" in figure


@pytest.mark.parametrize(
    ("language", "invoices", "mails", "history"),
    [
        ("da", "Fakturaer og kreditnotaer", "Sendte e-mails", "Historik"),
        ("nb", "Fakturaer og kreditnotaer", "Sendte e-poster", "Historikk"),
    ],
)
def test_staff_customer_page_shows_invoices_mails_and_history_in_da_and_nb(
    staff_user,
    plans,  # noqa: F811
    language: str,
    invoices: str,
    mails: str,
    history: str,
) -> None:
    account, invoice = paying_account("filed", plans)
    account_suspend(account=account, actor=staff_user, reason="Spam", notify=False)

    page = staff_client(staff_user, language).get(f"/admin/console/account/{account.pk}/").content.decode()

    assert invoices in page and invoice.number in page
    assert mails in page and "Kvittering for din betaling" in page
    assert history in page and "Spam" in page and "status:" not in page
    change = staff_client(staff_user, language).get(f"/admin/accounts/account/{account.pk}/change/").content.decode()
    assert f"/admin/console/account/{account.pk}/" in change


def test_staff_console_refuses_a_non_staff_user(account_a: Account) -> None:
    user, _ = User.objects.get_or_create(email="plain@kontoportal.test", defaults={"full_name": "Plain"})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for url in ("/admin/console/today/", "/admin/console/search/?q=a", f"/admin/console/account/{account_a.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
