"""Staff actions in the admin: every page renders, an action asks for a reason and is audited,
a refusal is shown (ACC-6, ACC-12, ACC-13, LTD-2)."""

import io

import pytest
from django.test import Client

from accounts.models import AccountStatus, LifetimeCode
from core.models import AuditEvent
from tests.acc_helpers import make_account, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(staff_user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/account/",
        "/admin/core/auditevent/?domain__exact=account",
        "/admin/accounts/freemaildomain/",
        "/admin/accounts/cancellationrequest/",
        "/admin/core/auditevent/?domain__exact=support",
        "/admin/accounts/sharedloginflag/",
        "/admin/accounts/lifetimecodebatch/",
        "/admin/accounts/lifetimecodebatch/import/",
        "/admin/accounts/lifetimecode/",
    ],
)
def test_acc_admin_pages_render(admin, path):
    make_account("admintest")
    assert admin.get(path).status_code == 200


def test_acc12_admin_suspend_asks_for_a_reason_then_suspends_and_audits(admin, staff_user):
    account = make_account("admintest")
    ask = admin.post("/admin/accounts/account/", {"action": "suspend_breach", "_selected_action": [account.pk]})
    assert ask.status_code == 200 and b"reason" in ask.content
    assert reload(account).status == AccountStatus.TRIAL
    done = admin.post(
        "/admin/accounts/account/",
        {"action": "suspend_breach", "_selected_action": [account.pk], "apply": "1", "reason": "Spam"},
    )
    assert done.status_code == 302
    event = AuditEvent.objects.get(account_id=account.pk, action="status:suspended")
    assert (event.actor_label, event.reason) == (staff_user.email, "Spam")


def test_acc13_admin_changes_limits(admin):
    account = make_account("admintest")
    admin.post(
        "/admin/accounts/account/",
        {
            "action": "change_limits",
            "_selected_action": [account.pk],
            "apply": "1",
            "reason": "Fair use",
            "seat_limit": "2",
        },
    )
    assert reload(account).seat_limit == 2


def test_acc6_admin_reactivation_refusal_is_shown(admin):
    account = make_account("admintest")
    response = admin.post(
        "/admin/accounts/account/",
        {"action": "reactivate", "_selected_action": [account.pk], "apply": "1", "reason": "Asked"},
        follow=True,
    )
    assert reload(account).status == AccountStatus.TRIAL
    assert "prøveperiode" in response.content.decode().lower() or "Prøveperiode" in response.content.decode()


def test_ltd2_admin_imports_a_csv_batch_with_its_deadline(admin):
    upload = io.BytesIO(b"code\nLTD-CSV-0001\nLTD-CSV-0002\n")
    upload.name = "codes.csv"
    response = admin.post(
        "/admin/accounts/lifetimecodebatch/import/",
        {"name": "CSV 2019", "redeem_by": "2019-11-30 23:59", "csv_file": upload},
    )
    assert response.status_code == 302
    codes = LifetimeCode.objects.filter(batch__name="CSV 2019")
    assert sorted(codes.values_list("code", flat=True)) == ["LTD-CSV-0001", "LTD-CSV-0002"]
    assert codes.first().batch.redeem_by.strftime("%Y-%m-%d %H:%M") == "2019-11-30 22:59"  # stored in UTC
