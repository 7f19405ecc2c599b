"""A person in a browser: sign-up in Norwegian, inviting a colleague, and "Stop konto" — with
screenshots of each page in da and nb."""

import re

import pytest
from django.core.cache import cache
from django.db import connection

from accounts.models import Account, AccountStatus, MailLog
from tests.acc_helpers import ensure_free_mail
from tests.browser import chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(live_server, accounts_ready, settings):
    # Links in e-mails and the post-sign-up redirect point at the live server's port.
    settings.PUBLIC_PORT = live_server.url.rsplit(":", 1)[1]
    ensure_free_mail("gmail.com")
    cache.clear()
    drop_schema()
    yield live_server
    cache.clear()
    drop_schema()  # the flush after this test empties the tables, not the schemas


def drop_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS acct_nordby_kundeservice CASCADE")


def test_signup_in_nb_invite_a_user_and_stop_konto(portal):
    with chromium() as browser:
        # the sign-up form, in Danish, as it looks to a Danish visitor
        page_da = browser.new_page(locale="da-DK", viewport={"width": 1200, "height": 900})
        page_da.goto(host_url(portal.url, "localhost", "/"))
        page_da.get_by_role("link", name="Opret en konto").click()
        page_da.wait_for_url("**/signup/")
        assert page_da.get_by_role("heading", level=1).inner_text() == "Opret din helpdeskkonto"
        screenshot(page_da, "signup-da")

        page = browser.new_page(locale="nb-NO", viewport={"width": 1200, "height": 900})
        page.goto(host_url(portal.url, "localhost", "/signup/"))
        assert page.get_by_role("heading", level=1).inner_text() == "Opprett helpdeskkontoen din"
        page.get_by_label("Fullt juridisk navn").fill("Solveig Nordby")
        page.get_by_label("E-post").fill("solveig@nordby-kundeservice.no")
        page.get_by_label("Bedrift eller organisasjon").fill("Nordby Kundeservice AS")
        page.get_by_label("Dataregion").select_option("UK")
        page.locator("select[name=language]").select_option("nb")
        page.get_by_label("Jeg bekrefter at jeg har fylt 18 år.").check()
        screenshot(page, "signup-nb")
        page.get_by_role("button", name="Opprett konto").click()

        # lands in Min konto on the new host, logged in, asked for a password
        page.wait_for_url(re.compile(r"http://nordby-kundeservice\.localhost:\d+/min-konto/welcome/.*"))
        assert page.get_by_role("heading", level=1).inner_text() == "Velkommen til Nordby Kundeservice AS"
        screenshot(page, "signup-welcome-nb")
        page.locator("input[name=new_password1]").fill("nordlys-over-fjorden-7")
        page.locator("input[name=new_password2]").fill("nordlys-over-fjorden-7")
        page.get_by_role("button", name="Lagre passord").click()
        page.wait_for_url("**/min-konto/")
        assert page.get_by_text("Prøveperiode").first.is_visible()
        screenshot(page, "minkonto-after-signup-nb")
        account = Account.objects.get(slug="nordby-kundeservice")
        assert (account.status, account.language, account.region) == (AccountStatus.TRIAL, "nb", "UK")
        assert MailLog.objects.filter(account=account, template="account_signup").exists()

        # invite a colleague
        page.get_by_role("link", name="Brukere").click()
        page.wait_for_url("**/min-konto/users/")
        page.locator("main").get_by_label("E-post").fill("ola@nordby-kundeservice.no")
        page.get_by_label("Rolle").select_option("agent")
        page.get_by_role("button", name="Send invitasjon").click()
        page.wait_for_url("**/min-konto/users/")
        assert page.get_by_text("En invitasjon er sendt til ola@nordby-kundeservice.no.").is_visible()
        assert page.get_by_text("2 av 5 plasser i bruk").is_visible()
        screenshot(page, "minkonto-users-nb")
        assert MailLog.objects.filter(recipient="ola@nordby-kundeservice.no", template="user_invitation").exists()

        # the same pages in Danish
        page.get_by_role("button", name="Dansk").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Brugere"
        screenshot(page, "minkonto-users-da")
        page.goto(page.url.replace("/min-konto/users/", "/min-konto/stop/"))
        assert page.get_by_role("heading", level=1).inner_text() == "Stop konto"
        screenshot(page, "minkonto-stop-da")
        page.get_by_role("button", name="Norsk bokmål").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Stopp konto"
        screenshot(page, "minkonto-stop-nb")

        # "Stop konto": both confirmations, then access ends at once
        page.get_by_role("button", name="Stopp kontoen nå").click()
        # unconfirmed: the browser refuses to send it, and nothing changes
        assert page.url.endswith("/min-konto/stop/")
        assert Account.objects.get(slug="nordby-kundeservice").status == AccountStatus.TRIAL
        page.get_by_label(re.compile("Jeg forstår at kontoen lukkes")).check()
        page.get_by_label(re.compile("Skriv inn kontoens adresse")).fill("nordby-kundeservice")
        page.get_by_role("button", name="Stopp kontoen nå").click()
        page.wait_for_url("**/min-konto/")
        assert page.get_by_role("heading", level=1).inner_text() == "Denne kontoen er stoppet"
        screenshot(page, "account-stopped-nb")
        page.get_by_role("button", name="Dansk").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Denne konto er stoppet"
        screenshot(page, "account-stopped-da")
        assert Account.objects.get(slug="nordby-kundeservice").status == AccountStatus.CANCELLED
