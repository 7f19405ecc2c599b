"""Who may open what in Min konto (ACC-9): the menu offers only what the user's role may open, and a
page opened by its address anyway is refused with a page of the site, in the reader's language,
that names who can do it — never a bare "403 Forbidden"."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from tests.acc_helpers import client_for, make_account

pytestmark = pytest.mark.django_db

# What each language says, for the checks below (the catalogues' translations).
WORDS = {
    "da": {
        "billing": "Fakturering",
        "documents": "Kun kontoens ejer, Olga Owner, eller en administrator kan se fakturaer og kreditnotaer.",
        "stop": "Kun kontoens ejer, Olga Owner, kan stoppe kontoen.",
        "manage_billing": "Kun kontoens ejer, Olga Owner, kan administrere fakturering.",
        "title": "Ikke for din rolle",
    },
    "nb": {
        "billing": "Fakturering",
        "documents": "Bare kontoens eier, Olga Owner, eller en administrator kan se fakturaer og kreditnotaer.",
        "stop": "Bare kontoens eier, Olga Owner, kan stoppe kontoen.",
        "manage_billing": "Bare kontoens eier, Olga Owner, kan administrere fakturering.",
        "title": "Ikke for din rolle",
    },
}


def _menu(html: str) -> str:
    found = re.search(r'<nav class="subnav">.*?</nav>', html, re.S)
    return found.group(0) if found else ""


def _client_as(account, email: str, role: str, language: str):
    client = client_for(account)
    with tenant_context(account):  # the session lives in the account's schema
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, "correct-horse-battery-staple", full_name=email.split("@")[0], role=role
        )
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["da", "nb"])
def test_acc9_an_agent_never_sees_a_menu_entry_it_cannot_open_and_gets_the_styled_page_by_url(accounts_ready, language):
    # given an account whose Owner is Olga Owner, and an Agent of its team
    account = make_account(f"perm{language}", language=language)
    owner = _client_as(account, f"owner@perm{language}.example", Role.OWNER, language)
    agent = _client_as(account, f"agent@perm{language}.example", Role.AGENT, language)
    words = WORDS[language]

    # the Owner's menu has Billing; the Agent's has not (nor any other entry it cannot open)
    assert 'href="/min-konto/billing/"' in _menu(owner.get("/min-konto/").content.decode())
    agent_menu = _menu(agent.get("/min-konto/").content.decode())
    assert agent_menu, "the Agent sees Min konto's menu"
    assert 'href="/min-konto/billing/"' not in agent_menu and words["billing"] not in agent_menu
    for href in re.findall(r'href="([^"]+)"', agent_menu):
        assert agent.get(href).status_code == 200, f"the Agent's menu offers {href}, which refuses it"

    # when the Agent opens Owner-only pages by their address
    for path, sentence in [
        ("/min-konto/billing/", words["documents"]),
        ("/min-konto/billing/details/", words["manage_billing"]),
        ("/min-konto/stop/", words["stop"]),
        ("/min-konto/plan/payment-method/", words["manage_billing"]),
    ]:
        response = agent.get(path)
        page = response.content.decode()
        # then a 403 page of the site, in the account's language, names the Owner
        assert response.status_code == 403, path
        assert f'<html lang="{language}">' in page and words["title"] in page, path
        assert sentence in page, path
        assert "Forbidden" not in page and "Only the" not in page, path


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("da", "Du har ikke adgang til denne side."), ("nb", "Du har ikke tilgang til denne siden.")],
)
def test_acc9_a_staff_member_without_the_permission_gets_the_styled_page_on_the_public_host(
    public_client, language, sentence
):
    # given a staff member who may log in to the admin but was given no model permission
    connection.set_schema_to_public()
    clerk, _created = User.objects.get_or_create(
        email="clerk@kontoportal.test", defaults={"full_name": "Clerk", "is_staff": True}
    )
    public_client.force_login(clerk)
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # when the clerk opens an admin page by its address
    response = public_client.get("/admin/accounts/account/")
    page = response.content.decode()
    # then the site's own 403 page, in the reader's language
    assert response.status_code == 403
    assert f'<html lang="{language}">' in page and sentence in page
    assert "Forbidden" not in page
