"""The staff console in the browser at 1280 px, in Danish (screenshots under var/test-artifacts/console/)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.lifecycle import account_suspend
from accounts.models import CancellationRequest
from billing.subscriptions.tests.conftest import plans, subscribe  # noqa: F401 (a fixture)
from config.clock import now
from conftest import PASSWORD
from privacy.models import PrivacyRequest, RequestKind, RequestStatus
from tests.browser import chromium, host_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts" / "console"


def test_staff_console_customer_page_and_today_queue_at_1280_px_in_danish(
    live_server,
    accounts_ready,
    plans,  # noqa: F811
    staff_user,
    settings,
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    account = accounts_ready[0]
    subscribe(account, plans["team"], seats=3, cycle="monthly")
    account_suspend(account=account, actor=staff_user, reason="Betaling mangler", notify=False)
    PrivacyRequest.objects.create(
        kind=RequestKind.ACCESS,
        status=RequestStatus.OPEN,
        email="person@example.com",
        full_name="Person Eksempel",
        received_at=now() - timedelta(days=35),
        due_on=timezone.localdate() - timedelta(days=2),
        account=account,
    )
    CancellationRequest.objects.create(
        account=account,
        received_at=now() - timedelta(days=2),
        sender="chef@example.com",
        logged_by=staff_user.email,
        confirm_by=now() - timedelta(days=1),
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(locale="da", viewport={"width": 1280, "height": 900})
        page.goto(host_url(live_server.url, "localhost", "/admin/login/"))
        page.locator("#id_username").fill(staff_user.email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        assert page.locator("#console-box").is_visible()

        page.goto(host_url(live_server.url, "localhost", f"/admin/console/account/{account.pk}/"))
        assert "Betalt" in page.locator("#invoices").inner_text()
        assert "Betaling mangler" in page.locator("#history").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(ARTIFACTS / "customer-page-da.png"), full_page=True)

        page.goto(host_url(live_server.url, "localhost", "/admin/console/today/"))
        assert "overskredet" in page.locator("#privacy").inner_text()
        assert "chef@example.com" in page.locator("#cancellations").inner_text()
        page.screenshot(path=str(ARTIFACTS / "today-da.png"), full_page=True)
