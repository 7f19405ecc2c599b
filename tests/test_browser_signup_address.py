"""ACC-1 in a browser: the sign-up proposes the account address from the company name, checks it
while typing, and a taken one offers its suggestion in one click — with screenshots in da and nb."""

import pytest
from django.core.cache import cache

from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(live_server, accounts_ready):
    cache.clear()
    yield live_server
    cache.clear()


@pytest.mark.parametrize(
    ("locale", "label", "use", "free"),
    [
        ("da-DK", "Kontoens adresse", "Brug support-2", "support-2 er ledig."),
        ("nb-NO", "Kontoens adresse", "Bruk support-2", "support-2 er ledig."),
    ],
)
def test_acc1_signup_proposes_checks_and_fixes_the_account_address(portal, locale, label, use, free):
    with chromium() as browser:
        page = browser.new_page(locale=locale, viewport={"width": 390, "height": 900})
        page.goto(host_url(portal.url, "localhost", "/signup/"))
        address = page.get_by_label(label)
        # "Support" is a name the portal keeps for itself: the proposed address is taken.
        page.locator("input[name=company]").press_sequentially("Support ApS")
        assert address.input_value() == "support"
        button = page.get_by_role("button", name=use)
        button.wait_for()
        screenshot(page, f"signup-address-taken-{locale[:2]}")
        button.click()
        assert address.input_value() == "support-2"
        page.get_by_text(free).wait_for()
        screenshot(page, f"signup-address-free-{locale[:2]}")
        # the page is no wider than a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
