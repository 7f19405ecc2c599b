"""The one audit trail (issue 10): core's table refuses UPDATE and DELETE in the database itself,
the writer types the actor, and every registered action code reads as a translated sentence."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from core import audit
from core.models import ActorKind, AuditDomain, AuditEvent

pytestmark = pytest.mark.django_db


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_audit_table_refuses_update_and_delete_at_the_database_level():
    event = audit.record(domain=AuditDomain.ACCOUNT, action="status:active", actor="system", account=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE core_auditevent SET reason = 'rewritten' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(reason) FROM core_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone() == (1, "")
    # and new rows still go in
    audit.record(domain=AuditDomain.ACCOUNT, action="status:active", actor="system", account=1)
    assert AuditEvent.objects.filter(account_id=1).count() == 2


@pytest.mark.parametrize(
    ("given", "kind", "label"),
    [
        (None, ActorKind.SYSTEM, "system"),
        ("system", ActorKind.SYSTEM, "system"),
        ("job:subscriptions_dunning", ActorKind.JOB, "subscriptions_dunning"),
        ("staff:desk@kontoportal.test", ActorKind.STAFF, "desk@kontoportal.test"),
        ("owner@alfa.dk", ActorKind.CUSTOMER, "owner@alfa.dk"),
    ],
)
def test_audit_writer_types_every_actor_format_the_apps_used(given, kind, label):
    event = audit.record(domain=AuditDomain.ACCOUNT, action="created", actor=given)
    assert (event.actor_kind, event.actor_label) == (kind, label)


def test_audit_writer_knows_a_staff_user_by_e_mail(django_user_model):
    staff = django_user_model.objects.create_user(
        email="desk@kontoportal.test", password="x", full_name="Desk", is_staff=True
    )
    event = audit.record(domain=AuditDomain.SUPPORT, action="entry_allowed", actor="desk@kontoportal.test")
    assert (event.actor_kind, event.actor_id) == (ActorKind.STAFF, str(staff.pk))


CODES = sorted(audit.registered_actions())


def test_apps_register_their_action_names():
    assert len(CODES) > 20


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("language", ["da", "nb"])
def test_every_registered_action_code_reads_translated_never_as_a_raw_code(code, language):
    event = AuditEvent(action=code.replace("*", "x"), params={})
    with translation.override("en"):
        english = audit.describe(event)
    with translation.override(language):
        shown = audit.describe(event)
    assert shown != english, f"{code} has no {language} translation"
    assert shown != code and "_" not in shown and "{" not in shown
