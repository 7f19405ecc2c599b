"""Staff desk: e-mail cancellations (ACC-10), support entries (ACC-15), inactivity (ACC-11), API."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django_tenants.utils import schema_exists
from rest_framework.test import APIClient

from accounts.lifecycle import LifecycleError
from accounts.models import AccountStatus, MailLog
from accounts.services import (
    account_inactivity_exempt,
    business_day_deadline,
    cancellation_confirm,
    cancellation_log,
    support_entry_start,
)
from accounts.users.models import User
from core.models import AuditDomain, AuditEvent
from subprocessors.access import support_access_set
from subprocessors.models import SupportAccessEvent
from tests.acc_helpers import client_for, make_account, reload, run_jobs

CPH = ZoneInfo("Europe/Copenhagen")
PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.django_db


def support_trail(account):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk)


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)


# --- ACC-10: e-mail cancellations, one business day ---


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (cph(2027, 6, 7, 10, 0), cph(2027, 6, 8, 10, 0)),  # Monday → Tuesday
        (cph(2027, 6, 11, 15, 0), cph(2027, 6, 14, 15, 0)),  # Friday afternoon → Monday
        (cph(2027, 6, 12, 11, 0), cph(2027, 6, 15, 0, 0)),  # Saturday: counts from Monday 00:00
        (cph(2027, 6, 13, 23, 59), cph(2027, 6, 15, 0, 0)),  # Sunday night
        (cph(2027, 3, 26, 9, 0), cph(2027, 3, 29, 9, 0)),  # Friday before summer time → Monday 09:00 local
        (cph(2027, 4, 30, 16, 0), cph(2027, 5, 3, 16, 0)),  # month end on a Friday
    ],
)
def test_acc10_email_cancellation_deadline_is_one_business_day(received, deadline):
    assert business_day_deadline(received) == deadline


def test_acc10_email_cancellation_logged_shown_and_confirmed(accounts_ready, staff_user, client):
    account = make_account("mailcancel")
    request = cancellation_log(
        account=account, sender="owner@mailcancel.example", received_at=cph(2027, 6, 11, 15, 0), staff=staff_user.email
    )
    assert request.confirm_by == cph(2027, 6, 14, 15, 0)
    admin = client.__class__(HTTP_HOST="localhost")
    with time_machine.travel(cph(2027, 6, 15, 9, 0), tick=False):
        admin.force_login(staff_user)
        page = admin.get("/admin/accounts/cancellationrequest/").content.decode()
    assert "mailcancel" in page.lower() and 'alt="True"' in page  # overdue
    cancellation_confirm(request=request, staff=staff_user.email)
    assert reload(account).status == AccountStatus.CANCELLED


# --- ACC-15: support entry ---


def test_acc15_support_entry_refused_without_consent_and_audited(accounts_ready):
    account = make_account("supporttest")
    with pytest.raises(PermissionDenied):
        support_entry_start(account=account, staff="staff@kontoportal.test", reason="Ticket 123")
    row = support_trail(account).get()
    assert row.action == SupportAccessEvent.ENTRY_REFUSED and row.reason == "Ticket 123"
    assert row.actor_label == "staff@kontoportal.test"


def test_acc15_support_entry_needs_a_reason(accounts_ready):
    account = make_account("supporttest")
    with pytest.raises(LifecycleError):
        support_entry_start(account=account, staff="staff@kontoportal.test", reason="  ")
    assert not support_trail(account).exists()


def test_acc15_support_entry_with_consent_is_audited_and_visible_to_the_owner(accounts_ready, staff_user):
    account = make_account("supporttest")
    support_access_set(account=account, granted=True, actor="owner@supporttest.example")
    support_entry_start(account=account, staff=staff_user.email, reason="Ticket 456: import fails")
    assert support_trail(account).filter(action=SupportAccessEvent.ENTRY_ALLOWED).exists()
    # the staff member now sees the support view in the admin
    admin = client_for(account).__class__(HTTP_HOST="localhost")
    admin.force_login(staff_user)
    assert admin.get(f"/admin/accounts/account/{account.pk}/support/").status_code == 200
    # the Owner sees the entry in Min konto
    from django_tenants.utils import tenant_context

    owner = client_for(account)
    with tenant_context(account):
        owner.force_login(User.objects.get(email="owner@supporttest.example"))
    page = owner.get("/min-konto/").content.decode()
    assert "Ticket 456: import fails" in page and staff_user.email in page


def test_acc15_a_purged_account_cannot_be_entered_and_the_attempt_is_recorded(accounts_ready):
    from accounts.lifecycle import account_close

    account = make_account("supporttest")
    support_access_set(account=account, granted=True, actor="owner@supporttest.example")
    account_close(account=account, actor="staff@kontoportal.test", reason="Breach")
    with pytest.raises(PermissionDenied):
        support_entry_start(account=reload(account), staff="staff@kontoportal.test", reason="Ticket 789")
    assert support_trail(account).latest("id").action == SupportAccessEvent.ENTRY_REFUSED


def test_acc15_support_view_needs_an_entry_first(accounts_ready, staff_user):
    account = make_account("supporttest")
    admin = client_for(account).__class__(HTTP_HOST="localhost")
    admin.force_login(staff_user)
    assert admin.get(f"/admin/accounts/account/{account.pk}/support/").status_code == 302


# --- ACC-11: inactivity ---

T0 = cph(2027, 1, 4, 12, 0)


@pytest.fixture
def idle(accounts_ready):
    with time_machine.travel(T0, tick=False):
        return make_account("idletest")


def test_acc11_warning_after_4_weeks_without_login_once(idle, django_capture_on_commit_callbacks):
    run_jobs("inactivity", at=T0 + timedelta(weeks=4) - timedelta(minutes=1))
    assert reload(idle).inactivity_warned_at is None
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs("inactivity", at=T0 + timedelta(weeks=4))
        run_jobs("inactivity", at=T0 + timedelta(weeks=5))
    mails = MailLog.objects.filter(account=idle, template="inactivity_warning")
    assert mails.count() == 1 and "1. marts 2027" in mails.get().body


def test_acc11_deleted_after_8_weeks_without_login(idle):
    run_jobs("inactivity", at=T0 + timedelta(weeks=4))
    run_jobs("inactivity", at=T0 + timedelta(weeks=8) - timedelta(minutes=1))
    assert reload(idle).status == AccountStatus.TRIAL
    run_jobs("inactivity", at=T0 + timedelta(weeks=8))
    account = reload(idle)
    assert account.status == AccountStatus.CLOSED and not schema_exists(account.schema_name)


def test_acc11_a_login_resets_the_clock(idle):
    run_jobs("inactivity", at=T0 + timedelta(weeks=4))
    with time_machine.travel(T0 + timedelta(weeks=5), tick=False):
        client_for(idle).post("/min-konto/login/", {"username": "owner@idletest.example", "password": PASSWORD})
    run_jobs("inactivity", at=T0 + timedelta(weeks=8))
    assert reload(idle).status == AccountStatus.TRIAL


def test_acc11_never_deleted_without_a_warning_first(idle):
    output = run_jobs("inactivity", at=T0 + timedelta(weeks=10))
    assert "idletest: inactivity warning" in output and reload(idle).status == AccountStatus.TRIAL


def test_acc11_paid_and_exempt_accounts_are_left_alone(idle, accounts_ready):
    from billing.subscriptions.models import Plan
    from billing.subscriptions.tests.conftest import reference_data_ensure, subscribe

    reference_data_ensure()
    with time_machine.travel(T0, tick=False):
        # a paid subscription, started the way a customer starts one (ACC-4)
        paid = make_account("paidtest", status=AccountStatus.TRIAL)
        subscribe(paid, Plan.objects.get(code="team"), seats=1)
    account_inactivity_exempt(account=idle, actor="staff@kontoportal.test", reason="Seasonal business")
    output = run_jobs("inactivity", at=T0 + timedelta(weeks=9))
    assert "idletest" not in output and "paidtest" not in output
    assert reload(paid).inactivity_warned_at is None and reload(idle).inactivity_warned_at is None


# --- API ---


def test_acc_api_lists_accounts_and_runs_state_actions_with_a_reason(accounts_ready, staff_user):
    account = make_account("apitest")
    api = APIClient(HTTP_HOST="localhost")
    api.force_authenticate(staff_user)
    listed = api.get("/api/v1/accounts/").json()
    assert "apitest" in [row["slug"] for row in listed["results"]]
    assert api.post(f"/api/v1/accounts/{account.pk}/suspend/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/accounts/{account.pk}/suspend/", {"reason": "Breach"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    illegal = api.post(f"/api/v1/accounts/{account.pk}/suspend/", {"reason": "Again"}, format="json")
    assert illegal.status_code == 409
    users = api.get(f"/api/v1/accounts/{account.pk}/users/").json()
    assert [u["email"] for u in users] == ["owner@apitest.example"]
    events = api.get(f"/api/v1/accounts/{account.pk}/events/").json()
    assert events[0]["action"] == "status:suspended" and events[0]["reason"] == "Breach"


def test_acc_api_is_staff_only(accounts_ready):
    assert APIClient(HTTP_HOST="localhost").get("/api/v1/accounts/").status_code in {401, 403}
