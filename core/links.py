"""Absolute addresses for mails, PDFs and pages: the public host and an account's own host."""

from typing import Any

from django.conf import settings


def _port() -> str:
    return f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT not in {"", "80", "443"} else ""


def public_url(path: str) -> str:
    """An absolute address on the public host (the admin, the public pages)."""
    return f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{_port()}{path}"


def account_host(account: Any) -> str:
    """The host an account is served at: `<slug>.<base domain>`."""
    return f"{account.slug}.{settings.BASE_DOMAIN}"


def account_url(account: Any, path: str = "/min-konto/") -> str:
    """An absolute address on the account's own host (Min konto by default)."""
    return f"{settings.PUBLIC_SCHEME}://{account_host(account)}{_port()}{path}"
