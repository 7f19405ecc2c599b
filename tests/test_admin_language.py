"""Every page of the staff admin (the public admin site) reads in one language: an nb page holds
no Danish-only word (Django's own nb admin catalogue lacks strings that otherwise fall back to
LANGUAGE_CODE da), a da page no Norwegian-only word, and neither shows the scheduler's or
Django's English. The pages (index, app pages, lists, add pages, and the change page of a
model's first row) come from the admin site's registry, so a new model is covered."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

URLCONF = "config.urls_public"

DANISH_ONLY = [
    "Gå til hovedindhold",
    "Skift tema",
    "Vis antal",
    "Skjul antal",
    "Tilføj",
    "Gem",
    "Søg",
    "Vælg",
    "Udført",
    "ændr*",
    "Slet",
    "Log ud",
    "Nulstil",
    "Sidst",
    "opgave*",
]
NORWEGIAN_ONLY = [
    "Gå til hovedinnhold",
    "Bytt tema",
    "Vis antall",
    "Skjul antall",
    "Legg til",
    "Lagre",
    "Søk",
    "Velg",
    "Utført",
    "endr*",
    "Slett",
    "Logg ut",
    "Tilbakestill",
    "Sist",
    "oppgave*",
]
ENGLISH = ["Periodic tasks", "Clocked", "Solar events", "Add", "Save", "Search", "Skip to main content"]


def pattern(words: list[str], flags: int = 0) -> re.Pattern[str]:
    """Whole words; a word ending in "*" is a stem ("ændr*": ændre, ændringer)."""
    alternatives = [re.escape(w[:-1]) if w.endswith("*") else re.escape(w) + r"(?!\w)" for w in words]
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + ")", flags)


FORBIDDEN = {
    "nb": [pattern(DANISH_ONLY), pattern(ENGLISH[:3], re.IGNORECASE), pattern(ENGLISH[3:])],
    "da": [pattern(NORWEGIAN_ONLY), pattern(ENGLISH[:3], re.IGNORECASE), pattern(ENGLISH[3:])],
}


PERMISSION_PICKERS = {"permissions", "user_permissions"}


class ReadableText(HTMLParser):
    """What a staff member reads or hears: text outside scripts and styles, button values,
    titles, placeholders and labels for screen readers. Not the permission pickers: Django stores
    permission names ("Can add clocked") in English in the database, whatever the language."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "style"} or (tag == "select" and values.get("name") in PERMISSION_PICKERS):
            self.skipping += 1
        for name in ("title", "placeholder", "aria-label"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button", "reset"} and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "select"} and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def readable(html: str) -> str:
    parser = ReadableText()
    parser.feed(html)
    return "\n".join(part.strip() for part in parser.parts if part.strip())


def admin_pages() -> list[str]:
    pages = [reverse("admin:index", urlconf=URLCONF)]
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages.append(reverse("admin:app_list", kwargs={"app_label": app_label}, urlconf=URLCONF))
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            try:
                pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", urlconf=URLCONF))
            except NoReverseMatch:
                continue
    return pages


def change_pages(user: AbstractBaseUser) -> list[str]:
    """The change page of each registered model's first row staff can open, where there is one."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = []
    for model, model_admin in admin.site._registry.items():
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
            pages.append(reverse(name, args=[first.pk], urlconf=URLCONF))
    return pages


@pytest.fixture
def staff_client(public_client, staff_user):  # type: ignore[no-untyped-def]
    public_client.force_login(staff_user)
    return public_client


def test_admin_pages_come_from_the_registry_without_hidden_beat_schedules():
    pages = admin_pages()

    assert len(pages) > 40
    assert "/admin/django_celery_beat/periodictask/" in pages
    assert "/admin/django_celery_beat/clockedschedule/" not in pages
    assert "/admin/django_celery_beat/solarschedule/" not in pages


@pytest.mark.parametrize("language", ["nb", "da"])
def test_every_admin_page_reads_only_in_the_chosen_language(staff_client, staff_user, language):
    staff_client.cookies["kp_language"] = language
    offences = []
    opened = 0
    call_command("setup_periodic_tasks", verbosity=0)  # the scheduler's rows, as on a real install
    for url in admin_pages() + change_pages(staff_user):
        response = staff_client.get(url)
        if response.status_code == 403 and url.endswith("/add/"):
            continue  # a model staff cannot add by hand (e.g. issued invoices)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert response.headers["Content-Language"] == language, url
        opened += 1
        text = readable(response.content.decode())
        for forbidden in FORBIDDEN[language]:
            for match in forbidden.finditer(text):
                line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
                offences.append(f"{url}: {match.group(0)!r} in {line[:100]!r}")

    assert opened > 40
    assert offences == []


def test_nb_admin_index_offers_the_norwegian_skip_link_and_theme_toggle(staff_client):
    staff_client.cookies["kp_language"] = "nb"

    text = readable(staff_client.get("/admin/").content.decode())

    assert "Gå til hovedinnhold" in text
    assert "Bytt tema (nåværende tema: automatisk)" in text
    assert "Planlagte oppgaver" in text


@pytest.mark.parametrize(
    ("language", "expected", "foreign"),
    [
        ("nb", ["Velg alle %s", '"Søndag"', "Fjern markerte %s"], ["Udvælg", '"søndag"']),
        ("da", ["Udvælg alle %s", '"søndag"'], ["Velg alle", '"Søndag"']),
    ],
)
def test_admin_javascript_catalogue_is_in_the_chosen_language(staff_client, language, expected, foreign):
    # The calendar and the two-box filter widgets read their words from the admin's JS catalogue.
    staff_client.cookies["kp_language"] = language

    script = staff_client.get("/admin/jsi18n/").content.decode()
    script = re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), script)

    for word in expected:
        assert word in script
    for word in foreign:
        assert word not in script
