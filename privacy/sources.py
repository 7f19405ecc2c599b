"""The sources of personal data that exist today. Other apps register theirs the same way
(see privacy/registry.py)."""

import uuid
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import MailLog, MailStatus
from accounts.users.models import Role, User
from core.personal_data import Across, register_no_personal_data, verbose_names
from privacy.models import (
    Channel,
    Consent,
    ConsentPurpose,
    ConsentSource,
    ErasureStep,
    Export,
    PrivacyRequest,
    RequestAttachment,
    RequestKind,
    RequestStatus,
)
from privacy.records import ProcessingRecord
from privacy.registry import KEPT_PRIVACY_RECORDS, EraseResult, Scope, Source, register

USER_RETENTION = _("While the account keeps you on its team, then 5 years after the account ends.")
FIVE_YEARS = _("5 years.")

# Mails of the privacy desk itself are the proof that a request was answered.
PRIVACY_TEMPLATE_PREFIX = "privacy/"


def erased_address() -> str:
    # Random, not a hash of the address: a hash could be matched back to the person.
    return f"erased-{uuid.uuid4().hex[:16]}@erased.invalid"


def iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _user_record(u: User) -> dict[str, Any]:
    return {
        "email": u.email,
        "full_name": u.full_name,
        "role": u.role,
        "language": u.language,
        "active": u.is_active,
        "joined": iso(u.date_joined),
        "last_login": iso(u.last_login),
    }


def _users_collect(email: str) -> list[dict[str, Any]]:
    return [_user_record(u) for u in User.objects.filter(email__iexact=email)]


def _users_across(across: Across) -> dict[int, list[dict[str, Any]]]:
    # The export has read the address's users rows of every schema already (they give its roles).
    return {account_id: [_user_record(u) for u in users] for account_id, users in across.users.items()}


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
    "email": _("login e-mail address"),
    "full_name": _("full name"),
    "role": _("owner, admin or agent"),
    "language": _("language of pages and e-mails"),
    "active": _("whether the login may be used"),
    "joined": _("when the login was created (ISO 8601)"),
    "last_login": _("last login (ISO 8601)"),
}
USER_LABELS = verbose_names(
    User, "email", "full_name", "role", "language", "last_login", active="is_active", joined="date_joined"
)
USER_VALUES = {"role": dict(Role.choices), "language": dict(settings.LANGUAGES)}


def _mail_collect(email: str, kept: bool) -> list[dict[str, Any]]:
    mails = MailLog.objects.filter(recipient__iexact=email)
    mails = (
        mails.filter(template__startswith=PRIVACY_TEMPLATE_PREFIX)
        if kept
        else mails.exclude(template__startswith=PRIVACY_TEMPLATE_PREFIX)
    )
    return [
        {"sent": iso(m.created_at), "subject": m.subject, "template": m.template, "status": m.status}
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
    "sent": _("when the e-mail was sent (ISO 8601)"),
    "subject": _("subject line"),
    "template": _("kind of e-mail"),
    "status": _("queued, sent, failed or suppressed"),
}
MAIL_LABELS = {"sent": _("sent"), "subject": _("subject"), "template": _("kind of e-mail"), "status": _("status")}
# The mail's template name is a code; the person reads what the e-mail was about.
MAIL_TOPICS = (
    (PRIVACY_TEMPLATE_PREFIX, _("Your data-protection request")),
    ("subprocessors_", _("Sub-processor notices")),
    ("billing_", _("Invoices and payments")),
    ("subscriptions_", _("Invoices and payments")),
    ("lifetime_", _("Invoices and payments")),
    ("newsletter", _("Newsletter")),
    ("", _("Your login and account")),
)


def mail_topic(template: str) -> str:
    return next(str(topic) for prefix, topic in MAIL_TOPICS if template.startswith(prefix))


MAIL_VALUES = {"template": mail_topic, "status": dict(MailStatus.choices)}


def _consents_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "purpose": c.purpose,
            "given": iso(c.given_at),
            "source": c.source,
            "withdrawn": iso(c.withdrawn_at),
        }
        for c in Consent.objects.filter(email__iexact=email).order_by("given_at", "id")
    ]


def _consents_erase(email: str) -> EraseResult:
    deleted, _detail = Consent.objects.filter(email__iexact=email).delete()
    return EraseResult(deleted=deleted)


def _requests_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "reference": r.reference,
            "type": r.kind,
            "channel": r.channel,
            "received": iso(r.received_at),
            "status": r.status,
            "due": iso(r.due_on),
            "closed": iso(r.closed_at),
            "attachments": [a.name for a in r.attachments.all()] or None,
        }
        for r in PrivacyRequest.objects.filter(email__iexact=email)
        .prefetch_related("attachments")
        .order_by("received_at", "id")
    ]


register(
    Source(
        key="accounts.user",
        label=_("Your login in a customer account"),
        about=_(
            "The login you use in a customer account's helpdesk: we keep it so you can sign in, "
            "for as long as the account's Owner or Admin keeps you on the team."
        ),
        scope=Scope.ACCOUNT,
        collect=_users_collect,
        collect_across=_users_across,
        erase=_users_erase,
        rectify=_users_rectify,
        fields=USER_FIELDS,
        labels=USER_LABELS,
        values=USER_VALUES,
        models=(User,),
        categories=("name", "email", "usage"),
        legal_basis="contract",
        retention=USER_RETENTION,
    )
)
register(
    Source(
        key="accounts.staff_user",
        label=_("Your staff login"),
        about=_("Your login to the back office: we keep it so you can sign in while you work for us."),
        scope=Scope.PUBLIC,
        collect=_users_collect,
        erase=_users_erase,
        rectify=_users_rectify,
        fields=USER_FIELDS,
        labels=USER_LABELS,
        values=USER_VALUES,
        models=(User,),
        categories=("name", "email", "usage"),
        legal_basis="contract",
        retention=_("While you work for us."),
    )
)
register(
    Source(
        key="accounts.maillog",
        label=_("E-mails we sent you"),
        about=_(
            "A record of each e-mail we sent you, kept as proof of what we told you and when "
            "(for example receipts and notices of price changes)."
        ),
        scope=Scope.PUBLIC,
        collect=lambda email: _mail_collect(email, kept=False),
        erase=_mail_erase,
        fields=MAIL_FIELDS,
        labels=MAIL_LABELS,
        values=MAIL_VALUES,
        models=(MailLog,),
        categories=("email", "contact"),
        legal_basis="legitimate_interest",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="privacy.consent",
        label=_("Your consents"),
        about=_("What you have agreed to, when and where, kept as proof of your consent until you withdraw it."),
        scope=Scope.PUBLIC,
        collect=_consents_collect,
        erase=_consents_erase,
        fields={
            "purpose": _("what the consent is for"),
            "given": _("when it was given (ISO 8601)"),
            "source": _("where it was given"),
            "withdrawn": _("when it was withdrawn, if it was (ISO 8601)"),
        },
        labels={
            "purpose": _("purpose"),
            "given": _("given"),
            "source": _("given through"),
            "withdrawn": _("withdrawn"),
        },
        values={"purpose": dict(ConsentPurpose.choices), "source": dict(ConsentSource.choices)},
        models=(Consent,),
        categories=("email",),
        legal_basis="consent",
        retention=_("Until you withdraw your consent, then 5 years as proof."),
    )
)
register(
    Source(
        key="privacy.request",
        label=_("Your data-protection requests"),
        about=_("The requests you made about your personal data and how far we have come with each."),
        scope=Scope.PUBLIC,
        collect=_requests_collect,
        kept_reason=KEPT_PRIVACY_RECORDS,
        fields={
            "reference": _("case reference"),
            "type": _("the right exercised"),
            "channel": _("how we received it"),
            "received": _("when we received it (ISO 8601)"),
            "status": _("where it stands"),
            "due": _("answer due by (date)"),
            "closed": _("when it was closed (ISO 8601)"),
            "attachments": _("files received with it"),
        },
        labels={
            "reference": _("case reference"),
            "type": _("request"),
            "channel": _("received by"),
            "received": _("received"),
            "status": _("status"),
            "due": _("answer due by"),
            "closed": _("closed"),
            "attachments": _("attachments"),
        },
        values={
            "type": dict(RequestKind.choices),
            "status": dict(RequestStatus.choices),
            "channel": dict(Channel.choices),
        },
        models=(PrivacyRequest, RequestAttachment, Export, ErasureStep),
        categories=("name", "email", "contact"),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="privacy.correspondence",
        label=_("Our e-mails about your data-protection requests"),
        about=_("The e-mails we sent you while handling your requests."),
        scope=Scope.PUBLIC,
        collect=lambda email: _mail_collect(email, kept=True),
        kept_reason=KEPT_PRIVACY_RECORDS,
        fields=MAIL_FIELDS,
        labels=MAIL_LABELS,
        values=MAIL_VALUES,
        models=(MailLog,),
        categories=("email", "contact"),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
register_no_personal_data(
    ProcessingRecord,
    reason=_("A processing activity describes kinds of data and the companies that receive them, not a person."),
)
