"""Bad input is answered with 400 and a message, never with a server error.

PostgreSQL text cannot hold a NUL byte: psycopg refuses the query and the request ends in a 500,
wherever the value was headed (a token looked up, a filter, a form field). One check before any
view runs refuses such requests for every page, form and API at once.
"""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or NUL in request.META.get("HTTP_COOKIE", ""):
        return True
    # The raw query string: a %00 is only decoded later, by QueryDict.
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            # Parsed once here; the view gets the same QueryDict. Files are checked by their form.
            return any(NUL in key or NUL in value for key, values in request.POST.lists() for value in values)
        body = request.body
        # JSON writes a NUL as the escape \u0000; other bodies may carry it raw.
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


class RejectNulBytesMiddleware:
    """A NUL byte anywhere in the path, query string, cookies or body gets a 400 with a short,
    translated message (JSON for the API); a body over the size limit a 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The front server refuses larger bodies already; without one (make run), a declared
        # size over the limit is refused before a byte of it is read or spooled to disk.
        if _declared_length(request) > body_max_bytes():
            with translation.override(translation.get_language_from_request(request)):
                message = _("The request is too large. Upload a file of at most %(max)s MB.") % {
                    "max": settings.UPLOAD_MAX_MB
                }
            return _refusal(request, message, status=413)
        if not _has_nul(request):
            return self.get_response(request)
        with translation.override(translation.get_language_from_request(request)):
            message = _("The request contains characters that are not allowed (a NUL byte).")
        return _refusal(request, message, status=400)


def body_max_bytes() -> int:
    """The largest request body: one upload at the limit plus 1 MB for the form around it (the
    value for nginx's client_max_body_size too)."""
    return (settings.UPLOAD_MAX_MB + 1) * 1024 * 1024


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def upload_size_check(file: UploadedFile) -> None:
    """Any upload: refused above KONTO_UPLOAD_MAX_MB, with the limit in the message."""
    if file.size is not None and file.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("The file is too large. Upload a file of at most %(max)s MB.") % {"max": settings.UPLOAD_MAX_MB},
            code="too_large",
        )


def token_plausible(token: str, max_length: int = 128) -> bool:
    """A token from a link, before it is looked up: printable ASCII of a sane length. Anything
    else cannot be one of ours, and a NUL byte would end the lookup in a database error."""
    return 0 < len(token) <= max_length and token.isascii() and token.isprintable()
