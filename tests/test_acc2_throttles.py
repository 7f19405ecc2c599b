"""ACC-2 (issue 15): throttles on the forms that mail an address or create an account, with
django-ratelimit counting in Redis; with Redis down each fails open or closed as declared in
accounts/throttle.py, never with a 500. The rates are the real settings' defaults unless a test
says otherwise. Every test starts with no count (conftest.throttle_counters_fresh)."""

import pytest
from django.conf import settings

from accounts.models import Account, MailLog
from conftest import host_client
from subprocessors.models import Subscriber
from tests.acc_helpers import signup_form

pytestmark = pytest.mark.django_db

# A closed local port: a real, unreachable Redis server (not a mock).
REDIS_DOWN = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = REDIS_DOWN  # the cache connections are rebuilt on the setting change
    yield


def throttle_form(n: int, email: str) -> dict[str, str]:
    return signup_form(email=email, company=f"Throttle Test {n}")


def reset(client, email: str, ip: str):
    return client.post("/min-konto/reset/", {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("email", ["owner@alfa.dk", "nobody@alfa.dk"])
def test_acc2_fourth_reset_mail_to_one_address_within_the_hour_is_not_sent(
    account_a, email, mailoutbox, django_capture_on_commit_callbacks
):
    client = host_client(account_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    # given three reset requests from three networks
    with django_capture_on_commit_callbacks(execute=True):
        answers = [reset(client, email, f"198.51.100.{n}").status_code for n in range(3)]
        # when a fourth follows within the hour
        fourth = reset(client, email, "198.51.100.99")
    # then it is refused with a clear message, the same whether or not the address has a user
    assert answers == [302, 302, 302]
    assert fourth.status_code == 429
    assert "For mange forsøg på kort tid" in fourth.content.decode()
    sent = [m for m in mailoutbox if email in m.to]
    assert len(sent) == (3 if email == "owner@alfa.dk" else 0)
    assert MailLog.objects.filter(recipient=email, template="password_reset").count() == len(sent)


def test_acc2_reset_requests_from_one_ip_are_capped_across_addresses(account_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_ip": "2/h"}
    client = host_client(account_a)
    assert reset(client, "a@example.org", "203.0.113.5").status_code == 302
    assert reset(client, "b@example.org", "203.0.113.5").status_code == 302
    assert reset(client, "c@example.org", "203.0.113.5").status_code == 429
    assert reset(client, "c@example.org", "203.0.113.6").status_code == 302


def test_acc2_third_subscribe_to_one_address_is_not_mailed(
    public_client, mailoutbox, django_capture_on_commit_callbacks
):
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    with django_capture_on_commit_callbacks(execute=True):
        first = [
            public_client.post("/subprocessors/subscribe/", {"email": "flood@example.org"}, REMOTE_ADDR=f"10.0.0.{n}")
            for n in range(2)
        ]
        third = public_client.post("/subprocessors/subscribe/", {"email": "flood@example.org"}, REMOTE_ADDR="10.0.9.9")
    assert [r.status_code for r in first] == [200, 200]
    assert third.status_code == 429
    assert "For mange forsøk på kort tid" in third.content.decode()
    assert len([m for m in mailoutbox if "flood@example.org" in m.to]) == 2


def test_acc2_signup_limit_per_address_is_not_bypassed_by_changing_network(public_client, settings):
    limit = int(settings.RATE_LIMITS["signup_address"].split("/")[0])
    for n in range(limit):
        public_client.post("/signup/", throttle_form(n, f"same{n}@throttle-test.dk"), REMOTE_ADDR=f"192.0.2.{n}")
    # the same address again, from yet another network, as many times as the limit allows
    answers = [
        public_client.post("/signup/", throttle_form(10 + n, "same@throttle-test.dk"), REMOTE_ADDR=f"192.0.2.{50 + n}")
        for n in range(limit + 1)
    ]
    assert [a.status_code for a in answers] == [302] * limit + [429]
    assert not Account.objects.filter(slug=f"throttle-test-{10 + limit}").exists()


# --- Redis down: a closed local port -----------------------------------------------------------


def test_acc2_redis_down_reset_fails_open_and_is_mailed(
    redis_down, account_a, mailoutbox, django_capture_on_commit_callbacks
):
    client = host_client(account_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = reset(client, "owner@alfa.dk", "198.51.100.1")
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_acc2_redis_down_subscribe_fails_open(
    redis_down, public_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post("/subprocessors/subscribe/", {"email": "down@example.org"})
    assert response.status_code == 200
    assert Subscriber.objects.filter(email="down@example.org").exists()
    assert len(mailoutbox) == 1


def test_acc2_redis_down_signup_fails_closed_with_a_message_not_a_500(redis_down, public_client, settings):
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    response = public_client.post("/signup/", throttle_form(1, "down@throttle-test.dk"))
    assert response.status_code == 429
    assert "Det er ikke muligt lige nu" in response.content.decode()
    assert not Account.objects.filter(slug="throttle-test-1").exists()


def test_acc2_redis_down_privacy_request_fails_open(
    redis_down, public_client, mailoutbox, django_capture_on_commit_callbacks
):
    from privacy.models import PrivacyRequest

    data = {"kind": "access", "full_name": "Ola", "email": "down@example.org", "role": "controller"}
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post("/privacy/request/", data)
    assert response.status_code == 302
    assert PrivacyRequest.objects.filter(email="down@example.org").exists()
    assert len(mailoutbox) == 1
