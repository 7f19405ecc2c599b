"""Pages answer in da and nb; the language follows the switcher, the user and the account."""

import pytest
from django.conf import settings

from accounts.users.models import User
from conftest import PASSWORD


@pytest.mark.parametrize(
    ("language", "expected"),
    [("da", "Servicevilkår"), ("nb", "Tjenestevilkår")],
)
def test_landing_page_in_danish_and_norwegian(public_client, language, expected):
    public_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = public_client.get("/")
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.parametrize("header", ["no", "no-NO", "nn-NO", "nb-NO,nb;q=0.9"])
def test_norwegian_browser_tags_select_bokmal(public_client, header):
    response = public_client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.headers["Content-Language"] == "nb"


def test_account_host_speaks_the_account_language_by_default(client_b):
    # Bravo's language is nb; the browser asks for Danish but has no cookie
    response = client_b.get("/min-konto/login/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.headers["Content-Language"] == "nb"
    assert "Logg inn" in response.content.decode()


def test_login_applies_the_users_language_and_switcher_saves_it(client_a, in_account_a):
    owner = User.objects.get(email="owner@alfa.dk")
    owner.language = "nb"
    owner.save()
    response = client_a.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nb"
    assert "Min konto" in client_a.get("/min-konto/").content.decode()
    # switching to Danish is remembered on the user as well
    client_a.post("/i18n/setlang/", {"language": "da", "next": "/min-konto/"})
    owner.refresh_from_db()
    assert owner.language == "da"


def test_dashboard_shows_account_name_region_status_and_plan(client_a, in_account_a):
    client_a.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD})
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    page = client_a.get("/min-konto/").content.decode()
    assert "Alfa Support ApS" in page
    assert "Den Europæiske Union" in page
    assert "Prøveperiode" in page
    assert "Ingen betalt abonnement endnu" in page


def test_password_reset_mail_is_logged_in_the_users_language(
    client_a, in_account_a, django_capture_on_commit_callbacks, mailoutbox
):
    from accounts.models import MailLog

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/min-konto/reset/", {"email": "owner@alfa.dk"})
    assert response.status_code == 302
    log = MailLog.objects.get(template="password_reset", recipient="owner@alfa.dk")
    assert log.language == "da"
    assert log.status == "sent"
    assert log.subject == "Vælg en ny adgangskode"
    assert len(mailoutbox) == 1
    assert "alfa.localhost" in mailoutbox[0].body


def test_healthz_reports_database_and_redis(public_client):
    response = public_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_down(public_client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = public_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
    assert response.json()["database"] == "ok"
