"""The privacy desk's sources beyond logins, mails, consents and requests (GDPR-6): the
restrictions and objections in force, the steps taken on the person's requests (the one
audit trail, core.AuditEvent, is core's own source: core/audit_source.py)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent as TrailEvent
from core.personal_data import verbose_names
from privacy.audit import SUBJECT_TYPE, desk_trail
from privacy.models import AuditAction, PrivacyRequest, SubjectFlag
from privacy.registry import KEPT_PRIVACY_RECORDS, EraseResult, Scope, Source, register
from privacy.sources import FIVE_YEARS, iso


def _flags_collect(email: str) -> list[dict[str, Any]]:
    return [
        {"kind": f.kind, "since": iso(f.since)}
        for f in SubjectFlag.objects.filter(email__iexact=email).order_by("since", "id")
    ]


def _flags_erase(email: str) -> EraseResult:
    deleted, _detail = SubjectFlag.objects.filter(email__iexact=email).delete()
    return EraseResult(deleted=deleted)


def _audit_collect(email: str) -> list[dict[str, Any]]:
    requests = PrivacyRequest.objects.filter(email__iexact=email).values_list("pk", flat=True)
    events = desk_trail().filter(subject_type=SUBJECT_TYPE, subject_id__in=[str(pk) for pk in requests])
    return [
        {"reference": e.subject_label, "at": iso(e.occurred_at), "action": e.action}
        for e in events.order_by("occurred_at", "id")
    ]


register(
    Source(
        key="privacy.flags",
        label=_("Your restrictions and objections"),
        about=_(
            "The restriction of processing or objection you asked for, which keeps us from using your "
            "data for marketing and profiling for as long as it stands."
        ),
        scope=Scope.PUBLIC,
        collect=_flags_collect,
        erase=_flags_erase,
        fields={"kind": _("restriction or objection"), "since": _("in force since (ISO 8601)")},
        labels=verbose_names(SubjectFlag, "kind", "since"),
        values={"kind": dict(SubjectFlag.Kind.choices)},
        models=(SubjectFlag,),
        categories=("email",),
        legal_basis="legal_obligation",
        retention=_("As long as the restriction or objection stands."),
    )
)
register(
    Source(
        key="privacy.audit",
        label=_("Steps in handling your requests"),
        about=_("Each step we took on your data-protection requests, kept as proof of how we handled them."),
        scope=Scope.PUBLIC,
        collect=_audit_collect,
        kept_reason=KEPT_PRIVACY_RECORDS,
        fields={
            "reference": _("case reference"),
            "at": _("when (ISO 8601)"),
            "action": _("the step"),
        },
        labels={"reference": _("case reference"), "at": _("when"), "action": _("step")},
        values={"action": dict(AuditAction.choices)},
        models=(TrailEvent,),
        categories=("email", "contact"),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
