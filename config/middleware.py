from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Django has no "no" catalogue: browsers asking for Norwegian in general (or Nynorsk, which we
# do not offer) would otherwise get the default language.
NORWEGIAN_ALIASES = ("nn-no", "nn", "no-no", "no", "nb-no")


def _map_norwegian(header: str) -> str:
    parts = []
    for part in header.split(","):
        tag, *params = part.strip().split(";")
        if tag.strip().lower() in NORWEGIAN_ALIASES:
            tag = "nb"
        parts.append(";".join([tag, *params]))
    return ",".join(parts)


class NorwegianAliasMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if header:
            request.META["HTTP_ACCEPT_LANGUAGE"] = _map_norwegian(header)
        return self.get_response(request)


class PortalLocaleMiddleware(LocaleMiddleware):
    """The language cookie (set by the switcher and at login from the user's language) wins;
    on an account host without one, the account's language comes before the browser's."""

    def process_request(self, request: HttpRequest) -> None:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        tenant = getattr(request, "tenant", None)
        if cookie not in supported and tenant is not None and getattr(tenant, "is_customer", False):
            translation.activate(tenant.language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)
