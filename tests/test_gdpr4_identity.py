"""GDPR-4: a login proves nothing about the e-mail address. Signing up with someone else's
address gives an account, but no verified privacy request and no erasure; the welcome link only
lets the Owner choose a password; the mailed confirmation link (or an accepted invitation, or a
completed password reset) proves the address."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import Account
from accounts.users.models import Role, User
from accounts.users.services import invitation_accept, user_invite
from core.models import AuditEvent
from privacy.models import PrivacyRequest, RequestKind, RequestStatus
from privacy.services.common import NotVerified
from privacy.services.erasure import erasure_run
from tests.acc_helpers import ensure_free_mail, signup_form

pytestmark = pytest.mark.django_db

VICTIM = "ingrid@nordlys-kundeservice.no"
PASSWORD = "blue-fjord-lantern-42"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/min-konto/confirm/[^\s/]+/")


@pytest.fixture(autouse=True)
def _free_mail(accounts_ready):
    ensure_free_mail("gmail.com")


def _signup(public_client: Client, capture, email: str = VICTIM, company: str = "Falsk Nordlys AS") -> Client:  # type: ignore[no-untyped-def]
    """Sign up as a stranger would; returns a client on the new host (not logged in yet)."""
    data = signup_form(full_name="Not Ingrid", email=email, company=company)
    with capture(execute=True):
        response = public_client.post("/signup/", data, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 302, response.content.decode()[:500]
    url = urlsplit(response["Location"])
    client = Client(HTTP_HOST=url.hostname)
    client.welcome_path = url.path  # type: ignore[attr-defined]
    return client


def _set_password(client: Client, path: str) -> None:
    done = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/min-konto/"


def test_gdpr4_signup_with_someone_elses_address_never_verifies_a_request(
    public_client, mailoutbox, django_capture_on_commit_callbacks
):
    # given: a stranger signs up with Ingrid's address and chooses a password on the welcome link
    client = _signup(public_client, django_capture_on_commit_callbacks)
    _set_password(client, client.welcome_path)  # type: ignore[attr-defined]
    # when: they ask for erasure in the new account's Min konto
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/min-konto/privacy/", {"kind": RequestKind.ERASURE, "details": ""})
    assert response.status_code == 302
    # then: the request waits for Ingrid's own confirmation, mailed to her address
    request = PrivacyRequest.objects.get(email=VICTIM)
    assert request.status == RequestStatus.UNVERIFIED and request.verification_method != "account_login"
    assert mailoutbox[-1].to == [VICTIM] and "/privacy/verify/" in mailoutbox[-1].body
    # and staff cannot erase on it
    with pytest.raises(NotVerified):
        erasure_run(request=request, actor=None)
    assert not request.erasure_steps.exists()
    # and Min konto neither shows requests filed under that address nor speaks for its consent
    page = client.get("/min-konto/privacy/").content.decode()
    assert "ikke bekræftet" in page and "Send bekræftelsen igen" in page
    assert client.post("/min-konto/privacy/consent/", {"marketing": "on"}).status_code == 302
    from privacy.marketing import marketing_allowed

    assert not marketing_allowed(VICTIM)


def test_gdpr4_welcome_link_does_not_bypass_confirmation(public_client, mailoutbox, django_capture_on_commit_callbacks):
    client = _signup(public_client, django_capture_on_commit_callbacks, email="welcome.only@gmail.com")
    welcome = client.welcome_path  # type: ignore[attr-defined]
    # the welcome link opens the password form and logs nobody in
    assert client.get(welcome).status_code == 200
    assert client.get("/min-konto/").status_code == 302
    # it is not the mailed link, and as a confirmation link it is refused
    assert welcome not in mailoutbox[-1].body
    token = welcome.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"/min-konto/confirm/{token}/").status_code == 302
    account = Account.objects.get(slug="falsk-nordlys")
    with tenant_context(account):
        assert User.objects.get(role=Role.OWNER).email_confirmed_at is None
    # after the password the Owner is logged in, still unconfirmed: requests go by e-mail
    _set_password(client, welcome)
    with tenant_context(account):
        assert User.objects.get(role=Role.OWNER).email_confirmed_at is None
    assert "ikke bekræftet" in client.get("/min-konto/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/min-konto/privacy/", {"kind": RequestKind.ACCESS, "details": ""})
    assert PrivacyRequest.objects.get(email="welcome.only@gmail.com").status == RequestStatus.UNVERIFIED
    # a spent welcome link opens nothing
    assert Client(HTTP_HOST="falsk-nordlys.localhost").get(welcome).status_code == 302


def test_gdpr4_after_confirming_via_mailed_link_a_min_konto_request_is_verified_by_login(
    public_client, mailoutbox, django_capture_on_commit_callbacks
):
    email = "karen@kirkegaard-service.dk"
    _signup(public_client, django_capture_on_commit_callbacks, email=email, company="Kirkegaard Service ApS")
    link = CONFIRM_LINK.search(mailoutbox[-1].body).group(0)
    # the mailed link confirms and, with no password yet, asks for one
    client = Client(HTTP_HOST="kirkegaard-service.localhost")
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()
    _set_password(client, urlsplit(link).path)
    account = Account.objects.get(slug="kirkegaard-service")
    with tenant_context(account):
        assert User.objects.get(email=email).email_confirmed_at is not None
    assert AuditEvent.objects.filter(account_id=account.pk, action="email_confirmed").exists()
    assert "ikke bekræftet" not in client.get("/min-konto/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/min-konto/privacy/", {"kind": RequestKind.ACCESS, "details": ""})
    request = PrivacyRequest.objects.get(email=email)
    assert request.status == RequestStatus.OPEN and request.verification_method == "account_login"
    # opened again, the link confirms nothing new and logs nobody in
    again = Client(HTTP_HOST="kirkegaard-service.localhost")
    assert again.get(urlsplit(link).path).status_code == 302
    assert again.get("/min-konto/").status_code == 302


def test_gdpr4_confirmation_sent_again_from_min_konto_and_capped(
    public_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = _signup(public_client, django_capture_on_commit_callbacks, email="again@gmail.com")
    _set_password(client, client.welcome_path)  # type: ignore[attr-defined]
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/min-konto/confirm/send/", {"next": "/min-konto/privacy/"})
        assert response.status_code == 302 and response["Location"] == "/min-konto/privacy/"
    sent = [m for m in mailoutbox if m.to == ["again@gmail.com"] and "/min-konto/confirm/" in m.body]
    assert len(sent) == 4  # the sign-up mail and three more
    # a fourth within the hour is refused with a message, not sent
    client.post("/min-konto/confirm/send/", {"next": "https://elsewhere.example/"})
    assert len([m for m in mailoutbox if m.to == ["again@gmail.com"]]) == 4
    # the newest link confirms; the user stays logged in
    client.get(urlsplit(CONFIRM_LINK.search(sent[-1].body).group(0)).path)
    with tenant_context(Account.objects.get(slug="falsk-nordlys")):
        assert User.objects.get(email="again@gmail.com").email_confirmed_at is not None


def test_gdpr4_confirmation_link_of_one_account_confirms_nobody_in_another(
    public_client, client_a, account_a, mailoutbox, django_capture_on_commit_callbacks
):
    _signup(public_client, django_capture_on_commit_callbacks, email="owner@alfa.dk")
    link = CONFIRM_LINK.search(mailoutbox[-1].body).group(0)
    # same address, a user with the same id in account A: the token is bound to its account
    with tenant_context(account_a):
        User.objects.filter(email="owner@alfa.dk").update(email_confirmed_at=None)
    assert client_a.get(urlsplit(link).path).status_code == 302
    with tenant_context(account_a):
        assert User.objects.get(email="owner@alfa.dk").email_confirmed_at is None


def test_gdpr4_accepted_invitation_and_completed_password_reset_prove_the_address(
    account_a, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(account_a):
        owner = User.objects.get(role=Role.OWNER)
        invitation = user_invite(
            account=account_a, actor=owner, email="agnete@alfa.dk", role=Role.AGENT, accept_url_base="/i/"
        )
        joined = invitation_accept(
            account=account_a, token=invitation.token, full_name="Agnete", password=PASSWORD, language="da"
        )
        assert joined.email_confirmed_at is not None
        User.objects.filter(pk=owner.pk).update(email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/min-konto/reset/", {"email": "owner@alfa.dk"})
    path = urlsplit(re.search(r"https?://\S+/min-konto/reset/\S+/", mailoutbox[-1].body).group(0)).path
    form = client_a.get(path, follow=True)
    assert form.status_code == 200
    done = client_a.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    with tenant_context(account_a):
        assert User.objects.get(pk=owner.pk).email_confirmed_at is not None
