"""What the registry holds about a person: the notice subscription (SUB-4), for the privacy
desk's access and erasure requests (GDPR-6)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.personal_data import EraseResult, Scope, Source, register
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
        fields={
            "email": "subscribed address",
            "language": "language of the notices",
            "subscribed": "subscribed (ISO 8601)",
            "confirmed": "double opt-in confirmed (ISO 8601)",
            "unsubscribed": "unsubscribed (ISO 8601)",
        },
    )
)
