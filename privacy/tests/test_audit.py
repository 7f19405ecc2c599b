"""GDPR-8: every step is logged, and the database itself refuses to change the log."""

import io

import pytest
from django.db import DatabaseError, connection, transaction

from privacy.admin import write_audit_csv
from privacy.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_gdpr8_every_step_of_a_request_is_logged(verified_request):
    request = verified_request()
    actions = list(request.audit_events.order_by("at", "id").values_list("action", flat=True))
    assert actions[:4] == [AuditAction.RECEIVED, AuditAction.MAIL, AuditAction.VERIFICATION_SENT, AuditAction.STATUS]
    assert AuditAction.VERIFIED in actions


def test_gdpr8_database_refuses_update_and_delete_of_the_audit_log(verified_request):
    event = verified_request().audit_events.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk, actor=event.actor).exists()


def test_gdpr8_audit_log_exports_as_csv(verified_request):
    request = verified_request()
    out = io.StringIO()
    write_audit_csv(out, request.audit_events.order_by("at", "id"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "id,at,request,action,actor,detail"
    assert len(lines) == request.audit_events.count() + 1


def test_gdpr8_staff_csv_export_from_the_admin(verified_request, client, staff_user):
    request = verified_request()
    client.force_login(staff_user)
    ids = list(request.audit_events.values_list("pk", flat=True))
    response = client.post(
        "/admin/privacy/auditevent/",
        {"action": "export_csv", "_selected_action": ids},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
