"""SUB-5 / ACC-15: support access into an account needs the account's prior consent, audited."""

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditDomain, AuditEvent
from subprocessors.access import support_access_allowed, support_access_require, support_access_set
from subprocessors.models import SupportAccessEvent

pytestmark = pytest.mark.django_db


def trail(account):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk)


def test_sub5_support_access_is_not_granted_by_default(account_a):
    assert support_access_allowed(account_a) is False


def test_sub5_subcontractor_access_refused_without_consent_and_audited(account_a):
    with pytest.raises(PermissionDenied) as refused:
        support_access_require(account=account_a, actor="agent@support-partner.example", purpose="Ticket 4711")
    assert account_a.name in str(refused.value)
    row = trail(account_a).get()
    assert row.action == SupportAccessEvent.ENTRY_REFUSED
    assert (row.actor_kind, row.actor_label) == ("customer", "agent@support-partner.example")
    assert row.reason == "Ticket 4711"


def test_sub5_access_allowed_after_grant_and_refused_again_after_revoke(account_a, staff_user):
    support_access_set(account=account_a, granted=True, actor="owner@alfa.dk")
    assert support_access_allowed(account_a)
    support_access_require(account=account_a, actor=staff_user, purpose="Login problem")
    support_access_set(account=account_a, granted=False, actor="owner@alfa.dk")
    with pytest.raises(PermissionDenied):
        support_access_require(account=account_a, actor=staff_user, purpose="Again")
    events = list(trail(account_a).order_by("id").values_list("action", "actor_label"))
    assert events == [
        (SupportAccessEvent.GRANTED, "owner@alfa.dk"),
        (SupportAccessEvent.ENTRY_ALLOWED, staff_user.email),
        (SupportAccessEvent.REVOKED, "owner@alfa.dk"),
        (SupportAccessEvent.ENTRY_REFUSED, staff_user.email),
    ]


def test_sub5_consent_of_one_account_does_not_open_another(account_a, account_b):
    support_access_set(account=account_a, granted=True, actor="owner@alfa.dk")
    assert not support_access_allowed(account_b)
