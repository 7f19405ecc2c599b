"""GDPR-6 at scale (issue 14): the export reads each account source from every account schema in
one query (UNION ALL over the schemas) and finds exactly what a walk through each schema finds."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accounts.models import SharedLoginFlag
from accounts.users.models import Role, User
from accounts.workspace.models import Invitation, LoginRecord
from core import personal_data
from core.personal_data import Scope
from privacy.services.export import subject_data_collect

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


def walked(email: str, accounts) -> list[tuple[str, str, list]]:
    """What the export held before: every account source run inside every account's schema."""
    found = []
    for source in personal_data.registered():
        if source.scope == Scope.ACCOUNT and source.collect_across is not None:
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
