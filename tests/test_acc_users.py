"""Users, roles and seats in Min konto (ACC-9, ACC-13), and who may stop the account (ACC-10)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django_tenants.utils import tenant_context

from accounts.lifecycle import LifecycleError
from accounts.models import AccountStatus
from accounts.services import account_limits_change
from accounts.users.models import Role, User
from accounts.users.services import TeamError, user_invite, user_role_change
from tests.acc_helpers import client_for, make_account, reload

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def team(accounts_ready):
    account = make_account("teamtest", seat_limit=3)
    return account, logged_in(account, "owner@teamtest.example")


def logged_in(account, email: str):
    client = client_for(account)
    with tenant_context(account):  # the session lives in the account's schema
        # axes counts failures per request: Client.login hands authenticate() none unless given one
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        assert client.login(request=request, username=email, password=PASSWORD)
    return client


def invite(client, email: str, role: str = "agent"):
    return client.post("/min-konto/users/", {"email": email, "role": role})


def test_acc9_owner_invites_by_email_and_the_invitee_joins(team, django_capture_on_commit_callbacks, mailoutbox):
    account, client = team
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, "agent.one@teamtest.example")
    assert response.status_code == 302
    mail = mailoutbox[-1]
    assert mail.to == ["agent.one@teamtest.example"] and "inviteret" in mail.body
    path = re.search(r"https?://[^/]+(/min-konto/invitation/[^/\s]+/)", mail.body).group(1)
    invited = client_for(account)
    assert invited.get(path).status_code == 200
    joined = invited.post(
        path, {"full_name": "Agnes Agent", "password1": "river-stone-44-x", "password2": "river-stone-44-x"}
    )
    assert joined.status_code == 302
    with tenant_context(account):
        user = User.objects.get(email="agent.one@teamtest.example")
        assert (user.role, user.full_name) == (Role.AGENT, "Agnes Agent")
    page = client.get("/min-konto/users/").content.decode()
    assert "Agnes Agent" in page and "2 af 3 pladser i brug" in page


def test_acc9_exactly_one_owner(team):
    account, _client = team
    with tenant_context(account):
        with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
            User.objects.create_user("second.owner@teamtest.example", PASSWORD, full_name="Second", role=Role.OWNER)
        owner = User.objects.get(role=Role.OWNER)
        agent = User.objects.create_user("a@teamtest.example", PASSWORD, full_name="A", role=Role.AGENT)
        with pytest.raises(TeamError):
            user_role_change(account=account, actor=owner, user=owner, role=Role.AGENT)
        with pytest.raises(TeamError):
            user_invite(account=account, actor=owner, email="x@teamtest.example", role=Role.OWNER, accept_url_base="/")
        with pytest.raises(TeamError):
            user_role_change(account=account, actor=agent, user=agent, role=Role.ADMIN)


def test_acc9_seat_limit_refuses_the_next_invitation_with_a_clear_message(team):
    account, client = team
    assert invite(client, "one@teamtest.example").status_code == 302
    assert invite(client, "two@teamtest.example", "admin").status_code == 302
    response = invite(client, "three@teamtest.example")
    assert response.status_code == 400
    assert "Alle 3 pladser i dit abonnement er i brug" in response.content.decode()
    with tenant_context(account):
        from accounts.workspace.models import Invitation

        assert sorted(Invitation.objects.values_list("email", flat=True)) == [
            "one@teamtest.example",
            "two@teamtest.example",
        ]


def test_acc13_staff_changes_fair_use_limits_and_they_are_enforced_at_once(team):
    account, client = team
    account_limits_change(account=account, actor="staff@kontoportal.test", reason="Fair use", seat_limit=1)
    assert reload(account).seat_limit == 1
    response = invite(client, "one@teamtest.example")
    assert response.status_code == 400 and "Alle 1 pladser" in response.content.decode()
    account_limits_change(
        account=reload(account), actor="staff@kontoportal.test", reason="Upgrade agreed", seat_limit=4
    )
    assert invite(client, "one@teamtest.example").status_code == 302


def test_acc9_agent_cannot_manage_users_or_stop_the_account(team):
    account, _client = team
    with tenant_context(account):
        User.objects.create_user("agent@teamtest.example", PASSWORD, full_name="Agent", role=Role.AGENT)
    agent = logged_in(account, "agent@teamtest.example")
    assert invite(agent, "x@teamtest.example").status_code == 403
    assert agent.get("/min-konto/stop/").status_code == 403
    assert agent.post("/min-konto/stop/", {"understand": "on", "confirm_slug": "teamtest"}).status_code == 403
    assert reload(account).status == AccountStatus.TRIAL


def test_acc10_stop_konto_needs_both_confirmations(team):
    account, client = team
    response = client.post("/min-konto/stop/", {"understand": "on", "confirm_slug": "wrong"})
    assert response.status_code == 400 and "Det er ikke denne kontos adresse (teamtest)" in response.content.decode()
    response = client.post("/min-konto/stop/", {"confirm_slug": "teamtest"})
    assert response.status_code == 400
    assert reload(account).status == AccountStatus.TRIAL


def test_acc10_stop_konto_cancels_at_once_and_access_ends(team):
    account, client = team
    response = client.post("/min-konto/stop/", {"understand": "on", "confirm_slug": "teamtest"})
    assert response.status_code == 302
    account = reload(account)
    assert account.status == AccountStatus.CANCELLED and account.cancelled_at is not None
    page = client.get("/min-konto/")
    assert page.status_code == 403 and "Denne konto er stoppet" in page.content.decode()
    again = logged_in(account, "owner@teamtest.example")
    assert again.get("/min-konto/users/").status_code == 403


def test_acc13_limits_cannot_change_after_the_data_is_deleted(team):
    from accounts.lifecycle import account_close

    account, _client = team
    account_close(account=account, actor="staff@kontoportal.test", reason="Breach")
    with pytest.raises(LifecycleError):
        account_limits_change(account=reload(account), actor="staff@kontoportal.test", reason="x", seat_limit=9)
