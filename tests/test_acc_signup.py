"""Sign-up on the public host (ACC-1, ACC-2, ACC-3): the form, its refusals, the trial length."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import Account, AccountStatus, FreeMailDomain, MailLog
from accounts.signup import SignupError, account_signup, slug_for
from accounts.users.models import Role, User
from tests.acc_helpers import ensure_free_mail, origin, signup_form

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit(accounts_ready):
    ensure_free_mail("gmail.com")
    cache.clear()  # the per-IP counter lives in this test run's own Redis database
    yield
    cache.clear()


def form(**overrides: str) -> dict[str, str]:
    return signup_form(**overrides)


def test_acc1_signup_creates_account_schema_owner_and_lands_in_min_konto(
    public_client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post("/signup/", form())
    account = Account.objects.get(slug="kirkegaard-service")
    assert response.status_code == 302
    assert response["Location"].startswith(origin("kirkegaard-service.localhost") + "/min-konto/welcome/")
    assert (account.name, account.region, account.language, account.status) == (
        "Kirkegaard Service ApS",
        "EU",
        "da",
        AccountStatus.TRIAL,
    )
    assert schema_exists(account.schema_name)
    with tenant_context(account):
        owner = User.objects.get()
        assert (owner.email, owner.full_name, owner.role) == (
            "karen@kirkegaard-service.dk",
            "Karen Kirkegaard",
            Role.OWNER,
        )
    # the e-mail, in the chosen language, carries the link that confirms the address (GDPR-4);
    # the welcome link the browser was sent to is not in it
    mail = mailoutbox[-1]
    assert mail.to == ["karen@kirkegaard-service.dk"] and "er klar" in mail.subject
    path = response["Location"].removeprefix(origin("kirkegaard-service.localhost"))
    assert path not in mail.body and "/min-konto/confirm/" in mail.body
    # the welcome link asks for a password on the new host, and logs nobody in before that
    client = public_client.__class__(HTTP_HOST="kirkegaard-service.localhost")
    welcome = client.get(path)
    assert welcome.status_code == 200 and "Velkommen til Kirkegaard Service ApS" in welcome.content.decode()
    assert client.get("/min-konto/").status_code == 302
    done = client.post(path, {"new_password1": "blue-fjord-lantern-42", "new_password2": "blue-fjord-lantern-42"})
    assert done.status_code == 302 and done["Location"] == "/min-konto/"
    assert client.get("/min-konto/").status_code == 200
    # a password set, the link is spent
    assert client.__class__(HTTP_HOST="kirkegaard-service.localhost").get(path).status_code == 302


@pytest.mark.parametrize(
    ("company", "slug"),
    [
        ("Fjord Support ApS", "fjord-support"),
        ("Blåbær & Ærø Kundeservice A/S", "blaabaer-aeroe-kundeservice"),
        ("Nordlys Kundeservice AS", "nordlys-kundeservice"),
        ("Øst-Vest Helpdesk", "oest-vest-helpdesk"),
    ],
)
def test_acc1_subdomain_comes_from_the_company_name(company, slug):
    assert slug_for(company) == slug


def test_acc1_taken_slug_is_refused_with_a_free_suggestion_and_creates_nothing(public_client):
    before = Account.objects.count()
    response = public_client.post("/signup/", form(company="Alfa"), HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Adressen alfa er opptatt. Du kan bruke alfa-2 i stedet." in page
    assert Account.objects.count() == before


@pytest.mark.parametrize("company", ["www", "Admin", "API"])
def test_acc1_reserved_slug_is_refused(public_client, company):
    response = public_client.post("/signup/", form(company=company))
    assert response.status_code == 400
    assert f"{company.lower()}-2" in response.content.decode()
    assert not Account.objects.filter(slug=company.lower()).exists()


def test_acc1_invalid_email_and_missing_fields_are_refused(public_client):
    response = public_client.post("/signup/", form(email="not-an-address", full_name=""))
    assert response.status_code == 400
    assert not Account.objects.filter(slug="kirkegaard-service").exists()


def test_acc2_without_18_plus_confirmation_nothing_is_created(public_client):
    response = public_client.post("/signup/", form(adult=""))
    assert response.status_code == 400
    assert "Du skal være fyldt 18 år" in response.content.decode()
    assert not Account.objects.filter(slug="kirkegaard-service").exists()


def test_acc2_honeypot_filled_is_refused(public_client):
    response = public_client.post("/signup/", form(website="http://spam.example"))
    assert response.status_code == 400
    assert not Account.objects.filter(slug="kirkegaard-service").exists()


@pytest.mark.parametrize("started", ["forged", ""])
def test_acc2_a_forged_or_missing_timer_token_is_refused(public_client, started):
    token = {"forged": "123:abc", "": ""}[started]
    response = public_client.post("/signup/", form(started=token))
    assert response.status_code == 400
    assert not Account.objects.filter(slug="kirkegaard-service").exists()


def test_acc2_rate_limit_per_ip(public_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": "2/h"}
    for n in range(2):
        public_client.post("/signup/", form(company=f"Rate Test {n}", email=f"r{n}@rate-test.dk"))
    response = public_client.post("/signup/", form(company="Rate Test 9", email="r9@rate-test.dk"))
    assert response.status_code == 429
    assert not Account.objects.filter(slug="rate-test-9").exists()
    # another address is not affected
    other = public_client.post("/signup/", form(company="Rate Test 8", email="r8@rate-test.dk"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_acc3_freemail_trial_is_exactly_7_days():
    t0 = datetime(2027, 1, 31, 23, 30, tzinfo=CPH)  # month end, late evening
    with time_machine.travel(t0, tick=False):
        account = account_signup(
            full_name="Per Hansen", email="Per.Hansen@Gmail.com", company="Per", region="EU", language="da"
        ).account
    assert account.trial_ends_at == datetime(2027, 2, 7, 23, 30, tzinfo=CPH)


def test_acc3_company_domain_trial_is_30_days_across_summer_time():
    t0 = datetime(2027, 3, 15, 9, 0, tzinfo=CPH)
    with time_machine.travel(t0, tick=False):
        account = account_signup(
            full_name="Ida Lund", email="ida@lund-it.dk", company="Lund IT", region="EU", language="da"
        ).account
    # 30 local calendar days: 14 April 09:00 Copenhagen time although the clocks moved on 28 March
    assert account.trial_ends_at == datetime(2027, 4, 14, 9, 0, tzinfo=CPH)


def test_acc3_free_mail_list_is_staff_editable():
    FreeMailDomain.objects.create(domain="posteo.de")
    FreeMailDomain.objects.filter(domain="gmail.com").delete()
    t0 = datetime(2027, 5, 3, 12, 0, tzinfo=CPH)
    with time_machine.travel(t0, tick=False):
        a = account_signup(
            full_name="A B", email="ab@posteo.de", company="Posteo User", region="EU", language="da"
        ).account
        b = account_signup(
            full_name="C D", email="cd@gmail.com", company="Gmail User", region="EU", language="da"
        ).account
    assert a.trial_ends_at - t0 == timedelta(days=7)
    assert b.trial_ends_at - t0 == timedelta(days=30)


def test_acc1_a_refused_signup_leaves_no_row_schema_or_mail():
    with pytest.raises(SignupError):
        account_signup(full_name="X", email="x@x.dk", company="Alfa", region="EU", language="da")
    assert not MailLog.objects.filter(recipient="x@x.dk").exists()
    assert not schema_exists("acct_alfa_2")


def test_acc1_an_orphan_schema_makes_the_address_taken():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA acct_orphan_co")
    with pytest.raises(SignupError) as refused:
        account_signup(full_name="O", email="o@orphan.dk", company="Orphan Co", region="EU", language="da")
    assert "orphan-co-2" in str(refused.value.message)
