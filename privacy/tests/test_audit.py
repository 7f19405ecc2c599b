"""GDPR-8: every step is logged, and the database itself refuses to change the log."""

import io

import pytest
from django.db import DatabaseError, connection, transaction

from core.admin import write_audit_csv
from privacy.audit import desk_trail, request_trail
from privacy.models import AuditAction

pytestmark = pytest.mark.django_db


def test_gdpr8_every_step_of_a_request_is_logged(verified_request):
    request = verified_request()
    actions = list(request_trail(request).order_by("occurred_at", "id").values_list("action", flat=True))
    assert actions[:4] == [AuditAction.RECEIVED, AuditAction.MAIL, AuditAction.VERIFICATION_SENT, AuditAction.STATUS]
    assert AuditAction.VERIFIED in actions


def test_gdpr8_database_refuses_update_and_delete_of_the_audit_log(verified_request):
    event = request_trail(verified_request()).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        desk_trail().filter(pk=event.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        desk_trail().filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_auditevent")
    assert desk_trail().filter(pk=event.pk, actor_label=event.actor_label).exists()


def test_gdpr8_audit_log_exports_as_csv(verified_request):
    request = verified_request()
    out = io.StringIO()
    write_audit_csv(out, request_trail(request).order_by("occurred_at", "id"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "id,at,domain,subject,action,description,actor_kind,actor,reason,details"
    assert request.reference in lines[1] and ",received," in lines[1]
    assert len(lines) == request_trail(request).count() + 1


def test_gdpr8_staff_csv_export_from_the_admin(verified_request, client, staff_user):
    request = verified_request()
    client.force_login(staff_user)
    ids = list(request_trail(request).values_list("pk", flat=True))
    response = client.post(
        "/admin/core/auditevent/",
        {"action": "export_csv", "_selected_action": ids},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
