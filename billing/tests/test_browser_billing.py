"""A person in a browser: the Owner sees invoices, changes billing details and has the last
invoice re-issued (BIL-8), in Danish; the Norwegian pages too. Screenshots are kept."""

import pytest

from billing.pdf import document_pdf_store
from billing.services.documents import invoice_issue
from billing.tests.conftest import PASSWORD_FOR_TESTS, seats
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, host: str, email: str, password_label: str, button: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(host_url(live_server.url, host, "/min-konto/login/"))
    page.get_by_label("E-mail" if password_label == "Adgangskode" else "E-post").fill(email)
    page.get_by_label(password_label).fill(PASSWORD_FOR_TESTS)
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/min-konto/")


def test_bil8_owner_reissues_the_last_invoice_in_the_browser_da(live_server, accounts_ready, make_profile):
    account = accounts_ready[0]
    make_profile(account, country="DK")
    invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
    document_pdf_store(document_id=invoice.pk)
    with chromium() as browser:
        page = browser.new_page(locale="da-DK", viewport={"width": 1200, "height": 900})
        log_in(page, live_server, "alfa.localhost", "owner@alfa.dk", "Adgangskode", "Log ind")
        page.get_by_role("link", name="Fakturering").click()
        page.wait_for_url("**/min-konto/billing/")
        assert page.get_by_role("cell", name=invoice.number).is_visible()
        screenshot(page, "billing-list-da")

        page.get_by_role("link", name="Ret faktureringsoplysninger").click()
        page.get_by_label("Adresse").fill("Strandvejen 7")
        page.get_by_label("Momsnummer").fill("DK12345678")
        page.get_by_role("button", name="Gem").click()
        assert page.get_by_text("Momsnummeret er ikke gyldigt").is_visible()
        screenshot(page, "billing-details-invalid-vat-da")

        page.get_by_label("Momsnummer").fill("")
        page.get_by_role("button", name="Gem").click()
        assert page.get_by_text("Dine faktureringsoplysninger er gemt.").is_visible()
        screenshot(page, "billing-details-da")

        page.get_by_role("button", name="Genudsted den seneste faktura").click()
        page.wait_for_url("**/min-konto/billing/")
        assert page.get_by_text(f"Faktura {invoice.number} blev annulleret med kreditnota").is_visible()
        assert page.get_by_text(f"Krediterer faktura {invoice.number}").is_visible()
        screenshot(page, "billing-list-after-reissue-da")


def test_bil11_billing_pages_in_norwegian(live_server, accounts_ready, make_profile):
    account = accounts_ready[1]
    make_profile(account, country="NO")
    invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
    document_pdf_store(document_id=invoice.pk)
    with chromium() as browser:
        page = browser.new_page(locale="nb-NO", viewport={"width": 1200, "height": 900})
        log_in(page, live_server, "bravo.localhost", "owner@bravo.no", "Passord", "Logg inn")
        page.goto(host_url(live_server.url, "bravo.localhost", "/min-konto/billing/"))
        assert page.get_by_role("heading", name="Fakturaer, kreditnotaer og betalinger").is_visible()
        assert page.get_by_role("link", name="Last ned").is_visible()
        screenshot(page, "billing-list-nb")
        page.get_by_role("link", name="Endre faktureringsopplysninger").click()
        assert page.get_by_role("button", name="Utsted den siste fakturaen på nytt").is_visible()
        screenshot(page, "billing-details-nb")
