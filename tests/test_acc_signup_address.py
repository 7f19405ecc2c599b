"""ACC-1 / ACC-2: the sign-up's account address is a field of its own — proposed from the company
name, editable, checked live — and a person whose browser fills the form in a second is let in."""

import pytest
from django.core.cache import cache

from accounts.forms import started_token
from accounts.models import Account
from tests.acc_helpers import ensure_free_mail, signup_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit(accounts_ready):
    ensure_free_mail("gmail.com")
    cache.clear()
    yield
    cache.clear()


def form(**overrides: str) -> dict[str, str]:
    return signup_form(
        **{"full_name": "Rasmus Holm", "email": "rasmus@aeroe-vaerft.dk", "company": "Ærø Bådeværft ApS", "slug": ""}
        | overrides
    )


def test_acc1_the_signup_form_shows_the_account_address_as_an_editable_field(public_client):
    page = public_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'name="slug"' in page and "Kontoens adresse" in page
    assert 'data-slug-check="/signup/address/"' in page
    assert "style=" not in page.split("<main", 1)[-1]  # CSP-friendly: styles live in site.css


def test_acc1_a_second_aeroe_baadevaerft_completes_signup_with_a_free_address(public_client):
    first = public_client.post("/signup/", form())
    assert first.status_code == 302
    assert Account.objects.filter(slug="aeroe-baadevaerft", name="Ærø Bådeværft ApS").exists()

    # The second company of that name: the address field shows what was tried, the error
    # offers the suggestion, and one click on it (no script needed) completes the sign-up.
    second = form(full_name="Mette Holm", email="mette@aeroe-baad.dk")
    refused = public_client.post("/signup/", second, HTTP_ACCEPT_LANGUAGE="da")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'value="aeroe-baadevaerft"' in page
    assert 'name="use_slug" value="aeroe-baadevaerft-2"' in page
    assert "Brug aeroe-baadevaerft-2" in page
    assert Account.objects.filter(name="Ærø Bådeværft ApS").count() == 1

    accepted = public_client.post("/signup/", {**second, "use_slug": "aeroe-baadevaerft-2"})
    assert accepted.status_code == 302
    assert "aeroe-baadevaerft-2." in accepted["Location"]
    assert Account.objects.get(slug="aeroe-baadevaerft-2").name == "Ærø Bådeværft ApS"

    # A third chooses an address by hand.
    typed = form(full_name="Ole Holm", email="ole@aeroe-tre.dk", slug="Aeroe-Boats")
    assert public_client.post("/signup/", typed).status_code == 302
    assert Account.objects.get(slug="aeroe-boats").name == "Ærø Bådeværft ApS"


def test_acc1_a_hand_typed_address_against_hostname_rules_is_refused_on_its_field(public_client):
    response = public_client.post("/signup/", form(slug="ærø_værft"), HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    assert "a-z, 0-9" in response.content.decode()
    assert not Account.objects.filter(name="Ærø Bådeværft ApS").exists()


def test_acc1_a_human_submitting_within_a_second_is_not_refused(public_client):
    # The browser's autofill: the form is sent the moment it was shown.
    response = public_client.post("/signup/", form(started=started_token()))
    assert response.status_code == 302
    assert Account.objects.filter(slug="aeroe-baadevaerft").exists()


def test_acc2_the_bot_guard_still_refuses_a_filled_honeypot_and_a_reused_token(public_client):
    token = started_token()
    assert public_client.post("/signup/", form(website="http://spam.example", started=token)).status_code == 400
    assert public_client.post("/signup/", form(started=token)).status_code == 302
    again = public_client.post("/signup/", form(email="b@other-co.dk", slug="other-co", started=token))
    assert again.status_code == 400
    assert not Account.objects.filter(slug="other-co").exists()


def test_acc1_availability_endpoint_answers_free_taken_and_invalid(public_client):
    assert public_client.post("/signup/", form()).status_code == 302

    free = public_client.get("/signup/address/", {"slug": "fjord-support"}, HTTP_ACCEPT_LANGUAGE="da").json()
    assert (free["status"], free["suggestion"]) == ("free", "")
    assert free["message"] == "fjord-support er ledig."

    taken = public_client.get("/signup/address/", {"slug": "Aeroe-Baadevaerft"}, HTTP_ACCEPT_LANGUAGE="nb").json()
    assert (taken["status"], taken["suggestion"]) == ("taken", "aeroe-baadevaerft-2")
    assert taken["use"] == "Bruk aeroe-baadevaerft-2"

    reserved = public_client.get("/signup/address/", {"slug": "www"}).json()
    assert (reserved["status"], reserved["suggestion"]) == ("taken", "www-2")

    for bad in ("under_score", "-edge", "ærø", ""):
        assert public_client.get("/signup/address/", {"slug": bad}).json()["status"] == "invalid"


def test_acc2_availability_endpoint_is_throttled_per_ip(public_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_check_ip": "3/h"}
    for _ in range(3):
        assert public_client.get("/signup/address/", {"slug": "fjord"}).status_code == 200
    refused = public_client.get("/signup/address/", {"slug": "fjord"})
    assert refused.status_code == 429 and refused.json()["status"] == "throttled"
    other = public_client.get("/signup/address/", {"slug": "fjord"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_acc2_availability_endpoint_answers_while_redis_is_down(public_client, settings):
    # A closed local port: a real, unreachable Redis server. The check only reads: it fails open.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}}
    response = public_client.get("/signup/address/", {"slug": "www"})
    assert response.status_code == 200
    assert response.json()["status"] == "taken"
