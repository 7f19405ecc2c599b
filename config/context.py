from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import may_open

# Min konto's menu. An entry shows once its URL name exists (each app adds its own pages), and only
# to a user its view lets in (the roles declared by accounts.permissions on the view itself).
MINKONTO_MENU = [
    ("minkonto:dashboard", _("Overview")),
    ("minkonto:users", _("Users")),
    ("subscriptions:minkonto", _("Plan and seats")),
    ("billing:minkonto", _("Billing")),
    ("subprocessors:minkonto", _("Sub-processors and DPA")),
    ("privacy:minkonto", _("Privacy")),
]


def _menu(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    for name, label in MINKONTO_MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if not may_open(request.user, resolve(url).func):
            continue
        current = request.path == url if url.rstrip("/").endswith("min-konto") else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items


def portal(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_account_host = getattr(tenant, "is_customer", False)
    show_menu = is_account_host and getattr(request, "user", None) is not None and request.user.is_authenticated
    return {
        "portal_account": tenant if is_account_host else None,
        "portal_languages": settings.LANGUAGES,
        "minkonto_menu": _menu(request) if show_menu else [],
    }
