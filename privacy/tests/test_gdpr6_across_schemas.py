"""GDPR-6 at scale (issue 14): the export reads each account source from every account schema in
one query (UNION ALL over the schemas, or one query over a public table for all accounts) and
finds exactly what a walk through each schema finds; the PDF of a person in many places prints
what is alike in every record once."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.models import SharedLoginFlag
from accounts.users.models import Role, User
from accounts.workspace.models import Invitation, LoginRecord
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.services.payment_methods import payment_method_add_paypal
from billing.subscriptions.tests.conftest import reference_data_ensure, subscribe
from core import personal_data
from core.personal_data import Scope
from privacy.links import verify_token
from privacy.models import RequestKind
from privacy.readable import MANY
from privacy.services.export import export_create, subject_data_collect
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link

pytestmark = pytest.mark.django_db
EMAIL = "owner@alfa.dk"  # the Owner of account A, and an agent in account B
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def in_two_accounts(account_a, account_b):
    with tenant_context(account_a):
        owner = User.objects.get(email=EMAIL)
        LoginRecord.objects.create(user=owner, at=T0, last_seen_at=T0, ip="2001:db8::7", network="2001:db8::/48")
    with tenant_context(account_b):
        agent = User.objects.create_user(EMAIL, None, full_name="Anne Alfa", role=Role.AGENT, language="da")
        LoginRecord.objects.create(user=agent, at=T0, last_seen_at=T0, ip="10.1.2.3", network="10.1.2.0/24")
        Invitation.objects.create(email=EMAIL, role=Role.AGENT, token="t-across", created_at=T0)
    SharedLoginFlag.objects.create(account=account_b, user_email=EMAIL, evidence=[{"ip": "10.1.2.3"}], detected_at=T0)
    return account_a, account_b


def walked(email: str, accounts, keys: set[str] | None = None) -> list[tuple[str, str, list]]:
    """What the export held before: every account source (those that read across schemas, or
    the given ones) run inside every account's schema."""
    found = []
    for source in personal_data.registered():
        wanted = source.collect_across is not None if keys is None else source.key in keys
        if source.scope == Scope.ACCOUNT and wanted:
            for account in accounts:
                with tenant_context(account):
                    records = source.collect(email)
                if records:
                    found.append((source.key, account.schema_name, records))
    return found


def test_gdpr6_export_reads_every_account_schema_at_once_and_finds_what_each_schema_holds(in_two_accounts):
    accounts = list(in_two_accounts)
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        data = subject_data_collect(EMAIL)
    across = {source.key for source in personal_data.registered() if source.collect_across is not None}
    exported = [(p["source"], p["schema"], p["records"]) for p in data["data"] if p["source"] in across]
    assert exported == walked(EMAIL, accounts)
    # the person's login, logins, invitation, account, history and flag, each where it is
    assert {(key, schema) for key, schema, _records in exported} >= {
        ("accounts.user", "acct_alfa"),
        ("accounts.user", "acct_bravo"),
        ("accounts.logins", "acct_alfa"),
        ("accounts.logins", "acct_bravo"),
        ("accounts.invitations", "acct_bravo"),
        ("accounts.account", "acct_alfa"),
        ("accounts.shared_login", "acct_bravo"),
    }
    # one statement reads the users table of both schemas
    unions = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"] and '"users_user" t ' in q["sql"]]
    assert unions and all('"acct_alfa"' in sql and '"acct_bravo"' in sql for sql in unions)


BILLING = {"billing.payment_methods", "billing.charges"}


@pytest.fixture
def pays_in_two_accounts(in_two_accounts, django_capture_on_commit_callbacks):
    """The person owns A and pays for it by card; in B, where they are an agent, B's Owner pays
    by Mastercard and then hands the bill to the person's PayPal agreement."""
    account_a, account_b = in_two_accounts
    if not Plan.objects.filter(code="team").exists():
        reference_data_ensure()
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(account_a, Plan.objects.get(code="team"))
        subscribe(account_b, Plan.objects.get(code="team"), card="5555555555554444")
        payment_method_add_paypal(account=account_b, email=EMAIL, actor="owner@bravo.no")
    assert Charge.objects.filter(account=account_a).exists() and Charge.objects.filter(account=account_b).exists()
    return account_a, account_b


def test_gdpr6_billing_sources_read_every_account_at_once_and_find_only_the_persons_payments(pays_in_two_accounts):
    account_a, account_b = pays_in_two_accounts
    connection.set_schema_to_public()
    # when the person's data is collected
    with CaptureQueriesContext(connection) as queries:
        data = subject_data_collect(EMAIL)
    places = {(p["source"], p["schema"]): p["records"] for p in data["data"] if p["source"] in BILLING}
    # then the payment methods are found in both accounts: A's card (they own A) and, in B, only
    # their own PayPal agreement — not the cards B's Owner added
    assert set(places) == {
        ("billing.payment_methods", "acct_alfa"),
        ("billing.payment_methods", "acct_bravo"),
        ("billing.charges", "acct_alfa"),
    }
    assert [(m["kind"], m["last4"]) for m in places["billing.payment_methods", "acct_alfa"]] == [("card", "4242")]
    assert [(m["kind"], m["payer_email"]) for m in places["billing.payment_methods", "acct_bravo"]] == [
        ("paypal", EMAIL)
    ]
    # and the charges are A's, none of B's (B's Owner pays for B)
    charges_a = Charge.objects.filter(account=account_a).order_by("created_at", "id")
    assert [r["amount"] for r in places["billing.charges", "acct_alfa"]] == [str(c.amount) for c in charges_a]
    assert not [p for p in data["data"] if p["source"] == "billing.charges" and p["schema"] == "acct_bravo"]
    # and the same as running each billing source inside each account's schema
    exported = [(p["source"], p["schema"], p["records"]) for p in data["data"] if p["source"] in BILLING]
    assert exported == walked(EMAIL, [account_a, account_b], BILLING)
    # and each billing table is read by one statement for all accounts, not one per account
    for table in ("subscriptions_paymentmethod", "subscriptions_charge"):
        reads = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert len(reads) == 1, (table, reads)


AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_gdpr6_export_pdf_of_many_records_prints_what_is_alike_once_and_every_value_that_differs(
    in_two_accounts, django_capture_on_commit_callbacks
):
    account_a, account_b = in_two_accounts
    # given the person logged in to B many times, always with the same browser
    ips = [f"10.1.2.{i}" for i in range(10, 10 + MANY)]
    with tenant_context(account_b):
        agent = User.objects.get(email=EMAIL)
        LoginRecord.objects.filter(user=agent).update(user_agent=AGENT)
        for i, ip in enumerate(ips):
            at = T0 + timedelta(days=i + 1)
            LoginRecord.objects.create(
                user=agent, at=at, last_seen_at=at, user_agent=AGENT, ip=ip, network="10.1.2.0/24"
            )
    with tenant_context(account_a):
        LoginRecord.objects.update(user_agent=AGENT)
    connection.set_schema_to_public()
    # when their access request is answered in Danish
    with translation.override("da"), django_capture_on_commit_callbacks(execute=True):
        request = request_file(kind=RequestKind.ACCESS, email=EMAIL, full_name="Anne Alfa", language="da")
        request = verify_by_link(token=verify_token(request))
        export = export_create(request=request, actor=None)
    with export.pdf_file.open("rb") as handle:
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(handle.read())).pages)
    logins = text[text.index("Logins") : text.index("Invitationer")]  # up to the next source
    # then the browser, the same in every login, is printed once, said to be alike in all ...
    assert "Ens for alle poster herunder:" in logins, logins
    assert re.sub(r"\s+", "", logins).count(AGENT.replace(" ", "")) == 1, logins
    # ... and every login's own address and account are there, each login one row
    assert all(re.search(rf"\b{re.escape(ip)}\b", logins) for ip in [*ips, "2001:db8::7", "10.1.2.3"]), logins
    assert logins.count("Bravo Kundeservice AS") == MANY + 1 and logins.count("Alfa Support ApS") == 1, logins
