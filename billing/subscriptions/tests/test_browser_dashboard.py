"""Staff dashboard in the browser, da and nb (screenshots)."""

import pytest

from billing.subscriptions.tests.conftest import subscribe
from conftest import PASSWORD
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_dashboard_in_danish_and_norwegian(live_server, accounts_ready, plans, staff_user, settings) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    subscribe(accounts_ready[0], plans["team"], seats=3, cycle="monthly")
    subscribe(accounts_ready[1], plans["all-inclusive"], seats=2, cycle="annual")
    with chromium() as browser:
        for language in ("da", "nb"):
            page = browser.new_page(locale=language, viewport={"width": 1300, "height": 900})
            page.goto(host_url(live_server.url, "localhost", "/admin/login/"))
            page.locator("#id_username").fill(staff_user.email)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("input[type=submit]").click()
            page.goto(host_url(live_server.url, "localhost", "/admin/subscriptions/subscription/dashboard/"))
            assert page.locator("#mrr-now").inner_text().startswith("152")  # 3 × 29 + 2 × 390 / 12
            screenshot(page, f"subscriptions-dashboard-{language}")
