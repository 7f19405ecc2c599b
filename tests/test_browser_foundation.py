"""A person in a browser: landing page, staff login and Min konto, in da and nb."""

import pytest

from conftest import PASSWORD
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "language", "heading"),
    [("da-DK", "da", "Din helpdeskkonto samlet ét sted"), ("nb-NO", "nb", "Helpdeskkontoen din, samlet på ett sted")],
)
def test_landing_and_admin_login_in_the_browsers_language(live_server, accounts_ready, locale, language, heading):
    with chromium() as browser:
        page = browser.new_page(locale=locale, viewport={"width": 1200, "height": 800})
        page.goto(host_url(live_server.url, "localhost", "/"))
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", level=1).inner_text() == heading
        screenshot(page, f"landing-{language}")

        page.goto(host_url(live_server.url, "localhost", "/admin/login/"))
        assert page.locator("html").get_attribute("lang") == language
        screenshot(page, f"admin-login-{language}")


def test_owner_logs_into_min_konto_and_switches_language(live_server, accounts_ready):
    with chromium() as browser:
        page = browser.new_page(locale="da-DK", viewport={"width": 1200, "height": 800})
        page.goto(host_url(live_server.url, "alfa.localhost", "/min-konto/"))
        # not logged in: the login page of this account, in the account's language (da)
        assert page.get_by_role("heading", level=1).inner_text() == "Log ind på Min konto"
        screenshot(page, "minkonto-login-da")
        page.get_by_label("E-mail").fill("owner@alfa.dk")
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/min-konto/")
        assert page.get_by_role("heading", level=1).inner_text() == "Min konto"
        assert page.get_by_text("Alfa Support ApS").first.is_visible()
        assert page.get_by_text("Prøveperiode").is_visible()
        screenshot(page, "minkonto-dashboard-da")

        page.get_by_role("button", name="Norsk bokmål").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "nb"
        assert page.get_by_text("Ingen betalt abonnement ennå").is_visible()
        assert page.get_by_role("button", name="Logg ut").is_visible()
        screenshot(page, "minkonto-dashboard-nb")

        page.get_by_role("button", name="Logg ut").click()
        page.wait_for_url("**/min-konto/login/")
        assert page.get_by_role("heading", level=1).inner_text() == "Logg inn på Min konto"
        screenshot(page, "minkonto-login-nb")
