"""Login lockout (django-axes): Min konto's login, the staff admin's login and the API token
endpoint. Failed attempts are counted per user and IP address in the public schema
(`axes_accessattempt`; account hosts reach it through the search path "acct_x, public"); after
`AXES_FAILURE_LIMIT` failures even the right password is refused until the cool-off has passed
or staff unlock the pair in the admin (Axes → Access attempts → "Unlock").
"""

from typing import Any

from axes.helpers import get_cool_off
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

LOCKOUT_STATUS = 429


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The address, case-folded (so "Owner@Alfa.dk" counts against "owner@alfa.dk"), prefixed
    with the account's schema on an account host: the same address in two accounts is two users,
    and staff see in the admin which account a locked pair belongs to."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    username = str(raw).strip().lower()
    schema = connection.schema_name
    # Axes stores it in a 255-character column: a longer "username" (no real address is) would
    # end the login in a database error; cut, it still counts against the same pair.
    return (username if schema == "public" else f"{schema}:{username}")[:255]


def lockout_ip(request: HttpRequest) -> str | None:
    # Same rule as the login records: REMOTE_ADDR as the front server sets it, never a header
    # the client chose.
    return request.META.get("REMOTE_ADDR")


def _minutes() -> int:
    cool_off = get_cool_off()
    return max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0


def lockout_message() -> str:
    minutes = _minutes()
    return ngettext(
        "Too many failed login attempts. For your security the login is locked for %(minutes)d minute. "
        "Try again later, or reset your password.",
        "Too many failed login attempts. For your security the login is locked for %(minutes)d minutes. "
        "Try again later, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a JSON body for the API, the portal's own page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=LOCKOUT_STATUS)
    return render(
        request,
        "lockout.html",
        {"message": lockout_message(), "is_admin": request.path.startswith("/admin/")},
        status=LOCKOUT_STATUS,
    )


class LockedObtainAuthToken(ObtainAuthToken):
    """DRF's token endpoint authenticates with its own Request object, so axes' flag lands on
    that wrapper, not on the HttpRequest the middleware sees: answer the lockout here."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
            request._request.axes_locked_out = False  # answered here; the middleware keeps out
            return Response({"detail": lockout_message()}, status=LOCKOUT_STATUS)
        if not valid:
            return Response(serializer.errors, status=400)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


obtain_auth_token = LockedObtainAuthToken.as_view()
