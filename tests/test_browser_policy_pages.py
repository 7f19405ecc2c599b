"""The public policy pages in a real browser, on a 390 px phone and a 1280 px screen, in da and
nb (GDPR-1, SUB-1, ACC-14): nothing is wider than the viewport — the registry's entries are cards,
no element sticks out, not even inside a scroll box — and the seller's identity is on every page. Screenshots are kept
under var/test-artifacts/policy-pages/."""

from pathlib import Path

import pytest
from django.core.management import call_command

from billing.models import SellerProfile
from billing.reference import DEMO_SELLER
from config.clock import now
from privacy.demo import processing_records_ensure
from subprocessors.services import page_cache_clear
from tests.browser import chromium, host_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts" / "policy-pages"
PAGES = {"terms": "/terms/", "data-processing": "/data-processing/", "subprocessors": "/subprocessors/"}
WIDTHS = (390, 1280)
LOCALES = {"da": "da-DK", "nb": "nb-NO"}

# scrollWidth of the page, and every element that sticks out of the viewport (cut off inside a
# scrolling box counts too: the registry used to hide its last columns that way)
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
  }
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def demo(accounts_ready):
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    processing_records_ensure()
    SellerProfile.objects.create(valid_from=now(), **DEMO_SELLER)
    page_cache_clear()
    yield
    page_cache_clear()


def test_gdpr1_policy_pages_fit_a_390_px_phone_and_a_1280_px_screen_in_da_and_nb(live_server, demo):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for language, locale in LOCALES.items():
            for width in WIDTHS:
                page = browser.new_page(locale=locale, viewport={"width": width, "height": 900})
                for name, path in PAGES.items():
                    page.goto(host_url(live_server.url, "localhost", path))
                    assert page.locator("html").get_attribute("lang") == language
                    measured = page.evaluate(OVERFLOW_JS)
                    assert measured["scroll"] <= width and not measured["wide"], (
                        f"{path} {language} {width}px: {measured}"
                    )
                    # The seller's identity is on the page, with its VAT number.
                    assert page.locator(".seller-identity").get_by_text(DEMO_SELLER["vat_number"]).is_visible()
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"), full_page=True)
                page.close()

        # The registry's entries are cards whose fields carry their own labels, phone or not.
        for width in WIDTHS:
            page = browser.new_page(locale="nb-NO", viewport={"width": width, "height": 900})
            page.goto(host_url(live_server.url, "localhost", "/subprocessors/"))
            assert page.locator("table.registry thead").first.is_hidden()
            mechanism = page.locator("tr[data-region=UK] td[data-label='Overføringsgrunnlag']")
            assert mechanism.is_visible() and "EU-U.S. Data Privacy Framework" in mechanism.inner_text()
            page.close()
