"""Helpers for the accounts tests: fresh accounts inside the test's transaction (their schemas
are rolled back with it), running named jobs, reading the audit."""

import io
import time
from datetime import datetime

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.forms import started_token
from accounts.models import Account, AccountStatus, FreeMailDomain
from accounts.services import account_create
from core.models import AuditEvent


def origin(host: str) -> str:
    """Scheme, host and port of the links the portal writes (KONTO_PUBLIC_SCHEME/PORT), so the tests
    pass whatever port a deployment sets."""
    port = "" if settings.PUBLIC_PORT in {"", "80", "443"} else f":{settings.PUBLIC_PORT}"
    return f"{settings.PUBLIC_SCHEME}://{host}{port}"


def make_account(slug: str, *, owner_email: str | None = None, language: str = "da", **fields: object) -> Account:
    return account_create(
        name=f"{slug.title()} Test ApS",
        slug=slug,
        language=language,
        owner_email=owner_email or f"owner@{slug}.example",
        owner_name="Olga Owner",
        owner_password="correct-horse-battery-staple",
        status=fields.pop("status", AccountStatus.TRIAL),  # type: ignore[arg-type]
        trial_ends_at=fields.pop("trial_ends_at", None),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def run_jobs(*names: str, at: datetime | str, dry_run: bool = False) -> str:
    out = io.StringIO()
    args = [*names, "--at", at if isinstance(at, str) else at.isoformat()]
    if dry_run:
        args.append("--dry-run")
    call_command("run_jobs", *args, stdout=out)
    return out.getvalue()


def reload(account: Account) -> Account:
    return Account.all_objects.get(pk=account.pk)


def actions(account: Account) -> list[str]:
    return list(AuditEvent.objects.filter(account_id=account.pk).order_by("id").values_list("action", flat=True))


def client_for(account: Account) -> Client:
    return Client(HTTP_HOST=f"{account.slug}.localhost")


def ensure_free_mail(*domains: str) -> None:
    """The seeded free-mail list does not survive a transactional test's flush; put back what a
    test relies on."""
    for domain in domains or ("gmail.com",):
        FreeMailDomain.objects.get_or_create(domain=domain)


def signup_form(**fields: str) -> dict[str, str]:
    """The public sign-up form as a person fills it in (opened 30 s ago, the hidden field empty);
    `fields` replace the defaults."""
    return {
        "full_name": "Karen Kirkegaard",
        "email": "karen@kirkegaard-service.dk",
        "company": "Kirkegaard Service ApS",
        "region": "EU",
        "language": "da",
        "code": "",
        "adult": "on",
        "website": "",
        "started": started_token(time.time() - 30),
        **fields,
    }
