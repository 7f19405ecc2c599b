""" "Find my account" on the public host (issue 16, ACC-1): an e-mail address gets one mail listing
the accounts where it is an active user; the page answers the same for an unknown address; the
form is throttled per address and per IP and fails open without Redis."""

import re

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from accounts.models import MailLog
from accounts.users.models import Role, User
from core.links import account_url

pytestmark = pytest.mark.django_db

SENT = "Hvis adressen tilhører en bruger af en konto"
REDIS_DOWN = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}}


def page(answer) -> str:
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", answer.content.decode())


def ask(client, email: str, ip: str = "198.51.100.7"):
    return client.post("/find-account/", {"email": email}, REMOTE_ADDR=ip)


def test_acc1_find_my_account_mails_the_addresses_and_answers_the_same_for_an_unknown_email(
    account_a, account_b, public_client, mailoutbox, django_capture_on_commit_callbacks
):
    # given one address that is a user in both accounts (inactive nowhere)
    for account in (account_a, account_b):
        with tenant_context(account):
            User.objects.create_user("kari@example.org", full_name="Kari Kunde", role=Role.AGENT)
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    # when it asks on the public host, and so does an unknown address
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(public_client, "Kari@Example.org")
        unknown = ask(public_client, "nobody@example.org", ip="198.51.100.8")
    # then both get the same page
    assert known.status_code == unknown.status_code == 200
    assert SENT in known.content.decode() and SENT in unknown.content.decode()
    assert page(known) == page(unknown)
    # and only the known address gets one mail, in Danish, listing both account addresses
    assert [m.to for m in mailoutbox] == [["kari@example.org"]]
    body = mailoutbox[0].body
    assert account_url(account_a) in body and account_url(account_b) in body
    assert account_a.name in body and account_b.name in body
    assert "Du kan logge ind her" in body
    assert not MailLog.objects.filter(recipient="nobody@example.org").exists()


def test_acc1_find_my_account_mail_reads_in_the_language_of_the_page_and_skips_inactive_users(
    account_a, account_b, public_client, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(account_a):
        User.objects.create_user("per@example.org", full_name="Per Kunde", role=Role.AGENT)
    with tenant_context(account_b):
        User.objects.create_user("per@example.org", full_name="Per Kunde", role=Role.AGENT, is_active=False)
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    with django_capture_on_commit_callbacks(execute=True):
        answer = ask(public_client, "per@example.org")
    assert "Hvis adressen tilhører en bruker av en konto" in answer.content.decode()
    body = mailoutbox[0].body
    assert "Du kan logge inn her" in body
    assert account_url(account_a) in body and account_url(account_b) not in body


def test_acc1_public_min_konto_leads_to_find_my_account_instead_of_a_404(public_client):
    answer = public_client.get("/min-konto/")
    assert answer.status_code in {301, 302} and answer["Location"] == "/find-account/"
    assert "/find-account/" in public_client.get("/").content.decode()


def test_acc1_find_my_account_bad_input_is_answered_by_the_form(public_client, mailoutbox):
    assert ask(public_client, "a" * 300 + "@example.org").status_code == 400
    assert ask(public_client, "not an address").status_code == 400
    assert ask(public_client, "kari\x00@example.org").status_code == 400
    assert mailoutbox == []


def test_acc1_find_my_account_is_throttled_per_address_and_per_ip(account_a, public_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "find_account_ip": "4/h"}
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    # per address (3/h by default), from different networks
    answers = [ask(public_client, "owner@alfa.dk", ip=f"203.0.113.{n}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    # per IP, across addresses
    answers = [ask(public_client, f"p{n}@example.org", ip="192.0.2.9").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    refused = ask(public_client, "p9@example.org", ip="192.0.2.9")
    assert "For mange forsøg på kort tid" in refused.content.decode()


def test_acc1_find_my_account_fails_open_when_redis_is_down(public_client, settings):
    settings.CACHES = REDIS_DOWN
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    answer = ask(public_client, "owner@alfa.dk")
    assert answer.status_code == 200 and SENT in answer.content.decode()
