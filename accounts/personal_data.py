"""What an account's schema holds about a person beyond the user row (which the privacy desk
covers itself), for access and erasure requests (GDPR-6): login records (ACC-8: device,
browser, IP address) and pending invitations. Registered in core's registry, which the privacy
desk walks, so accounts never imports the privacy app."""

from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.event_details import event_details, event_reason
from accounts.models import (
    Account,
    AccountStatus,
    CancellationRequest,
    LifetimeCodeBatch,
    PooledSchema,
    SharedLoginFlag,
)
from accounts.personal_records import (
    account_across,
    account_record,
    event_record,
    events_across,
    flag_record,
    flags_across,
    invitation_record,
    invitations_across,
    login_record,
    logins_across,
    mentions,
)
from accounts.users.models import Role, User
from accounts.workspace.models import Invitation, LoginRecord
from core.audit import action_label, describe
from core.models import AuditDomain, AuditEvent
from core.personal_data import EraseResult, Scope, Source, register, register_no_personal_data, verbose_names

ERASED = "erased@erased.invalid"
FIVE_YEARS_AFTER = _("While the account is a customer, then 5 years.")


def _logins_collect(email: str) -> list[dict[str, Any]]:
    return [login_record(r) for r in LoginRecord.objects.filter(user__email__iexact=email).order_by("at")]


def _logins_erase(email: str) -> EraseResult:
    deleted, _by_model = LoginRecord.objects.filter(user__email__iexact=email).delete()
    return EraseResult(deleted=deleted)


def _invitations_collect(email: str) -> list[dict[str, Any]]:
    return [invitation_record(i) for i in Invitation.objects.filter(email__iexact=email).order_by("created_at")]


def _invitations_erase(email: str) -> EraseResult:
    deleted, _by_model = Invitation.objects.filter(email__iexact=email).delete()
    return EraseResult(deleted=deleted)


register(
    Source(
        key="accounts.logins",
        label=_("Login records"),
        scope=Scope.ACCOUNT,
        collect=_logins_collect,
        collect_across=logins_across,
        erase=_logins_erase,
        about=_(
            "When and from which browser and network you logged in; kept to protect the account "
            "against misuse and to detect a login shared between several people."
        ),
        fields={
            "at": _("time of login (ISO 8601)"),
            "last_seen_at": _("last activity of that session (ISO 8601)"),
            "browser": _("the browser's user agent"),
            "ip": _("IP address"),
            "network": _("network (IPv4 /24 or IPv6 /48) used for shared-login detection"),
        },
        labels=verbose_names(LoginRecord, "at", "last_seen_at", "ip", "network", browser="user_agent"),
        models=(LoginRecord,),
        categories=("ip", "browser", "usage"),
        legal_basis="legitimate_interest",
        retention=_("90 days after the login, or until the account ends."),
    )
)
register(
    Source(
        key="accounts.invitations",
        label=_("Invitations"),
        scope=Scope.ACCOUNT,
        collect=_invitations_collect,
        collect_across=invitations_across,
        erase=_invitations_erase,
        about=_("Invitations to join a customer account's team, kept until they are accepted or withdrawn."),
        fields={
            "email": _("invited address"),
            "role": _("role offered"),
            "sent": _("sent (ISO 8601)"),
            "accepted": _("accepted (ISO 8601)"),
        },
        labels=verbose_names(Invitation, "email", "role", sent="created_at", accepted="accepted_at"),
        values={"role": dict(Role.choices)},
        models=(Invitation,),
        categories=("email",),
        legal_basis="legitimate_interest",
        retention=_("Until the invitation is accepted or withdrawn."),
    )
)


def _account() -> Account | None:
    """The account whose schema the source runs in (an account-scoped source)."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Account) else None


def _holder(email: str) -> Account | None:
    """The account of this schema if the person is its Owner: its contract and history are theirs."""
    account = _account()
    if account is None or not User.objects.filter(email__iexact=email, role=Role.OWNER).exists():
        return None
    return account


def _account_collect(email: str) -> list[dict[str, Any]]:
    account = _holder(email)
    if account is None:
        return []
    return [account_record(account)]


def _events(email: str) -> Any:
    account = _account()
    if account is None:
        return AuditEvent.objects.none()
    mine = mentions(email)
    if _holder(email) is not None:
        mine = Q()  # the Owner's account history is about them
    # support entries into the account are the support-access source's rows (subprocessors)
    return AuditEvent.objects.filter(mine, account_id=account.pk).exclude(domain=AuditDomain.SUPPORT)


def _events_collect(email: str) -> list[dict[str, Any]]:
    return [event_record(e) for e in _events(email).order_by("occurred_at", "id")]


def event_action(code: str) -> str:
    """An account event's action as the reader's words: the label its app registered in the one
    audit trail's registry (core.audit), else "Other change" (the code stays in the JSON)."""
    if action_label(code) is None:
        return gettext("Other change")
    # a state change names the state it reached ("status:active" → … to Active)
    after = code.split(":", 1)[1] if ":" in code else None
    return describe(AuditEvent(action=code, subject_type="accounts.account", after=after, params={}))


def _flags(email: str) -> Any:
    account = _account()
    return SharedLoginFlag.objects.filter(account=account, user_email__iexact=email) if account else None


def _flags_collect(email: str) -> list[dict[str, Any]]:
    flags = _flags(email)
    return [flag_record(f) for f in (flags.order_by("detected_at") if flags is not None else [])]


def _flags_erase(email: str) -> EraseResult:
    # The flag and its surcharge stay with the account; who it was and the login records go.
    flags = _flags(email)
    return EraseResult(anonymised=flags.update(user_email=ERASED, evidence=[]) if flags is not None else 0)


def _cancellations_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "received_at": c.received_at.isoformat(),
            "sender": c.sender,
            "account": c.account.name,
            "confirmed_at": c.confirmed_at.isoformat() if c.confirmed_at else None,
            "note": c.note,
        }
        for c in CancellationRequest.objects.filter(sender__iexact=email).select_related("account").order_by("id")
    ]


register(
    Source(
        key="accounts.account",
        label=_("Your customer account"),
        scope=Scope.ACCOUNT,
        collect=_account_collect,
        collect_across=account_across,
        kept_reason=_(
            "The customer account is the contract with you: it ends when it is cancelled, not by "
            "erasure, and its name stays on its invoices."
        ),
        about=_("The customer account you hold as its Owner."),
        fields={
            "name": _("name of the account"),
            "status": _("status of the account"),
            "created_at": _("created (ISO 8601)"),
            "language": _("language of the account"),
        },
        labels=verbose_names(Account, "name", "status", "created_at", "language"),
        values={"status": dict(AccountStatus.choices), "language": dict(Account._meta.get_field("language").choices)},
        models=(Account,),
        categories=("name", "purchases"),
        legal_basis="contract",
        retention=FIVE_YEARS_AFTER,
    )
)
register(
    Source(
        key="accounts.events",
        label=_("History of your account"),
        scope=Scope.ACCOUNT,
        collect=_events_collect,
        collect_across=events_across,
        kept_reason=_(
            "The account's history cannot be changed after the fact: it is the evidence of what was "
            "done to the account and by whom, including names and addresses before and after a change."
        ),
        about=_("What was done to the account and by whom, with the details before and after each change."),
        fields={
            "at": _("when (ISO 8601)"),
            "action": _("what was done"),
            "actor": _("who did it"),
            "reason": _("reason given"),
            "details": _("details, such as values before and after the change"),
        },
        labels={
            **verbose_names(AuditEvent, "reason", at="occurred_at", actor="actor_label"),
            "action": _("what was done"),
            "details": _("details"),
        },
        values={"action": event_action, "details": event_details, "reason": event_reason},
        models=(AuditEvent,),
        categories=("name", "address", "email", "purchases"),
        legal_basis="legitimate_interest",
        retention=FIVE_YEARS_AFTER,
    )
)
register(
    Source(
        key="accounts.shared_login",
        label=_("Shared-login checks"),
        scope=Scope.ACCOUNT,
        collect=_flags_collect,
        collect_across=flags_across,
        erase=_flags_erase,
        about=_(
            "Times your login was active at once from two devices on two networks, with the two "
            "logins as evidence; kept to apply the account's terms on shared logins."
        ),
        fields={
            "detected_at": _("detected (ISO 8601)"),
            "user_email": _("the login"),
            "evidence": _("the two logins: time, device, browser, IP address and network"),
            "surcharge": _("whether a surcharge was added to the invoice"),
        },
        labels={
            **verbose_names(SharedLoginFlag, "detected_at", "user_email", "evidence", "surcharge"),
            **verbose_names(LoginRecord, "at", "last_seen_at", "device_id", "user_agent", "ip", "network"),
        },
        models=(SharedLoginFlag,),
        categories=("email", "ip", "browser", "usage"),
        legal_basis="contract",
        retention=FIVE_YEARS_AFTER,
    )
)
register(
    Source(
        key="accounts.cancellations",
        label=_("Cancellations you sent by e-mail"),
        scope=Scope.PUBLIC,
        collect=_cancellations_collect,
        kept_reason=_("A cancellation is proof that the contract ended as you asked; it is kept 5 years."),
        about=_("Cancellations of an account you sent us by e-mail, and when we confirmed them."),
        fields={
            "received_at": _("received (ISO 8601)"),
            "sender": _("sent from"),
            "account": _("account"),
            "confirmed_at": _("confirmed (ISO 8601)"),
            "note": _("our note"),
        },
        labels=verbose_names(CancellationRequest, "received_at", "sender", "account", "confirmed_at", "note"),
        models=(CancellationRequest,),
        categories=("email", "contact"),
        legal_basis="contract",
        retention=_("5 years."),
    )
)
register_no_personal_data(
    LifetimeCodeBatch, reason=_("A batch of lifetime codes is named after a sales campaign, not a person.")
)
register_no_personal_data(
    PooledSchema, reason=_("A schema waiting for a sign-up has a random name and holds no one's data yet.")
)
