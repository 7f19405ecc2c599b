"""The staff desk: queue with deadlines and metrics (GDPR-5), actions through the admin, API."""

import pytest
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from config.celery import app
from privacy import selectors
from privacy.audit import request_trail
from privacy.models import AuditAction, RequestKind, RequestStatus
from privacy.services.deadlines import request_assign, request_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):  # type: ignore[no-untyped-def]
    client.force_login(staff_user)
    client.defaults["HTTP_HOST"] = "localhost"
    return client


def test_gdpr5_queue_hides_unverified_and_shows_owner_and_days_left(staff_client, file_request, verified_request):
    file_request(email="waiting@example.org")
    verified_request(email="ready@example.org")
    response = staff_client.get("/admin/privacy/privacyrequest/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "privacy-metrics" in html
    assert html.count("band-ok") == 1  # only the verified one is in the queue


def test_gdpr5_staff_extend_and_refuse_through_the_desk_are_audited(staff_client, verified_request, staff_user):
    request = verified_request()
    url = f"/admin/privacy/privacyrequest/{request.pk}/act/"
    staff_client.post(url, {"action": "assign"})
    staff_client.post(url, {"action": "extend", "months": "1", "reason": "Mange kilder"})
    bad = staff_client.post(url, {"action": "refuse", "reason": ""}, follow=True)
    assert "begrunnes" in bad.content.decode() or "reason" in bad.content.decode()
    staff_client.post(url, {"action": "refuse", "reason": "Åpenbart grunnløs"})
    request.refresh_from_db()
    assert request.owner == staff_user and request.extended_months == 1 and request.status == RequestStatus.REFUSED
    page = staff_client.get(f"/admin/privacy/privacyrequest/{request.pk}/change/")
    assert page.status_code == 200 and "privacy-audit" in page.content.decode()
    assert request_trail(request).filter(action=AuditAction.ASSIGNED, actor_label=staff_user.email).exists()


def test_gdpr6_staff_export_through_the_desk(staff_client, verified_request, django_capture_on_commit_callbacks):
    request = verified_request()
    app.conf.task_always_eager = True  # queued after commit, run where it is sent
    try:
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(f"/admin/privacy/privacyrequest/{request.pk}/act/", {"action": "export"})
    finally:
        app.conf.task_always_eager = False
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and request.exports.count() == 1


def test_gdpr5_metrics_by_type_median_and_share_in_time(verified_request):
    a = verified_request(email="a@example.org")
    request_complete(request=a, outcome="ok", actor=None)
    verified_request(email="b@example.org", kind=RequestKind.ERASURE)
    m = selectors.metrics()
    assert dict(m.by_kind)[str(RequestKind.ACCESS.label)] == 1
    assert m.closed_in_time_share == 1.0 and m.median_days_to_close is not None and m.open == 1


def test_gdpr8_api_lists_requests_with_audit_and_processing_records(staff_client, verified_request):
    request = verified_request()
    listing = staff_client.get("/api/v1/privacy/requests/").json()
    assert listing["results"][0]["id"] == request.pk and listing["results"][0]["days_left"] >= 28
    audit = staff_client.get(f"/api/v1/privacy/requests/{request.pk}/audit/").json()
    assert audit[0]["action"] == "received"
    assert staff_client.get("/api/v1/privacy/requests/metrics/").json()["open"] == 1
    created = staff_client.post(
        "/api/v1/privacy/processing-records/",
        {
            "title_da": "Support",
            "title_nb": "Kundestøtte",
            "purpose_da": "x",
            "purpose_nb": "x",
            "legal_basis": "contract",
            "categories": ["name"],
            "subjects": ["customers"],
            "sources": ["subject"],
            "recipients": "Nordlig Hosting a.s.",
            "retention_da": "5 år",
            "retention_nb": "5 år",
        },
        content_type="application/json",
    )
    assert created.status_code == 201


def test_gdpr4_privacy_api_is_staff_only(public_client):
    assert public_client.get("/api/v1/privacy/requests/").status_code in {401, 403}


def test_gdpr5_deleting_an_account_user_leaves_staff_assignments_alone(verified_request, account_a):
    staff = User.objects.create(pk=900001, email="desk@kontoportal.test", full_name="Desk", is_staff=True)
    request = verified_request()
    request_assign(request=request, owner=staff, actor=staff)
    with tenant_context(account_a):
        # same id, other schema: deleting it must not reach the public request table
        User.objects.create(pk=900001, email="agent@alfa.dk", full_name="Agent", role=Role.AGENT).delete()
    request.refresh_from_db()
    assert request.owner_id == staff.pk


def test_gdpr1_processing_record_admin_form_renders(staff_client):
    assert staff_client.get("/admin/privacy/processingrecord/add/").status_code == 200
