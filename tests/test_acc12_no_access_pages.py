"""Issue 16, no dead ends: the suspended and stopped pages say why and where to write (ACC-5,
ACC-10, ACC-12), and the language picked on the login page survives the login (ACC-1)."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.lifecycle import account_cancel, account_suspend
from accounts.users.models import User
from tests.acc_helpers import client_for, make_account

PASSWORD = "correct-horse-battery-staple"
BREACH = "Spam sent from the helpdesk to 4.000 addresses"
pytestmark = pytest.mark.django_db


def page(account, language: str) -> str:
    client = client_for(account)
    client.post("/i18n/setlang/", {"language": language, "next": "/min-konto/"})
    response = client.get("/min-konto/")
    assert response.status_code == 403
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "breach_words", "support_word"),
    [("da", "servicevilkårene er blevet overtrådt", "Support"), ("nb", "tjenestevilkårene er brutt", "Kundestøtte")],
)
def test_acc12_a_suspended_for_breach_account_page_shows_the_breach_reason_and_the_support_address(
    accounts_ready, staff_user, settings, language, breach_words, support_word
):
    settings.SUPPORT_EMAIL = "support@kontoportal.test"
    account = make_account(f"breach{language}")
    account_suspend(account=account, actor=staff_user, reason=BREACH)
    html = page(account, language)
    assert breach_words in html
    assert BREACH in html
    assert 'href="mailto:support@kontoportal.test"' in html
    assert support_word in html
    # never the trial text: a breach is not fixed by adding billing details
    assert "betalingsoplysninger" not in html and "betalingsopplysninger" not in html


def test_acc5_trial_expiry_page_still_says_add_billing_details_and_gives_the_support_address(accounts_ready, settings):
    settings.SUPPORT_EMAIL = "support@kontoportal.test"
    account = make_account("trialpage")
    account_suspend(account=account, actor="system", reason="Trial ended without billing details (ACC-5)")
    html = page(account, "da")
    assert "prøveperiode sluttede" in html
    assert "kan angive betalingsoplysninger" in html
    assert "servicevilkårene" not in html
    assert 'href="mailto:support@kontoportal.test"' in html


def test_acc10_stopped_by_the_owner_page_says_so_with_the_support_address(accounts_ready, settings):
    settings.SUPPORT_EMAIL = "support@kontoportal.test"
    account = make_account("stoppedpage")
    with tenant_context(account):
        owner = User.objects.get(email="owner@stoppedpage.example")
    connection.set_schema_to_public()
    account_cancel(account=account, actor=owner, reason="We stop using the helpdesk")
    html = page(account, "nb")
    assert "Kontoens eier har stoppet kontoen." in html
    assert 'href="mailto:support@kontoportal.test"' in html


def test_acc1_login_keeps_the_language_chosen_on_the_login_page(accounts_ready):
    account = make_account("langkeep", language="da")
    with tenant_context(account):
        assert User.objects.get(email="owner@langkeep.example").language == "da"
    connection.set_schema_to_public()
    client = client_for(account)
    client.post("/i18n/setlang/", {"language": "nb", "next": "/min-konto/login/"})
    response = client.post("/min-konto/login/", {"username": "owner@langkeep.example", "password": PASSWORD})
    assert response.status_code == 302
    after = client.get("/min-konto/")
    assert after.status_code == 200
    assert 'lang="nb"' in after.content.decode()
    with tenant_context(account):
        assert User.objects.get(email="owner@langkeep.example").language == "nb"
    # a later login without a choice on the login page keeps the saved language (now nb)
    connection.set_schema_to_public()
    client.post("/min-konto/logout/")
    again = client_for(account)
    again.post("/min-konto/login/", {"username": "owner@langkeep.example", "password": PASSWORD})
    assert 'lang="nb"' in again.get("/min-konto/").content.decode()
