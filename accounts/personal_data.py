"""What an account's schema holds about a person beyond the user row (which the privacy desk
covers itself), for access and erasure requests (GDPR-6): login records (ACC-8: device,
browser, IP address) and pending invitations. Registered in core's registry, which the privacy
desk walks, so accounts never imports the privacy app."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.users.models import Role
from accounts.workspace.models import Invitation, LoginRecord
from core.personal_data import EraseResult, Scope, Source, register, verbose_names


def _logins_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "at": r.at.isoformat(),
            "last_seen_at": r.last_seen_at.isoformat(),
            "browser": r.user_agent,
            "ip": r.ip,
            "network": r.network,
        }
        for r in LoginRecord.objects.filter(user__email__iexact=email).order_by("at")
    ]


def _logins_erase(email: str) -> EraseResult:
    deleted, _by_model = LoginRecord.objects.filter(user__email__iexact=email).delete()
    return EraseResult(deleted=deleted)


def _invitations_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "email": i.email,
            "role": i.role,
            "sent": i.created_at.isoformat(),
            "accepted": i.accepted_at.isoformat() if i.accepted_at else None,
        }
        for i in Invitation.objects.filter(email__iexact=email).order_by("created_at")
    ]


def _invitations_erase(email: str) -> EraseResult:
    deleted, _by_model = Invitation.objects.filter(email__iexact=email).delete()
    return EraseResult(deleted=deleted)


register(
    Source(
        key="accounts.logins",
        label=_("Login records"),
        scope=Scope.ACCOUNT,
        collect=_logins_collect,
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
    )
)
register(
    Source(
        key="accounts.invitations",
        label=_("Invitations"),
        scope=Scope.ACCOUNT,
        collect=_invitations_collect,
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
    )
)
