"""The public policy pages (GDPR-1, ACC-14; E-commerce Directive Art. 5, GDPR Art. 13(2)(e)):
every page names the seller from the seller profile, the data-processing page says whether giving
the data is required and calls the seller's own vendors "databehandlere", and the demo terms give
consumers their right of withdrawal and existing customers notice of changes."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from billing.models import SellerProfile
from config.clock import now
from privacy.demo import processing_records_ensure
from subprocessors.services import page_cache_clear

# the pages in effect, and the archived terms and registry versions at their permanent addresses
POLICY_PAGES = ("/terms/", "/data-processing/", "/subprocessors/", "/policies/terms/1/", "/subprocessors/versions/1/")


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    page_cache_clear()
    yield
    page_cache_clear()


def seller_make(name: str, **extra: str) -> SellerProfile:
    """A new version of the seller profile, in force from a second ago (versions are never edited)."""
    fields = {
        "legal_name": name,
        "street": "Hlavná 7",
        "postcode": "040 01",
        "city": "Košice",
        "country": "SK",
        "vat_number": "SK2120046819",
        "company_id": "12 345 678",
        "register": "Obchodný register Okresného súdu Košice I, vložka č. 4242/V",
        "bank_name": "Tatra banka, a.s.",
        "iban": "SK31 1100 0000 0029 4512 3456",
        "bic": "TATRSKBX",
        "email": "hello@eksempel-desk.example",
    }
    fields.update(extra)
    return SellerProfile.objects.create(valid_from=now() - timedelta(seconds=1), **fields)


def text_of(response) -> str:
    assert response.status_code == 200, response.request["PATH_INFO"]
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def h2s(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


@pytest.mark.django_db
def test_gdpr1_every_policy_page_shows_the_sellers_identity(public_client):
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    seller_make("Eksempel Desk s.r.o.")
    expected = {
        "da": ("Virksomhedsnummer", "Momsnummer", "Handelsregister", "Slovakiet"),
        "nb": ("Organisasjonsnummer", "MVA-nummer", "Foretaksregister", "Slovakia"),
    }
    for language, labels in expected.items():
        for path in POLICY_PAGES:
            html = text_of(public_client.get(path, HTTP_ACCEPT_LANGUAGE=language))
            for value in (
                "Eksempel Desk s.r.o.",
                "Hlavná 7, 040 01 Košice",
                "12 345 678",
                "SK2120046819",
                "Obchodný register Okresného súdu Košice I, vložka č. 4242/V",
                "hello@eksempel-desk.example",
                *labels,
            ):
                assert value in html, f"{path} ({language}) lacks {value!r}"

    # Staff enter a new version of the profile: every page names the new company at once.
    seller_make("Nyt Navn Desk s.r.o.", company_id="87 654 321", email="kontakt@nyt-navn.example")
    for language in ("da", "nb"):
        for path in POLICY_PAGES:
            html = text_of(public_client.get(path, HTTP_ACCEPT_LANGUAGE=language))
            assert "Nyt Navn Desk s.r.o." in html and "87 654 321" in html and "kontakt@nyt-navn.example" in html
            assert "Eksempel Desk s.r.o." not in html, f"{path} ({language}) still names the old profile"


@pytest.mark.django_db
def test_gdpr1_data_processing_page_states_the_requirement_and_says_databehandlere(public_client):
    processing_records_ensure()
    expected = {
        # (Art. 13(2)(e) for the contract, the invoices and the newsletter records; the heading)
        "da": ("Krav i aftalen.", "Lovkrav.", "Hverken et lovkrav eller et krav i aftalen.", "Skal du give os"),
        "nb": ("Krav i avtalen.", "Lovkrav.", "Verken et lovkrav eller et krav i avtalen.", "Må du gi oss"),
    }
    for language, (contract, legal, voluntary, question) in expected.items():
        html = text_of(public_client.get("/data-processing/", HTTP_ACCEPT_LANGUAGE=language))
        for sentence in (contract, legal, voluntary, question):
            assert sentence in html, f"{language}: {sentence!r} missing"
        # without them: what the person loses is said, not only the legal basis
        assert ("uden dem kan vi ikke oprette" if language == "da" else "uten dem kan vi ikke opprette") in html
        headings = h2s(html)
        assert "Databehandlere" in headings, headings
        assert "Underdatabehandlere" not in headings, headings
        assert "Se listen over databehandlere" in html


@pytest.mark.django_db
def test_acc14_demo_terms_give_consumers_the_withdrawal_right_and_customers_notice_of_changes(public_client):
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    with translation.override("da"):
        stop_da = gettext("Stop account")
    with translation.override("nb"):
        stop_nb = gettext("Stop account")
    assert (stop_da, stop_nb) == ("Stop konto", "Stopp konto")

    da = text_of(public_client.get("/terms/", HTTP_ACCEPT_LANGUAGE="da"))
    assert "Fortrydelsesret for forbrugere" in da
    assert "14 dages fortrydelsesret" in da
    assert "mindst 30 dage, før ændringen gælder for dig" in da
    assert f"»{stop_da}«" in da

    nb = text_of(public_client.get("/terms/", HTTP_ACCEPT_LANGUAGE="nb"))
    assert "Angrerett for forbrukere" in nb
    assert "14 dagers angrerett" in nb
    assert "minst 30 dager før endringen gjelder for deg" in nb
    # The button is named as Norwegian readers see it in Min konto, never with the Danish label.
    assert f"«{stop_nb}»" in nb and "Stop konto" not in nb
