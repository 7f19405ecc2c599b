"""The sources of personal data that exist today. Other apps register theirs the same way
(see privacy/registry.py)."""

import uuid
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import MailLog
from accounts.users.models import User
from privacy.models import Consent, PrivacyRequest, SubjectFlag
from privacy.registry import KEPT_PRIVACY_RECORDS, EraseResult, Scope, Source, register

# Mails of the privacy desk itself are the proof that a request was answered.
PRIVACY_TEMPLATE_PREFIX = "privacy/"


def erased_address() -> str:
    # Random, not a hash of the address: a hash could be matched back to the person.
    return f"erased-{uuid.uuid4().hex[:16]}@erased.invalid"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _users_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "email": u.email,
            "full_name": u.full_name,
            "role": u.role,
            "language": u.language,
            "active": u.is_active,
            "joined": _iso(u.date_joined),
            "last_login": _iso(u.last_login),
        }
        for u in User.objects.filter(email__iexact=email)
    ]


def _users_erase(email: str) -> EraseResult:
    # Anonymised, not deleted: the row may be the account's one Owner (ACC-9) and other tables
    # point at it; without name and address it no longer says anything about the person.
    n = 0
    for user in User.objects.filter(email__iexact=email):
        user.email = erased_address()
        user.full_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "full_name", "is_active", "password"])
        n += 1
    return EraseResult(anonymised=n)


def _users_rectify(email: str, field: str, value: str) -> list[tuple[str, str]]:
    changes = []
    for user in User.objects.filter(email__iexact=email):
        before = getattr(user, field)
        setattr(user, field, value)
        user.full_clean(exclude=["password"])
        user.save(update_fields=[field])
        changes.append((before, value))
    return changes


USER_FIELDS = {
    "email": "login e-mail address",
    "full_name": "full name",
    "role": "owner, admin or agent",
    "language": "language of pages and e-mails",
    "active": "whether the login may be used",
    "joined": "when the login was created (ISO 8601)",
    "last_login": "last login (ISO 8601)",
}


def _mail_collect(email: str, kept: bool) -> list[dict[str, Any]]:
    mails = MailLog.objects.filter(recipient__iexact=email)
    mails = (
        mails.filter(template__startswith=PRIVACY_TEMPLATE_PREFIX)
        if kept
        else mails.exclude(template__startswith=PRIVACY_TEMPLATE_PREFIX)
    )
    return [
        {"sent": _iso(m.created_at), "subject": m.subject, "template": m.template, "status": m.status}
        for m in mails.order_by("created_at", "id")
    ]


def _mail_erase(email: str) -> EraseResult:
    n = (
        MailLog.objects.filter(recipient__iexact=email)
        .exclude(template__startswith=PRIVACY_TEMPLATE_PREFIX)
        .update(recipient="erased@erased.invalid", subject="", body="")
    )
    return EraseResult(anonymised=n)


MAIL_FIELDS = {
    "sent": "when the e-mail was sent (ISO 8601)",
    "subject": "subject line",
    "template": "kind of e-mail",
    "status": "queued, sent, failed or suppressed",
}


def _consents_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "purpose": c.purpose,
            "given": _iso(c.given_at),
            "source": c.source,
            "withdrawn": _iso(c.withdrawn_at),
        }
        for c in Consent.objects.filter(email__iexact=email).order_by("given_at", "id")
    ]


def _consents_erase(email: str) -> EraseResult:
    deleted, _detail = Consent.objects.filter(email__iexact=email).delete()
    flags, _detail = SubjectFlag.objects.filter(email__iexact=email).delete()
    return EraseResult(deleted=deleted + flags)


def _requests_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "type": r.kind,
            "received": _iso(r.received_at),
            "status": r.status,
            "due": _iso(r.due_on),
            "closed": _iso(r.closed_at),
        }
        for r in PrivacyRequest.objects.filter(email__iexact=email).order_by("received_at", "id")
    ]


register(
    Source(
        key="accounts.user",
        label=_("Your login in a customer account"),
        scope=Scope.ACCOUNT,
        collect=_users_collect,
        erase=_users_erase,
        rectify=_users_rectify,
        fields=USER_FIELDS,
    )
)
register(
    Source(
        key="accounts.staff_user",
        label=_("Your staff login"),
        scope=Scope.PUBLIC,
        collect=_users_collect,
        erase=_users_erase,
        rectify=_users_rectify,
        fields=USER_FIELDS,
    )
)
register(
    Source(
        key="accounts.maillog",
        label=_("E-mails we sent you"),
        scope=Scope.PUBLIC,
        collect=lambda email: _mail_collect(email, kept=False),
        erase=_mail_erase,
        fields=MAIL_FIELDS,
    )
)
register(
    Source(
        key="privacy.consent",
        label=_("Your consents"),
        scope=Scope.PUBLIC,
        collect=_consents_collect,
        erase=_consents_erase,
        fields={
            "purpose": "what the consent is for",
            "given": "when it was given (ISO 8601)",
            "source": "where it was given",
            "withdrawn": "when it was withdrawn, if it was (ISO 8601)",
        },
    )
)
register(
    Source(
        key="privacy.request",
        label=_("Your data-protection requests"),
        scope=Scope.PUBLIC,
        collect=_requests_collect,
        kept_reason=KEPT_PRIVACY_RECORDS,
        fields={
            "type": "the right exercised",
            "received": "when we received it (ISO 8601)",
            "status": "where it stands",
            "due": "answer due by (date)",
            "closed": "when it was closed (ISO 8601)",
        },
    )
)
register(
    Source(
        key="privacy.correspondence",
        label=_("Our e-mails about your data-protection requests"),
        scope=Scope.PUBLIC,
        collect=lambda email: _mail_collect(email, kept=True),
        kept_reason=KEPT_PRIVACY_RECORDS,
        fields=MAIL_FIELDS,
    )
)
