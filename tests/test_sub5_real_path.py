"""SUB-5 / ACC-15 on the real path: staff enter an account through the admin's "Enter the
account for support" action, which goes through the one guard (core.support_access →
subprocessors.access). Without the account's consent the entry is refused with a translated
message and nothing else happens; allowed or refused, the attempt is in the support-access audit."""

import pytest
from django.conf import settings
from django.test import Client

from core.models import AuditDomain, AuditEvent
from subprocessors.access import support_access_set
from subprocessors.models import SupportAccessEvent
from tests.acc_helpers import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(staff_user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff_user)
    return client


def enter(admin: Client, account, reason: str, language: str = "en"):  # type: ignore[no-untyped-def]
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return admin.post(
        "/admin/accounts/account/",
        {"action": "enter_for_support", "_selected_action": [account.pk], "apply": "1", "reason": reason},
        follow=True,
    )


def trail(account) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    rows = AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk).order_by("id")
    return list(rows.values_list("action", "actor_label", "reason"))


def test_sub5_acc15_staff_entry_through_the_real_admin_route_is_refused_without_consent_and_recorded_either_way(
    admin, staff_user
):
    account = make_account("sub5real")
    # when staff try to enter an account that never granted support access
    response = enter(admin, account, "Ticket 4711: import fails")
    # then they are refused with a clear message, stay on the list, and see nothing of the team
    page = response.content.decode()
    assert "has not granted support access" in page and "Ask the account" in page
    assert response.redirect_chain == [("/admin/accounts/account/", 302)] and "owner@sub5real.example" not in page
    assert admin.get(f"/admin/accounts/account/{account.pk}/support/").status_code == 302
    # and the refused attempt is on record
    assert trail(account) == [(SupportAccessEvent.ENTRY_REFUSED, staff_user.email, "Ticket 4711: import fails")]

    # when the Owner grants access in Min konto and staff try again
    support_access_set(account=account, granted=True, actor="owner@sub5real.example")
    response = enter(admin, account, "Ticket 4712: login fails")
    # then they enter the support view, which shows the team
    assert response.redirect_chain[-1][0] == f"/admin/accounts/account/{account.pk}/support/"
    assert "owner@sub5real.example" in response.content.decode()
    # and the allowed entry (and the view it opened) is on record, after the refusal
    events = trail(account)
    assert events[0][0] == SupportAccessEvent.ENTRY_REFUSED and events[1][0] == SupportAccessEvent.GRANTED
    assert events[2] == (SupportAccessEvent.ENTRY_ALLOWED, staff_user.email, "Ticket 4712: login fails")
    assert {event for event, _actor, _purpose in events[2:]} == {SupportAccessEvent.ENTRY_ALLOWED}

    # when the Owner revokes access, the support view shuts at once, and that attempt is recorded
    support_access_set(account=account, granted=False, actor="owner@sub5real.example")
    assert admin.get(f"/admin/accounts/account/{account.pk}/support/").status_code == 302
    assert trail(account)[-1][0] == SupportAccessEvent.ENTRY_REFUSED


def test_sub5_the_refusal_in_the_admin_is_translated(admin, staff_user):
    account = make_account("sub5lang")
    response = enter(admin, account, "Sag 17", language="da")
    assert "har ikke givet supporten adgang til sine data" in response.content.decode()
    assert trail(account)[0][0] == SupportAccessEvent.ENTRY_REFUSED


def test_acc15_the_owner_sees_every_entry_attempt_in_min_konto(admin, staff_user):
    from django_tenants.utils import tenant_context

    from accounts.users.models import User

    account = make_account("sub5owner")
    enter(admin, account, "Ticket 9: refused")
    support_access_set(account=account, granted=True, actor="owner@sub5owner.example")
    enter(admin, account, "Ticket 10: allowed")
    owner = Client(HTTP_HOST=f"{account.slug}.localhost")
    with tenant_context(account):
        owner.force_login(User.objects.get(email="owner@sub5owner.example"))
    page = owner.get("/min-konto/").content.decode()
    assert "Ticket 9: refused" in page and "Ticket 10: allowed" in page and staff_user.email in page
