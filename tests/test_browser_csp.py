"""The Content-Security-Policy in a real browser: the pages and the admin forms staff use work
with scripts from this site only, and Chromium reports no refused script or style."""

import pytest
from django_celery_beat.models import CrontabSchedule

from conftest import PASSWORD
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prod_pages_and_admin_forms_work_under_the_csp_without_violations(live_server, accounts_ready, staff_user):
    CrontabSchedule.objects.get_or_create(minute="10", hour="2", day_of_week="*", day_of_month="*", month_of_year="*")
    refused: list[str] = []
    with chromium() as browser:
        page = browser.new_page(locale="da-DK", viewport={"width": 1280, "height": 900})
        page.on(
            "console",
            lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
        )
        for path in ("/", "/signup/", "/subprocessors/"):
            response = page.goto(host_url(live_server.url, "localhost", path))
            assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        page.goto(host_url(live_server.url, "alfa.localhost", "/min-konto/login/"))

        # the admin: log in, open a change form with its scripts (calendar, related-object popups)
        page.goto(host_url(live_server.url, "localhost", "/admin/login/"))
        page.locator("#id_username").fill(staff_user.email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/")
        page.goto(host_url(live_server.url, "localhost", "/admin/django_celery_beat/periodictask/add/"))
        # django-celery-beat's crontab help, shown in words by static/js/periodic-task-form.js
        page.locator("#id_crontab").select_option(index=1)
        help_text = page.locator(".field-crontab .help").inner_text()
        assert "02:10" in help_text, help_text
        screenshot(page, "admin-periodic-task-csp")
        page.goto(host_url(live_server.url, "localhost", "/admin/accounts/account/"))

    assert refused == []
