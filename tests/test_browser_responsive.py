"""Every public page and every Min konto page in a real browser, on 360 and 390 px phones and a
1280 px screen, in da and nb (issue 16): no page is wider than the viewport and no element sticks out of
it. The Min konto pages are collected from the account hosts' URL conf — every route under
/min-konto/ that takes no argument and answers a GET — so a new page is covered without editing
this test. Screenshots of each page at each width are kept under var/test-artifacts/responsive/."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from accounts.workspace.models import Invitation
from billing.reference import demo_seller_ensure
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.subscriptions.models import Plan
from billing.subscriptions.tests.conftest import reference_data_ensure, subscribe
from billing.tax import LineInput
from billing.vies import OfflineViesAdapter
from config.clock import now
from conftest import ACCOUNT_A, ACCOUNT_B, PASSWORD
from privacy.demo import processing_records_ensure
from subprocessors.services import page_cache_clear
from tests.browser import chromium, host_url
from tests.test_browser_policy_pages import OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts" / "responsive"
WIDTHS = (360, 390, 1280)
# language -> (browser locale, the account whose Owner reads Min konto in that language)
LANGUAGES = {"da": ("da-DK", ACCOUNT_A), "nb": ("nb-NO", ACCOUNT_B)}
PUBLIC_PAGES = {
    "landing": "/",
    "signup": "/signup/",
    "terms": "/terms/",
    "data-processing": "/data-processing/",
    "subprocessors": "/subprocessors/",
    "subprocessors-subscribe": "/subprocessors/subscribe/",
    "privacy-request": "/privacy/request/",
    "privacy-written": "/privacy/request/written/",
    "find-account": "/find-account/",
}
# Pages of an account host a visitor sees before logging in.
ANONYMOUS_PAGES = {"login": "/min-konto/login/", "password-reset": "/min-konto/reset/"}
PROBE_JS = """async (url) => {
  const response = await fetch(url, {credentials: 'same-origin'});
  return [response.status, response.headers.get('content-type') || ''];
}"""


def _routes(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def minkonto_pages() -> dict[str, str]:
    """Every argument-free route under /min-konto/ of the account hosts' URL conf."""
    pages = {}
    for route, pattern in _routes(get_resolver("config.urls_tenant").url_patterns):
        if route.startswith("min-konto/") and not pattern.pattern.converters and "<" not in route:
            pages["minkonto-" + (route.removeprefix("min-konto/").strip("/").replace("/", "-") or "dashboard")] = (
                "/" + route
            )
    return pages


@pytest.fixture
def demo(accounts_ready):
    """The registry and policy pages published; each account has an invoice, a second user with a
    long name and an open invitation to a long address, so the tables have rows to lay out; one
    account pays for a plan."""
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    processing_records_ensure()
    reference_data_ensure()  # a transactional test's flush empties the plans and VAT rates
    demo_seller_ensure()
    for account, country in zip(accounts_ready, ("DK", "NO"), strict=True):
        billing_profile_update(
            account=account,
            actor="test",
            data={
                "company": account.name,
                "name": "Kirsten Kristiansen-Vestergaard",
                "street": "Havnegade 1",
                "postcode": "1058",
                "city": "København K",
                "country": country,
                "email": "fakturering-og-regnskab@kundeservice-eksempel.example",
                "vat_number": "",
            },
            vies=OfflineViesAdapter(valid=set(), down=True),
        )
        invoice_issue(
            account=account,
            lines=[LineInput("Helpdesk subscription, per agent", Decimal(3), Decimal("39.00"))],
            notify=False,
            render_pdf=False,
        )
        with tenant_context(account):
            User.objects.create_user(
                "supportmedarbejder.med.et.meget.langt.navn@kundeservice-eksempel.example",
                PASSWORD,
                full_name="Marie-Louise Kristiansen-Vestergaard Østergaard",
                role=Role.AGENT,
                language=account.language,
            )
            Invitation.objects.create(
                email="ny.kollega.med.en.lang.adresse@kundeservice-eksempel.example",
                role=Role.ADMIN,
                token=f"responsive-{account.slug}",
                created_at=now(),
            )
    # Bravo pays for a plan (its plan page shows the subscription and a payment); Alfa is on trial.
    subscribe(accounts_ready[1], Plan.objects.order_by("pk").last(), seats=2)
    page_cache_clear()
    yield
    page_cache_clear()


def _overflow(page, label: str, width: int) -> list[str]:
    """The page's overflow, if any: wider than the window, or an element past its right edge."""
    measured = page.evaluate(OVERFLOW_JS)
    inner = page.evaluate("() => window.innerWidth")
    if measured["scroll"] > inner or measured["wide"]:
        return [f"{label} {width}px: {measured}"]
    return []


def _menu_collapses_on_a_phone(page, language: str, width: int) -> None:
    """On a phone the navigation is one menu button that opens onto every link, the logout and the
    languages, all inside the screen; on a wide screen the links are shown and the button is not."""
    summary = page.locator(".nav-menu > summary")
    menu_link = page.locator(".nav-menu nav a").last
    if width >= 1280:
        assert summary.is_hidden() and page.locator(".subnav a").last.is_visible()
        return
    assert summary.is_visible() and menu_link.is_hidden() and page.locator(".subnav").is_hidden()
    summary.click()
    assert menu_link.is_visible() and page.locator(".nav-menu .lang-switch button").first.is_visible()
    assert page.locator(".nav-menu form button.link").is_visible()  # log out
    assert page.locator(".nav-menu nav a").count() >= 5
    page.screenshot(path=str(ARTIFACTS / f"minkonto-menu-open-{language}-{width}.png"))
    assert not _overflow(page, "open menu", width)
    summary.click()


def _visit(page, name: str, url: str, language: str, width: int, found: dict, probe: bool = False) -> None:
    """Open a page, measure it and keep its screenshot; found collects pages seen and overflows."""
    if probe:  # same origin as the page shown: ask first what the route answers
        status, kind = page.evaluate(PROBE_JS, url)
        if status in (400, 405) or "html" not in kind:
            return  # a form's POST target, a preview that needs the form's input, or a download
    response = page.goto(url)
    assert response.status < 400, f"{url}: {response.status}"
    assert page.locator("html").get_attribute("lang") == language, url
    found["overflowing"].extend(_overflow(page, url, width))
    page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"), full_page=True)
    found.setdefault(f"{language} {width}", set()).add(name)


def test_issue16_every_public_and_min_konto_page_fits_360_390_and_1280_px_in_da_and_nb(live_server, demo):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    minkonto = minkonto_pages()
    # The pages the issue names are among the collected ones.
    assert {"/min-konto/", "/min-konto/users/", "/min-konto/billing/", "/min-konto/plan/"} <= set(minkonto.values())
    assert {"/min-konto/privacy/", "/min-konto/subprocessors/", "/min-konto/subprocessors/support-access/"} <= set(
        minkonto.values()
    )
    found: dict = {"overflowing": []}
    with chromium() as browser:
        for language, (locale, spec) in LANGUAGES.items():
            for width in WIDTHS:
                context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
                page = context.new_page()

                for name, path in PUBLIC_PAGES.items():
                    _visit(page, name, host_url(live_server.url, "localhost", path), language, width, found)
                    if name == "landing":  # "Create an account" is a button, not a plain link
                        button = page.locator(".hero a.button.primary")
                        colour = button.evaluate("el => getComputedStyle(el).backgroundColor")
                        assert (
                            colour not in ("rgba(0, 0, 0, 0)", "transparent") and button.bounding_box()["height"] >= 40
                        )
                for name, path in ANONYMOUS_PAGES.items():
                    _visit(
                        page, name, host_url(live_server.url, f"{spec.slug}.localhost", path), language, width, found
                    )

                # Log in as the account's Owner with the login form, as a person would.
                page.goto(host_url(live_server.url, f"{spec.slug}.localhost", "/min-konto/login/"))
                page.fill("input[name=username]", spec.owner_email)
                page.fill("input[name=password]", PASSWORD)
                page.locator("form.stack button[type=submit]").click()
                page.wait_for_url("**/min-konto/")
                _menu_collapses_on_a_phone(page, language, width)
                for name, path in minkonto.items():
                    _visit(
                        page,
                        name,
                        host_url(live_server.url, f"{spec.slug}.localhost", path),
                        language,
                        width,
                        found,
                        probe=True,
                    )
                context.close()

    overflowing = found.pop("overflowing")
    assert not overflowing, "\n".join(overflowing)
    assert len(found) == len(LANGUAGES) * len(WIDTHS)
    for key, names in found.items():
        assert set(PUBLIC_PAGES) | set(ANONYMOUS_PAGES) <= names, key
        assert {"minkonto-dashboard", "minkonto-billing", "minkonto-subprocessors"} <= names, key
