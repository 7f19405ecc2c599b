"""ACC-1 / ACC-2: bad sign-up input gets a clear form error and creates nothing (never a 500);
account addresses are host name labels; the form's timer token is good for one sign-up."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from accounts.forms import started_token
from accounts.models import Account
from accounts.signup import SignupError, account_signup, slug_for
from core.models import AuditEvent
from tests.acc_helpers import ensure_free_mail, signup_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _free_mail(accounts_ready):
    ensure_free_mail("gmail.com")


def form(**overrides: str) -> dict[str, str]:
    return signup_form(**overrides)


def test_acc1_300_character_email_is_a_form_error_and_creates_nothing(public_client):
    accounts, events = Account.objects.count(), AuditEvent.objects.count()
    email = "k" * 280 + "@kirkegaard-service.dk"
    response = public_client.post("/signup/", form(email=email), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    assert "højst have 254 tegn" in response.content.decode()
    assert (Account.objects.count(), AuditEvent.objects.count()) == (accounts, events)


@pytest.mark.parametrize("field", ["full_name", "company"])
def test_acc1_overlong_names_are_form_errors(public_client, field):
    response = public_client.post("/signup/", form(**{field: "Å" * 201}), HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400 and "200 eller færre tegn" in response.content.decode()
    assert not Account.objects.filter(slug__startswith="kirkegaard").exists()


def test_acc1_the_service_refuses_overlong_input_too():
    with pytest.raises(SignupError) as refused:
        account_signup(full_name="Karen", email="k" * 250 + "@x.dk", company="Lang ApS", region="EU", language="da")
    assert refused.value.field == "email"
    assert not Account.objects.filter(slug="lang").exists()


@pytest.mark.parametrize(
    ("company", "slug"),
    [
        ("Under_Score ApS", "under-score"),
        ("__Snake__Case__ A/S", "snake-case"),
        ("Ω Service", "service"),
        ("A" * 80, "a" * 50),
    ],
)
def test_acc1_account_address_is_a_hostname_label(company, slug):
    assert slug_for(company) == slug


def test_acc1_underscore_company_gets_a_hostname_and_its_host_answers(public_client):
    response = public_client.post("/signup/", form(company="Under_Score ApS"))
    assert response.status_code == 302
    account = Account.objects.get(name="Under_Score ApS")
    assert account.slug == "under-score"
    host = Client(HTTP_HOST="under-score.localhost")
    assert host.get("/min-konto/login/").status_code == 200


def test_acc1_an_address_against_hostname_rules_is_refused():
    with pytest.raises(SignupError):
        account_signup(full_name="Karen", email="k@x.dk", company="X", region="EU", language="da", slug="under_score")
    assert not Account.objects.filter(slug="under_score").exists()


def test_acc2_a_timer_token_is_good_for_one_signup(public_client):
    token = started_token(time.time() - 30)
    assert public_client.post("/signup/", form(started=token)).status_code == 302
    again = public_client.post(
        "/signup/",
        form(started=token, email="other@gmail.com", company="Second Company ApS"),
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert again.status_code == 400
    assert "allerede oprettet en konto" in again.content.decode()
    assert not Account.objects.filter(slug="second-company").exists()


def test_acc2_a_refused_signup_leaves_its_timer_token_usable(public_client):
    token = started_token(time.time() - 30)
    assert public_client.post("/signup/", form(started=token, company="www")).status_code == 400
    assert public_client.post("/signup/", form(started=token)).status_code == 302


def test_acc2_an_expired_timer_token_is_refused(public_client):
    with time_machine.travel(datetime.now(UTC) - timedelta(hours=25)):
        token = started_token()
    response = public_client.post("/signup/", form(started=token))
    assert response.status_code == 400
    assert not Account.objects.filter(slug="kirkegaard-service").exists()
