"""A person in a browser (BIL-2, BIL-7, BIL-6): upgrade with its preview, card replacement, and
the receipt in the staff's mail log — in Danish and in Norwegian."""

import re

import pytest

from accounts.models import MailLog
from billing.subscriptions.models import Charge
from billing.subscriptions.tests.conftest import subscribe
from config.clock import now
from conftest import PASSWORD
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "da": {
        "confirm": "Bekræft og betal",
        "upgraded": "Opgraderet",
        "saved": "Betalingsmidlet er gemt",
        "invalid": "Kortnummeret er ikke gyldigt",
        "receipt": "Kvittering",
    },
    "nb": {
        "confirm": "Bekreft og betal",
        "upgraded": "Oppgradert",
        "saved": "Betalingsmåten er lagret",
        "invalid": "Kortnummeret er ikke gyldig",
        "receipt": "Kvittering",
    },
}


@pytest.mark.parametrize("language", ["da", "nb"])
def test_bil2_bil7_bil6_upgrade_with_preview_card_replacement_and_receipt(
    live_server, accounts_ready, plans, staff_user, settings, language
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    account = accounts_ready[0] if language == "da" else accounts_ready[1]
    owner = "owner@alfa.dk" if language == "da" else "owner@bravo.no"
    text = TEXT[language]
    subscribe(account, plans["team"], seats=2, cycle="annual")
    host = f"{account.slug}.localhost"
    with chromium() as browser:
        page = browser.new_page(locale=language, viewport={"width": 1200, "height": 900})
        page.goto(host_url(live_server.url, host, "/min-konto/login/"))
        page.locator("input[name=username]").fill(owner)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/min-konto/")
        page.goto(host_url(live_server.url, host, "/min-konto/plan/"))
        screenshot(page, f"subscriptions-plan-{language}")

        # upgrade: the preview shows the exact amount and its timestamp; the charge equals it
        page.locator("#id_plan").select_option("all-inclusive")
        page.locator("#id_seats").fill("3")
        page.locator("#change-form button").click()
        page.wait_for_url("**/min-konto/plan/preview/**")
        shown = page.locator("#amount-now").inner_text()
        screenshot(page, f"subscriptions-preview-{language}")
        page.get_by_role("button", name=re.compile(text["confirm"])).click()
        page.wait_for_url("**/min-konto/plan/")
        assert text["upgraded"] in page.locator(".messages").inner_text()
        screenshot(page, f"subscriptions-upgraded-{language}")
        upgrade = Charge.objects.get(account=account, kind="upgrade")
        assert f"{upgrade.amount:.2f}".replace(".", ",") in shown and upgrade.status == "paid"

        # card replacement: a mistyped number is refused, a good one replaces the card
        page.goto(host_url(live_server.url, host, "/min-konto/plan/payment-method/"))
        page.locator("#id_card-number").fill("4242 4242 4242 4241")
        page.locator("#id_card-exp_month").fill("7")
        page.locator("#id_card-exp_year").fill(str(now().year + 3))
        page.locator("#id_card-cvc").fill("321")
        page.locator("#card-form button").click()
        assert text["invalid"] in page.locator(".messages").inner_text()
        assert page.locator("#id_card-number").input_value() == ""  # the number is never echoed
        screenshot(page, f"subscriptions-card-refused-{language}")
        page.locator("#id_card-number").fill("5555 5555 5555 4444")
        page.locator("#id_card-exp_month").fill("7")
        page.locator("#id_card-exp_year").fill(str(now().year + 3))
        page.locator("#id_card-cvc").fill("321")
        page.locator("#card-form button").click()
        page.wait_for_url("**/min-konto/plan/")
        assert text["saved"] in page.locator(".messages").inner_text()
        assert "Mastercard •••• 4444" in page.locator("#payment-method").inner_text()
        screenshot(page, f"subscriptions-card-replaced-{language}")

        # the receipt, in the Owner's language, in the staff's mail log
        receipt = MailLog.objects.filter(account=account, template="subscriptions_receipt").order_by("-id").first()
        assert receipt.language == language and receipt.subject.startswith(text["receipt"])
        staff = browser.new_page(locale=language, viewport={"width": 1200, "height": 900})
        staff.goto(host_url(live_server.url, "localhost", "/admin/login/"))
        staff.locator("#id_username").fill(staff_user.email)
        staff.locator("#id_password").fill(PASSWORD)
        staff.locator("input[type=submit]").click()
        staff.goto(host_url(live_server.url, "localhost", f"/admin/accounts/maillog/{receipt.pk}/change/"))
        assert receipt.subject in staff.content()
        screenshot(staff, f"subscriptions-receipt-maillog-{language}")
