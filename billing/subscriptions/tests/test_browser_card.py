"""BIL-7 in a browser on a phone (390 px): the card the bank always declines is refused when it is
saved, with the message in the Owner's language, and the current card stays — da and nb."""

from pathlib import Path

import pytest

from billing.subscriptions.models import PaymentMethod
from billing.subscriptions.tests.conftest import subscribe
from config.clock import now
from conftest import PASSWORD
from tests.browser import chromium, host_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "card"
REFUSED = {
    "da": "Din bank afviste kortet, da vi kontrollerede det.",
    "nb": "Banken din avviste kortet da vi kontrollerte det.",
}


@pytest.mark.parametrize("language", ["da", "nb"])
def test_bil7_always_declining_card_is_refused_at_save_on_a_phone(
    live_server, accounts_ready, plans, settings, language
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    account = accounts_ready[0] if language == "da" else accounts_ready[1]
    owner = "owner@alfa.dk" if language == "da" else "owner@bravo.no"
    subscribe(account, plans["team"], seats=2, cycle="monthly")
    host = f"{account.slug}.localhost"
    with chromium() as browser:
        page = browser.new_page(locale=language, viewport={"width": 390, "height": 844})
        page.goto(host_url(live_server.url, host, "/min-konto/login/"))
        page.locator("input[name=username]").fill(owner)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/min-konto/")
        page.goto(host_url(live_server.url, host, "/min-konto/plan/payment-method/"))
        page.locator("#id_card-number").fill("4000 0000 0000 0002")
        page.locator("#id_card-exp_month").fill("7")
        page.locator("#id_card-exp_year").fill(str(now().year + 3))
        page.locator("#id_card-cvc").fill("321")
        page.locator("#card-form button").click()
        page.wait_for_load_state()
        assert REFUSED[language] in page.locator(".messages").inner_text()
        assert "4242" in page.locator("#current-method").inner_text()  # the old card stays
        assert page.locator("#id_card-number").input_value() == ""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"card-declined-at-save-{language}.png"), full_page=True)
    assert PaymentMethod.objects.filter(account=account).count() == 1
