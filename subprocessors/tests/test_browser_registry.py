"""A person in a browser: the public registry in da and nb, region filter, subscribing, a version
diff, and the account's own page in Min konto (SUB-1, SUB-2, SUB-4, ACC-14)."""

import pytest
from django.core.management import call_command

from conftest import PASSWORD
from subprocessors.models import Subscriber
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(accounts_ready):
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))


def test_sub1_sub2_sub4_public_registry_in_the_browser(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(locale="da-DK", viewport={"width": 1280, "height": 900})
        page.goto(host_url(live_server.url, "localhost", "/subprocessors/"))
        assert page.get_by_role("heading", level=1).inner_text() == "Underdatabehandlere"
        assert page.get_by_text("Sidst opdateret").is_visible()
        assert page.get_by_role("heading", name="Underdatabehandlere for infrastruktur").is_visible()
        assert page.locator("tr[data-region=UK]").count() == 1
        screenshot(page, "registry-da")

        # Region filter: only the UK and all-region entries remain.
        page.select_option("#region", "UK")
        page.wait_for_url("**/subprocessors/?region=UK")
        assert page.locator("tr[data-region=EU]").count() == 0
        assert page.locator("tr[data-region=UK]").count() == 1
        screenshot(page, "registry-region-uk-da")

        page.get_by_role("button", name="Norsk bokmål").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "nb"
        assert page.get_by_text("Sist oppdatert").is_visible()
        screenshot(page, "registry-region-uk-nb")

        page.goto(host_url(live_server.url, "localhost", "/subprocessors/"))
        screenshot(page, "registry-nb")

        # Subscribe (double opt-in: the page asks to check the inbox).
        page.get_by_role("link", name="Abonner på varsler").click()
        page.locator("#id_email").fill("dpo@example.test")
        screenshot(page, "registry-subscribe-nb")
        page.get_by_role("button", name="Abonner").click()
        assert page.get_by_role("heading", name="Sjekk innboksen din").is_visible()
        screenshot(page, "registry-subscribed-nb")
        subscriber = Subscriber.objects.get()
        assert subscriber.language == "nb" and subscriber.confirmed_at is None

        # The change history leads to version 2 with its diff.
        page.goto(host_url(live_server.url, "localhost", "/subprocessors/"))
        page.get_by_role("link", name="2", exact=True).click()
        assert page.get_by_role("heading", name="Underdatabehandlere, versjon 2").is_visible()
        assert page.locator(".diff-added").first.is_visible()
        screenshot(page, "registry-version-2-diff-nb")


def test_sub2_acc14_minkonto_registry_page_and_terms_notice(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(locale="da-DK", viewport={"width": 1280, "height": 900})
        page.goto(host_url(live_server.url, "alfa.localhost", "/min-konto/login/"))
        page.get_by_label("E-mail").fill("owner@alfa.dk")
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/min-konto/")
        assert page.get_by_text("Vores servicevilkår er ændret.").is_visible()
        screenshot(page, "minkonto-terms-notice-da")
        page.get_by_role("button", name="Jeg har læst dem").click()
        page.wait_for_url("**/min-konto/")
        assert page.get_by_text("Vores servicevilkår er ændret.").count() == 0

        page.get_by_role("link", name="Underdatabehandlere og databehandleraftale").click()
        assert page.get_by_role("heading", name="Varslede nye underdatabehandlere").is_visible()
        assert page.get_by_text("Websupport, s.r.o.").first.is_visible()
        assert page.get_by_text("London, United Kingdom").count() == 0
        screenshot(page, "minkonto-subprocessors-da")

        # The Norwegian account in the UK region sees its own region's list, in Norwegian.
        page = browser.new_page(locale="nb-NO", viewport={"width": 1280, "height": 900})
        page.goto(host_url(live_server.url, "bravo.localhost", "/min-konto/login/"))
        page.locator("input[name=username]").fill("owner@bravo.no")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/min-konto/")
        assert page.get_by_text("Tjenestevilkårene våre er endret.").is_visible()
        page.goto(host_url(live_server.url, "bravo.localhost", "/min-konto/subprocessors/"))
        assert page.get_by_role("heading", name="Underdatabehandlere for kontoen din").is_visible()
        assert page.get_by_text("London, United Kingdom").is_visible()
        assert page.get_by_text("Frankfurt, Germany").count() == 0
        page.get_by_role("button", name="Tillat kundestøttens tilgang").click()
        assert page.get_by_text("Kundestøtten har nå tilgang til kontoens data.").is_visible()
        screenshot(page, "minkonto-subprocessors-nb")
