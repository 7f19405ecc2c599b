import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.permissions import Refused

# Session key: the language picked with the switcher before logging in (ACC-1).
LANGUAGE_CHOSEN = "language_chosen"


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "public/landing.html")


def policy_placeholder(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, "public/placeholder.html", {"page": page})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok", "redis": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every refusal is a page of the site in the reader's language (never a bare "403 Forbidden"):
    a role refusal (accounts.permissions.Refused) says who can do it."""
    refusal = exception.message if isinstance(exception, Refused) else None
    return render(request, "403.html", {"refusal": refusal}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@require_POST
@csrf_exempt
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the logged-in user too. The CSRF check
    applies to logged-in users only (it changes their stored language): for a visitor the form
    carries no token, so the public pages hold nothing per visitor and are cached whole
    (config/page_cache.py); a forged POST can at most pick a visitor's display language."""
    if request.user.is_authenticated and (
        refused := CsrfViewMiddleware(set_language).process_view(request, set_language, (), {})
    ):
        return refused
    response = set_language(request)
    code = request.POST.get("language", "")
    if translation.check_for_language(code) and request.user.is_authenticated:
        request.user.language = code
        request.user.save(update_fields=["language"])
    elif translation.check_for_language(code):
        # ACC-1: chosen before logging in; the login keeps it and saves it on the user.
        request.session[LANGUAGE_CHOSEN] = code
    return response
