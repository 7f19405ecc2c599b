"""GDPR-6: login records, invitations and registry subscriptions are part of a person's export
and are erased with it."""

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from accounts.workspace.models import Invitation, LoginRecord
from conftest import PASSWORD
from privacy import registry
from privacy.services.export import subject_data_collect
from subprocessors.models import Subscriber

EMAIL = "kari@example.no"


def _by_source(data: dict) -> dict[tuple[str, str], list[dict]]:
    return {(place["source"], place["schema"]): place["records"] for place in data["data"]}


def test_gdpr6_login_records_invitations_and_subscriptions_are_exported_and_erased(account_a, account_b):
    at = timezone.now()
    with tenant_context(account_a):
        user = User.objects.create_user(EMAIL, PASSWORD, full_name="Kari Nordmann", role=Role.AGENT)
        LoginRecord.objects.create(
            user=user,
            at=at,
            last_seen_at=at,
            device_id="d1",
            user_agent="Firefox",
            ip="192.0.2.7",
            network="192.0.2.0/24",
        )
    with tenant_context(account_b):
        Invitation.objects.create(email=EMAIL, role=Role.ADMIN, token="t" * 40, created_at=at)
    connection.set_schema_to_public()
    Subscriber.objects.create(email=EMAIL, language="nb", token="s" * 40, created_at=at, confirmed_at=at)

    places = _by_source(subject_data_collect(EMAIL))
    assert places[("accounts.logins", account_a.schema_name)][0]["ip"] == "192.0.2.7"
    assert places[("accounts.invitations", account_b.schema_name)][0]["role"] == "admin"
    assert places[("subprocessors.subscriber", "public")][0]["language"] == "nb"

    for key in ("accounts.logins", "accounts.invitations", "subprocessors.subscriber"):
        source = next(s for s in registry.sources() if s.key == key)
        for account in (account_a, account_b) if source.scope == registry.Scope.ACCOUNT else (None,):
            if account is None:
                connection.set_schema_to_public()
                source.erase(EMAIL)
            else:
                with tenant_context(account):
                    source.erase(EMAIL)

    places = _by_source(subject_data_collect(EMAIL))
    assert not any(key[0] in {"accounts.logins", "accounts.invitations", "subprocessors.subscriber"} for key in places)
