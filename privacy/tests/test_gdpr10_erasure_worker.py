"""GDPR-10: the confirmed erasure runs on a real Celery worker (Redis broker), not in the admin
request: the request returns with the person's data still there, and the worker erases it."""

import time

import pytest
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from privacy.audit import request_trail
from privacy.models import AuditAction, PrivacyRequest, RequestKind, RequestStatus
from tests.test_worker import celery_worker_process  # noqa: F401  (the real worker, shared fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
EMAIL = "worker.erasure@example.org"


def test_gdpr10_confirmed_erasure_runs_on_the_worker(
    celery_worker_process,  # noqa: F811
    account_a,
    staff_user,
    verified_request,
    client,
):
    with tenant_context(account_a):
        User.objects.create_user(EMAIL, "pw-123456789", full_name="Worker Person", role=Role.AGENT)
    request = verified_request(EMAIL, RequestKind.ERASURE)
    client.force_login(staff_user)
    client.defaults["HTTP_HOST"] = "localhost"

    client.get(f"/admin/privacy/privacyrequest/{request.pk}/erasure/")
    client.post(f"/admin/privacy/privacyrequest/{request.pk}/erasure/")
    assert request_trail(request).filter(action=AuditAction.TASK_QUEUED).exists()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if PrivacyRequest.objects.get(pk=request.pk).status == RequestStatus.COMPLETED:
            break
        time.sleep(0.5)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    with tenant_context(account_a):
        assert not User.objects.filter(email=EMAIL).exists()
    assert request_trail(request).filter(action=AuditAction.ERASED).exists()
