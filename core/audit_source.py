"""The one audit trail as a personal-data source (GDPR-6): the rows where a person is the actor
(their e-mail is the actor label). Kept, never erased: the trail is the proof of who did what."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.audit import describe
from core.models import ActorKind, AuditDomain, AuditEvent
from core.personal_data import Scope, Source, register, verbose_names


def _collect(email: str) -> list[dict[str, Any]]:
    # support entries are the support-access source's rows (subprocessors), listed there once
    rows = AuditEvent.objects.filter(actor_label__iexact=email).exclude(domain=AuditDomain.SUPPORT)
    rows = rows.order_by("occurred_at", "id")
    return [
        {
            "at": row.occurred_at.isoformat(),
            "domain": row.domain,
            "subject": row.subject_label,
            "action": describe(row),
            "reason": row.reason,
        }
        for row in rows
    ]


register(
    Source(
        key="core.audit_trail",
        label=_("The audit trail of what you did"),
        scope=Scope.PUBLIC,
        collect=_collect,
        kept_reason=_("The audit trail cannot be changed: it is the proof of who did what, when and why."),
        about=_("The changes, entries and decisions recorded with you as the one who made them."),
        fields={
            "at": _("when (ISO 8601)"),
            "domain": _("domain"),
            "subject": _("subject"),
            "action": _("what happened"),
            "reason": _("reason"),
        },
        labels={
            **verbose_names(AuditEvent, "domain", "reason"),
            "at": _("when"),
            "subject": _("subject"),
            "action": _("what happened"),
        },
        values={"domain": dict(AuditDomain.choices), "actor_kind": dict(ActorKind.choices)},
        models=(AuditEvent,),
        categories=("name", "email", "usage"),
        legal_basis="legitimate_interest",
        retention=_("5 years."),
    )
)
