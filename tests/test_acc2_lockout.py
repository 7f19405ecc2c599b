"""ACC-2 (issue 15): logins lock after N failures per user and IP, on Min konto, the admin and the
API token endpoint, with a translated message; staff unlock in the admin. These tests run with the
real settings (AXES_FAILURE_LIMIT from KONTO_LOGIN_FAILURE_LIMIT, 5 by default); failed attempts
are rows in the database, so each test's rollback forgets them."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, host_client

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
LIMIT = settings.AXES_FAILURE_LIMIT


def speaking(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language switcher's choice
    return client


def fail(client: Client, path: str, username: str, ip: str = ATTACKER, times: int = LIMIT) -> None:
    for _ in range(times):
        client.post(path, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=ip)


def test_acc2_limit_and_cool_off_come_from_the_settings():
    assert LIMIT == int(__import__("os").environ.get("KONTO_LOGIN_FAILURE_LIMIT", "5"))
    assert settings.AXES_COOLOFF_TIME >= timedelta(minutes=1)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesBackend"


@pytest.mark.parametrize(
    ("language", "text"),
    [("da", "For din sikkerhed er login låst"), ("nb", "For din sikkerhet er innloggingen låst")],
)
def test_acc2_min_konto_login_locks_after_n_failures_even_for_the_right_password(account_a, language, text):
    client = speaking(host_client(account_a), language)
    # given N wrong passwords from one address
    fail(client, "/min-konto/login/", "owner@alfa.dk")
    # when the right password follows
    response = client.post(
        "/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    # then it is refused with the translated lockout page, and no session is made
    assert response.status_code == 429
    page = response.content.decode()
    assert text in page and "<main" in page  # the portal's own page (base template)
    assert "_auth_user_id" not in client.session
    # the same address with another case is the same user
    upper = client.post("/min-konto/login/", {"username": "OWNER@ALFA.DK", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert upper.status_code == 429


def test_acc2_lockout_is_per_user_and_ip_and_ends_after_the_cool_off(account_a):
    client = host_client(account_a)
    fail(client, "/min-konto/login/", "owner@alfa.dk")
    # the real Owner on another network still logs in
    elsewhere = host_client(account_a).post(
        "/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert elsewhere.status_code == 302
    # after the cool-off the right password works again from the attacker's address too
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        later = host_client(account_a).post(
            "/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
        )
    assert later.status_code == 302


def test_acc2_same_address_in_another_account_is_not_locked(account_a, account_b):
    fail(host_client(account_a), "/min-konto/login/", "owner@bravo.no")
    response = host_client(account_b).post(
        "/min-konto/login/", {"username": "owner@bravo.no", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 302


@pytest.mark.parametrize(("language", "text"), [("da", "er login låst"), ("nb", "er innloggingen låst")])
def test_acc2_admin_login_locks_after_n_failures(staff_user, language, text):
    client = speaking(host_client(None), language)
    fail(client, "/admin/login/", staff_user.email)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff_user.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429
    assert text in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not logged in


@pytest.mark.parametrize(("language", "text"), [("da", "er login låst"), ("nb", "er innloggingen låst")])
def test_acc2_api_token_endpoint_locks_with_a_json_message(staff_user, language, text):
    client = speaking(host_client(None), language)
    fail(client, "/api/v1/auth/token/", staff_user.email)
    response = client.post(
        "/api/v1/auth/token/", {"username": staff_user.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429
    assert text in response.json()["detail"]
    assert "token" not in response.json()
    # before the lockout, the endpoint still answers a wrong password with 400
    other = client.post("/api/v1/auth/token/", {"username": staff_user.email, "password": "x"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 400


def test_acc2_staff_unlock_in_the_admin_then_the_right_password_works(account_a, staff_user):
    client = host_client(account_a)
    fail(client, "/min-konto/login/", "owner@alfa.dk")
    assert (
        client.post(
            "/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
        ).status_code
        == 429
    )
    # staff find the locked pair in the public admin, with the account's schema in the name
    connection.set_schema_to_public()  # the last request left the connection in alfa's schema
    staff = host_client(None)
    staff.force_login(staff_user)
    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    attempt = AccessAttempt.objects.get(username="acct_alfa:owner@alfa.dk", ip_address=ATTACKER)
    assert attempt.failures_since_start >= LIMIT
    # and unlock it
    response = staff.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    again = host_client(account_a).post(
        "/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert again.status_code == 302
