"""The one audit trail promises a complete record and refuses UPDATE and DELETE in the database
itself (a trigger), whatever the code or a person with SQL access tries: an account's status
change (ACC-5 … ACC-15) and a support-access row (SUB-5, ACC-15) alike."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.lifecycle import account_suspend
from core.models import AuditDomain, AuditEvent
from subprocessors.access import support_access_set
from tests.acc_helpers import make_account

pytestmark = pytest.mark.django_db

TABLE = "core_auditevent"
CHANGES = {"account": "reason = 'rewritten'", "support": "actor_label = 'someone else'"}


@pytest.fixture
def rows(accounts_ready) -> dict[str, int]:  # type: ignore[no-untyped-def]
    account = make_account("appendonly")
    account_suspend(account=account, actor="staff@kontoportal.test", reason="Breach", notify=False)
    support_access_set(account=account, granted=True, actor="owner@appendonly.example")
    return {
        "account": AuditEvent.objects.filter(account_id=account.pk, action="status:suspended").get().pk,
        "support": support(account).latest("id").pk,
    }


def support(account):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk)


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_acc15_sub5_audit_table_refuses_update_and_delete_at_the_database_level(rows, kind):
    pk = rows[kind]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"UPDATE {TABLE} SET {CHANGES[kind]} WHERE id = %s", [pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [pk])
    # and the row is still there, unchanged
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE id = %s", [pk])
        assert cursor.fetchone() == (1,)


def test_sub5_support_audit_still_takes_new_rows(rows):
    before = AuditEvent.objects.filter(domain=AuditDomain.SUPPORT).count()
    account = make_account("appendmore")
    support_access_set(account=account, granted=True, actor="owner@appendmore.example")
    assert AuditEvent.objects.filter(domain=AuditDomain.SUPPORT).count() == before + 1
