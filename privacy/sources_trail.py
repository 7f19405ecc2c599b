"""The privacy desk's sources beyond logins, mails, consents and requests (GDPR-6): the
restrictions and objections in force, the steps taken on the person's requests, and the one
audit trail (core.AuditEvent) where the person acted or is concerned."""

from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import verbose_names
from privacy.models import AuditAction, AuditEvent, SubjectFlag
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


def _trail_model() -> Any:
    """The one audit trail (core.AuditEvent), looked up when used."""
    try:
        return apps.get_model("core", "AuditEvent")
    except LookupError:
        return None


def _trail_collect(email: str) -> list[dict[str, Any]]:
    model = _trail_model()
    if model is None:
        return []
    events = model.objects.filter(Q(actor_label__iexact=email) | Q(subject_label__icontains=email))
    return [
        {
            "at": iso(e.occurred_at),
            "domain": e.domain,
            "action": e.action,
            "by": e.actor_label,
            "subject": e.subject_label,
            "reason": e.reason,
        }
        for e in events.order_by("occurred_at", "id")
    ]


def _trail_domain(code: Any) -> Any:
    model = _trail_model()
    return dict(model._meta.get_field("domain").choices).get(code, code) if model else code


def _audit_collect(email: str) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(request__email__iexact=email).select_related("request")
    return [
        {"reference": e.request.reference, "at": iso(e.at), "action": e.action} for e in events.order_by("at", "id")
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
        models=(AuditEvent,),
        categories=("email", "contact"),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="core.audit_trail",
        label=_("Audit trail"),
        about=_("Changes and decisions in our systems that you made or that concern you, with who made them and why."),
        scope=Scope.PUBLIC,
        collect=_trail_collect,
        kept_reason=_(
            "The audit trail cannot be changed after the fact: it is the proof of who did what and why "
            "(GDPR Art. 5(2))."
        ),
        fields={
            "at": _("when (ISO 8601)"),
            "domain": _("area"),
            "action": _("what was done"),
            "by": _("who did it"),
            "subject": _("what it concerned"),
            "reason": _("reason given"),
        },
        labels={
            "at": _("when"),
            "domain": _("area"),
            "action": _("what was done"),
            "by": _("by"),
            "subject": _("concerning"),
            "reason": _("reason"),
        },
        values={"domain": _trail_domain},
        models=("core.AuditEvent",),
        categories=("name", "email", "usage"),
        legal_basis="legitimate_interest",
        retention=FIVE_YEARS,
    )
)
