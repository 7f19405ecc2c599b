"""The audit tables that promise a complete record refuse UPDATE and DELETE in the database
itself (a trigger), whatever the code or a person with SQL access tries: the account audit log
(ACC-5 … ACC-15) and the one audit trail in core, which holds the support-access entries (SUB-5,
ACC-15)."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.lifecycle import account_suspend
from accounts.models import AccountEvent
from core.models import AuditDomain, AuditEvent
from subprocessors.access import support_access_set
from tests.acc_helpers import make_account

pytestmark = pytest.mark.django_db

TABLES = {
    "accounts_accountevent": "reason = 'rewritten'",
    "core_auditevent": "actor_label = 'someone else'",
}


@pytest.fixture
def rows(accounts_ready) -> dict[str, int]:  # type: ignore[no-untyped-def]
    account = make_account("appendonly")
    account_suspend(account=account, actor="staff@kontoportal.test", reason="Breach", notify=False)
    support_access_set(account=account, granted=True, actor="owner@appendonly.example")
    return {
        "accounts_accountevent": AccountEvent.objects.filter(account=account).latest("id").pk,
        "core_auditevent": support(account).latest("id").pk,
    }


def support(account):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk)


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_acc15_sub5_audit_table_refuses_update_and_delete_at_the_database_level(rows, table):
    pk = rows[table]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"UPDATE {table} SET {TABLES[table]} WHERE id = %s", [pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"DELETE FROM {table} WHERE id = %s", [pk])
    # and the row is still there, unchanged
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [pk])
        assert cursor.fetchone() == (1,)


def test_sub5_support_audit_still_takes_new_rows(rows):
    before = AuditEvent.objects.filter(domain=AuditDomain.SUPPORT).count()
    account = make_account("appendmore")
    support_access_set(account=account, granted=True, actor="owner@appendmore.example")
    assert AuditEvent.objects.filter(domain=AuditDomain.SUPPORT).count() == before + 1
