"""GDPR-8: every step of every request is in the audit trail, status moves included, whoever
made them; and the trail outlives erasure and retention without ever being changed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from config.clock import now, today
from core.models import AuditEvent as TrailEvent
from privacy.audit import request_trail
from privacy.jobs import retention
from privacy.models import AuditAction, RequestKind, RequestStatus
from privacy.services.deadlines import (
    request_assign,
    request_complete,
    request_extend,
    request_hand_over,
    request_refuse,
)
from privacy.services.erasure import erasure_run
from privacy.services.export import export_create, export_open, export_revoke
from privacy.services.verification import verify_by_code
from privacy.tests.conftest import code_from
from subprocessors.services import dpa_decline, dpa_record_signed, dpa_request

pytestmark = pytest.mark.django_db
EMAIL = "kari.nordmann@example.org"


def _trail(request) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(action, what) per row, oldest first: the mail template or the status move."""
    rows = request_trail(request).order_by("occurred_at", "id")
    out = []
    for row in rows:
        what = row.params.get("template", "")
        if row.action == AuditAction.STATUS:
            what = f"{row.params['before']}->{row.params['after']}"
        out.append((row.action, what))
    return out


def test_gdpr8_every_step_of_a_request_is_in_the_audit_trail(
    file_request, staff_user, account_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given: an access request, one wrong code, then the right one
    request = file_request(EMAIL, RequestKind.ACCESS)
    with pytest.raises(ValidationError):
        verify_by_code(request=request, code="000000" if code_from(mailoutbox[-1]) != "000000" else "111111")
    with django_capture_on_commit_callbacks(execute=True):
        request = verify_by_code(request=request, code=code_from(mailoutbox[-1]))
        # when: staff take it, extend it, answer it; the requester downloads; staff revoke the link
        request_assign(request=request, owner=staff_user, actor=staff_user)
        request_extend(request=request, months=1, reason="Mange kilder", actor=staff_user)
        export = export_create(request=request, actor=staff_user)
    export_open(token=export.token, fmt="pdf", ip="192.0.2.1")
    export_revoke(export=export, actor=staff_user)

    # then: every step, in order, each status move with its before and after
    A = AuditAction
    assert _trail(request) == [
        (A.RECEIVED, ""),
        (A.MAIL, "verify"),
        (A.VERIFICATION_SENT, ""),
        (A.VERIFICATION_FAILED, ""),
        (A.STATUS, "unverified->open"),
        (A.VERIFIED, ""),
        (A.MAIL, "received"),
        (A.ASSIGNED, ""),
        (A.EXTENDED, ""),
        (A.MAIL, "extended"),
        (A.EXPORTED, ""),
        (A.MAIL, "export_ready"),
        (A.STATUS, "open->completed"),
        (A.MAIL, "completed"),
        (A.DOWNLOADED, ""),
        (A.LINK_REVOKED, ""),
    ]
    moves = request_trail(request).filter(action=A.STATUS).order_by("id")
    assert [(m.actor_kind, m.actor_label) for m in moves] == [("customer", "data subject"), ("staff", staff_user.email)]

    # and: a refused request and a handed-over one show their moves and who made them
    refused = file_request("ola@example.org", RequestKind.ERASURE)
    refused = verify_by_code(request=refused, code=code_from(mailoutbox[-1]))
    request_refuse(request=refused, reason="Åpenbart grunnløs", actor=staff_user)
    assert (A.STATUS, "open->refused") in _trail(refused)
    handed = file_request("per@example.org", RequestKind.ACCESS)
    handed = verify_by_code(request=handed, code=code_from(mailoutbox[-1]))
    request_hand_over(request=handed, account=account_a, actor=staff_user)
    request_complete(request=handed, outcome="Kunden har svart.", actor=staff_user)
    assert [w for a, w in _trail(handed) if a == A.STATUS] == [
        "unverified->open",
        "open->handed_over",
        "handed_over->completed",
    ]
    assert request_trail(handed).filter(action=A.HANDED_OVER).count() == 1


def test_gdpr8_objection_resolved_and_dpa_signed_or_declined_are_in_the_audit_trail(
    account_a, staff_user, staff_cases, client
):
    # given: an Owner's objection to a coming sub-processor and the account's DPA request
    objection, dpa = staff_cases()
    client.force_login(staff_user)
    since = TrailEvent.objects.filter(account_id=account_a.pk).count()

    # when: staff resolve the objection in the admin, record the signed DPA, and decline a second one
    response = client.post(
        f"/admin/subprocessors/objection/{objection.pk}/change/",
        {"status": "resolved", "staff_note": "Forklaret."},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    dpa_record_signed(request=dpa, signed_version="2026-1", signed_on=today(), actor=staff_user)
    dpa_decline(request=dpa_request(account=account_a, actor="owner@alfa.dk"), actor=staff_user)

    # then: each move is in the account's audit trail, with who made it, before and after
    events = TrailEvent.objects.filter(account_id=account_a.pk).order_by("id")[since:]
    assert [(e.action, e.actor_label, e.before, e.after) for e in events] == [
        ("objection_resolved", staff_user.email, "open", "resolved"),
        ("dpa_signed", staff_user.email, "requested", "signed"),
        ("dpa_declined", staff_user.email, "requested", "declined"),
    ]
    objection.refresh_from_db()
    assert (objection.status, objection.staff_note) == ("resolved", "Forklaret.")

    # and: a resolved case cannot be reopened, and trying it writes nothing
    client.post(f"/admin/subprocessors/objection/{objection.pk}/change/", {"status": "open"}, HTTP_HOST="localhost")
    objection.refresh_from_db()
    assert objection.status == "resolved"
    assert TrailEvent.objects.filter(account_id=account_a.pk).count() == since + 3


def test_gdpr8_erasure_and_retention_leave_the_audit_trail_whole_and_without_the_address(
    verified_request, django_capture_on_commit_callbacks
):
    # given: an erasure request, carried out
    request = verified_request(EMAIL, RequestKind.ERASURE)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_run(request=request, actor=None)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    before = list(request_trail(request).order_by("id").values())

    # when: five years and a day later, retention deletes the closed request itself
    with time_machine.travel(now() + timedelta(days=5 * 366 + 1), tick=False):
        report = retention(at=now(), dry_run=False)
    assert report.counts["closed_requests"] >= 1

    # then: its trail is still there, unchanged, and never held the requester's address
    assert not type(request).objects.filter(pk=request.pk).exists()
    after = list(request_trail(request).order_by("id").values())
    assert after == before
    assert all(EMAIL not in str(row) for row in after)
