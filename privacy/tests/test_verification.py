"""GDPR-4: nothing is disclosed, exported or erased before the requester is verified."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from privacy.audit import request_trail
from privacy.jobs import retention
from privacy.models import AuditAction, Export, PrivacyRequest, RequestKind, RequestStatus
from privacy.selectors import requests_for_queue
from privacy.services.common import CODE_MAX_ATTEMPTS, NotVerified
from privacy.services.erasure import erasure_run, rectification_apply
from privacy.services.export import export_create
from privacy.services.verification import verify_by_code
from privacy.tests.conftest import code_from, token_from

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def test_gdpr4_unverified_export_is_refused(file_request):
    request = file_request()
    with pytest.raises(NotVerified):
        export_create(request=request, actor=None)
    assert not Export.objects.exists()


def test_gdpr4_unverified_erasure_and_rectification_are_refused(file_request):
    erasure = file_request(kind=RequestKind.ERASURE)
    with pytest.raises(NotVerified):
        erasure_run(request=erasure, actor=None)
    rectify = file_request(kind=RequestKind.RECTIFICATION)
    with pytest.raises(NotVerified):
        rectification_apply(request=rectify, field="full_name", value="X", actor=None)
    assert not erasure.erasure_steps.exists()


def test_gdpr4_email_link_verifies_and_starts_the_queue(file_request, mailoutbox, public_client):
    request = file_request()
    assert request.status == RequestStatus.UNVERIFIED
    response = public_client.get(f"/privacy/verify/{token_from(mailoutbox[-1])}/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.verification_method == "email_link"


def test_gdpr4_forged_or_expired_link_gets_a_clear_page_and_changes_nothing(file_request, mailoutbox, public_client):
    request = file_request()
    token = token_from(mailoutbox[-1])
    forged = public_client.get(f"/privacy/verify/{token[:-2]}xx/")
    assert forged.status_code == 400
    assert "Kari" not in forged.content.decode()
    with time_machine.travel(datetime.now(CPH) + timedelta(hours=25)):
        expired = public_client.get(f"/privacy/verify/{token}/")
    assert expired.status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.UNVERIFIED


def test_gdpr4_one_time_code_with_limited_attempts(file_request, mailoutbox):
    request = file_request()
    code = code_from(mailoutbox[-1])
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            verify_by_code(request=request, code="000000" if code != "000000" else "111111")
    with pytest.raises(ValidationError):
        verify_by_code(request=request, code=code)  # locked: too many attempts
    request.refresh_from_db()
    assert request.status == RequestStatus.UNVERIFIED
    assert request_trail(request).filter(action=AuditAction.VERIFICATION_FAILED).count() == 5


def test_gdpr4_code_expires_and_resend_is_rate_limited(
    file_request, mailoutbox, django_capture_on_commit_callbacks, public_client, settings
):
    request = file_request()
    code = code_from(mailoutbox[-1])
    with time_machine.travel(datetime.now(CPH) + timedelta(hours=25)):
        with pytest.raises(ValidationError):
            verify_by_code(request=request, code=code)
    # "send a new code" on the code page, from changing networks: capped per request
    page = f"/privacy/request/{request.public_id}/"
    limit = int(settings.RATE_LIMITS["privacy_resend_request"].split("/")[0])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(limit):
            assert public_client.post(page, {"resend": "1"}, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
        refused = public_client.post(page, {"resend": "1"}, REMOTE_ADDR="10.0.1.1")
    assert refused.status_code == 200 and "For mange forsøg på kort tid" in refused.content.decode()
    assert request_trail(request).filter(action=AuditAction.VERIFICATION_SENT).count() == 1 + limit
    verify_by_code(request=request, code=code_from(mailoutbox[-1]))
    request.refresh_from_db()
    assert request.is_verified


def test_gdpr4_logged_in_account_user_is_verified_for_own_data(
    client_a, mailoutbox, django_capture_on_commit_callbacks
):
    assert client_a.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/min-konto/privacy/", {"kind": RequestKind.ACCESS, "details": ""})
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(email="owner@alfa.dk")
    assert request.status == RequestStatus.OPEN and request.verification_method == "account_login"


def test_gdpr4_unknown_person_gets_the_same_answer_as_a_customer(public_client, mailoutbox):
    def ask(email: str) -> str:
        response = public_client.post(
            "/privacy/request/",
            {"kind": "access", "full_name": "Some One", "email": email, "role": "controller"},
            follow=True,
        )
        assert response.status_code == 200
        return response.content.decode().split("<main", 1)[1].split("</main>")[0].split("<form")[0]

    assert ask("owner@alfa.dk") == ask("nobody-known@example.org")


def test_gdpr4_unverified_requests_leave_the_queue_and_are_purged_after_30_days(file_request):
    request = file_request()
    assert request not in requests_for_queue()
    at = request.received_at + timedelta(days=31)
    assert retention(at=at, dry_run=True).counts.get("unverified_requests") == 1
    assert PrivacyRequest.objects.filter(pk=request.pk).exists()
    retention(at=at, dry_run=False)
    assert not PrivacyRequest.objects.filter(pk=request.pk).exists()
    # the history stays, without the address
    assert request_trail(request).filter(action=AuditAction.PURGED).exists()
