"""Public pages as whole responses (issue 14).

The public registry, its versions, JSON and Atom forms, the terms, policy and data-processing
pages are the same for every anonymous visitor in one language. The first middleware answers an
anonymous GET of one of them from Redis -- before the tenant lookup, sessions or any database
query -- keyed by path, language and query string; a miss renders the page as usual and stores it.

Rules that keep a stored page right for everyone who gets it:
- only anonymous requests (no session cookie, no Authorization header) on the public host;
- only the query parameters a page reads (`region`); any other query is served uncached;
- only 200 responses that set no cookie: a page carrying a per-visitor token is never stored (the
  language switcher has no CSRF token for anonymous visitors; config/views.py);
- publishing a registry version or a policy text empties the whole store (`public_pages_clear`,
  after commit); PUBLIC_PAGE_CACHE_SECONDS bounds everything else (a deploy's new templates).

A hit skips every middleware after this one, django-prometheus' counters included; the front
server's cache (deploy/nginx) sits in front of this one for the same paths.
"""

import json
import re
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.cookie import parse_cookie
from django.utils import translation

from config.middleware import _map_norwegian
from config.redis_client import redis_client

STORE = "kontoportal:public-pages"
CACHEABLE = re.compile(
    r"^/(subprocessors/(registry\.json|schema\.json|feed\.atom|versions/[0-9]+/|versions/[0-9]+\.json)?"
    r"|terms/|policies/[a-z0-9-]+/([0-9]+/)?|data-processing/)$"
)
QUERY_PARAMETERS = {"region"}
HIT_HEADER = "X-Page-Cache"


def public_pages_clear() -> None:
    """Forget every stored public page (after a publication)."""
    try:
        redis_client().delete(STORE)
    except redis.RedisError:
        pass  # pages expire after PUBLIC_PAGE_CACHE_SECONDS anyway


def _public_host(request: HttpRequest) -> bool:
    host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    return host in {settings.BASE_DOMAIN, "127.0.0.1"}


def page_key(request: HttpRequest) -> str | None:
    """The store key of an anonymous GET of a public page, or None when it must not be cached."""
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return None
    if not CACHEABLE.match(request.path_info) or not _public_host(request):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return None
    if any(name not in QUERY_PARAMETERS or len(request.GET.getlist(name)) > 1 for name in request.GET):
        return None
    header = request.META.get("HTTP_ACCEPT_LANGUAGE")
    if header:
        request.META["HTTP_ACCEPT_LANGUAGE"] = _map_norwegian(header)
    language = translation.get_language_from_request(request)
    query = "&".join(f"{name}={request.GET[name]}" for name in sorted(request.GET))
    return f"{language}|{request.path_info}?{query}"


def _stored(response: HttpResponse) -> bytes | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", ""):
        return None
    head = {"at": time.time(), "status": response.status_code, "headers": list(response.headers.items())}
    return json.dumps(head).encode() + b"\n" + response.content


def _response(stored: bytes) -> HttpResponse | None:
    head_line, _newline, content = stored.partition(b"\n")
    head = json.loads(head_line)
    if head["at"] + settings.PUBLIC_PAGE_CACHE_SECONDS < time.time():
        return None
    response = HttpResponse(content, status=head["status"])
    for name, value in head["headers"]:
        response.headers[name] = value
    response.headers[HIT_HEADER] = "hit"
    return response


def _hit(key: str) -> HttpResponse | None:
    try:
        stored = redis_client().hget(STORE, key)
    except redis.RedisError:
        return None  # Redis down: render as if there were no cache
    return _response(stored) if stored else None


class _EnvironRequest:
    """What `page_key` reads of a request, straight from the WSGI environ (building Django's
    request object costs more than answering from the store)."""

    method = "GET"

    def __init__(self, environ: dict[str, Any]) -> None:
        self.META = environ
        self.path_info = environ.get("PATH_INFO", "")
        self.COOKIES = parse_cookie(environ.get("HTTP_COOKIE", ""))
        self.GET = QueryDict(environ.get("QUERY_STRING", ""))


def answering_stored_pages(application: Callable[..., Any]) -> Callable[..., Any]:
    """The WSGI application, answering a stored page before Django's request handling starts
    (no request signals, no middleware); a miss goes on to Django, whose first middleware stores
    the page (config/wsgi.py)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") == "GET" and CACHEABLE.match(environ.get("PATH_INFO", "")):
            key = page_key(_EnvironRequest(environ))  # type: ignore[arg-type]
            if key is not None and (hit := _raw_hit(key)) is not None:
                status, headers, content = hit
                start_response(status, headers)
                return [content]
        return application(environ, start_response)

    return app


def _raw_hit(key: str) -> tuple[str, list[tuple[str, str]], bytes] | None:
    try:
        stored = redis_client().hget(STORE, key)
    except redis.RedisError:
        return None
    if not stored:
        return None
    head_line, _newline, content = stored.partition(b"\n")
    head = json.loads(head_line)
    if head["at"] + settings.PUBLIC_PAGE_CACHE_SECONDS < time.time():
        return None
    headers = [(name, value) for name, value in head["headers"]] + [(HIT_HEADER, "hit")]
    return f"{head['status']} {HTTPStatus(head['status']).phrase}", headers, content


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        if (hit := _hit(key)) is not None:
            return hit
        response = self.get_response(request)
        if (value := _stored(response)) is not None:
            try:
                with redis_client().pipeline() as pipe:
                    pipe.hset(STORE, key, value).expire(STORE, settings.PUBLIC_PAGE_CACHE_SECONDS * 2).execute()
            except redis.RedisError:
                pass
        return response
