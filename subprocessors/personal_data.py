"""What the registry holds about a person: the notice subscription (SUB-4), for the privacy
desk's access and erasure requests (GDPR-6)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.personal_data import EraseResult, Scope, Source, register, verbose_names
from subprocessors.models import Subscriber


def _collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "email": s.email,
            "language": s.language,
            "subscribed": s.created_at.isoformat(),
            "confirmed": s.confirmed_at.isoformat() if s.confirmed_at else None,
            "unsubscribed": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
        }
        for s in Subscriber.objects.filter(email__iexact=email)
    ]


def _erase(email: str) -> EraseResult:
    deleted, _by_model = Subscriber.objects.filter(email__iexact=email).delete()
    return EraseResult(deleted=deleted)


register(
    Source(
        key="subprocessors.subscriber",
        label=_("Sub-processor notices"),
        scope=Scope.PUBLIC,
        collect=_collect,
        erase=_erase,
        about=_("Your subscription to notices of changes to our sub-processors, kept until you unsubscribe."),
        fields={
            "email": _("subscribed address"),
            "language": _("language of the notices"),
            "subscribed": _("subscribed (ISO 8601)"),
            "confirmed": _("double opt-in confirmed (ISO 8601)"),
            "unsubscribed": _("unsubscribed (ISO 8601)"),
        },
        labels=verbose_names(
            Subscriber,
            "email",
            "language",
            subscribed="created_at",
            confirmed="confirmed_at",
            unsubscribed="unsubscribed_at",
        ),
        values={"language": dict(settings.LANGUAGES)},
    )
)
