"""What the registry holds about a person, for the privacy desk's access and erasure requests
(GDPR-6): the notice subscription and the notices sent (SUB-4), objections to a new
sub-processor, requests for the data-processing agreement (SUB-3) and support access (SUB-5)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import AuditDomain, AuditEvent
from core.personal_data import (
    STAFF_ABOUT,
    STAFF_FIELDS,
    STAFF_KEPT,
    STAFF_LABELS,
    EraseResult,
    Scope,
    Source,
    register,
    register_no_personal_data,
    verbose_names,
)
from subprocessors.models import (
    CaseStatus,
    DpaRequest,
    DpaStatus,
    NoticeDelivery,
    Objection,
    PolicySeen,
    PolicyVersion,
    RegistryVersion,
    SubProcessor,
    Subscriber,
    SupportAccessConsent,
    SupportAccessEvent,
)

ERASED = "erased@erased.invalid"


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
        models=(Subscriber,),
        categories=("email",),
        legal_basis="consent",
        retention=_("Until you unsubscribe."),
    )
)


def _deliveries_collect(email: str) -> list[dict[str, Any]]:
    deliveries = NoticeDelivery.objects.filter(email__iexact=email).select_related("notice", "account")
    return [
        {
            "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            "sub_processor": d.notice.legal_entity,
            "account": d.account.name if d.account else None,
            "email": d.email,
        }
        for d in deliveries.order_by("id")
    ]


def _deliveries_erase(email: str) -> EraseResult:
    # That the notice went out stays (prior notice, GDPR Art. 28(2)); to which address goes.
    return EraseResult(anonymised=NoticeDelivery.objects.filter(email__iexact=email).update(email=ERASED))


def _objections_collect(email: str) -> list[dict[str, Any]]:
    objections = Objection.objects.filter(raised_by__iexact=email).select_related("notice", "account")
    return [
        {
            "created_at": o.created_at.isoformat(),
            "account": o.account.name,
            "sub_processor": o.notice.legal_entity,
            "reason": o.reason,
            "status": o.status,
        }
        for o in objections.order_by("created_at", "id")
    ]


def _objections_erase(email: str) -> EraseResult:
    # The account's objection stays, without who raised it and in which words.
    n = Objection.objects.filter(raised_by__iexact=email).update(raised_by=ERASED, reason="")
    return EraseResult(anonymised=n)


def _dpa_collect(email: str) -> list[dict[str, Any]]:
    return [
        {
            "requested_at": r.requested_at.isoformat(),
            "account": r.account.name,
            "status": r.status,
            "signed_version": r.signed_version or None,
            "signed_on": r.signed_on.isoformat() if r.signed_on else None,
        }
        for r in DpaRequest.objects.filter(requested_by__iexact=email).select_related("account").order_by("id")
    ]


def _dpa_erase(email: str) -> EraseResult:
    # The signed agreement is the account's; who asked for it goes.
    return EraseResult(anonymised=DpaRequest.objects.filter(requested_by__iexact=email).update(requested_by=ERASED))


def _seen_collect(email: str) -> list[dict[str, Any]]:
    seen = PolicySeen.objects.filter(seen_by__iexact=email).select_related("policy", "account")
    return [
        {
            "seen_at": p.seen_at.isoformat(),
            "account": p.account.name,
            "policy": f"{p.policy.get_kind_display()} v{p.policy.number}"
            if p.policy.number
            else p.policy.get_kind_display(),
            "effective_date": p.policy.effective_date.isoformat(),
        }
        for p in seen.order_by("seen_at", "id")
    ]


def _seen_erase(email: str) -> EraseResult:
    return EraseResult(anonymised=PolicySeen.objects.filter(seen_by__iexact=email).update(seen_by=ERASED))


def _support_collect(email: str) -> list[dict[str, Any]]:
    entries = AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, actor_label__iexact=email)
    return [
        {"at": e.occurred_at.isoformat(), "account": e.subject_label, "event": e.action, "purpose": e.reason}
        for e in entries.order_by("occurred_at", "id")
    ]


def _versions_collect(email: str) -> list[dict[str, Any]]:
    """The registry versions a staff member published."""
    return [
        {"record": str(RegistryVersion._meta.verbose_name), "at": v.published_at.isoformat(), "entry": str(v.number)}
        for v in RegistryVersion.objects.filter(published_by__iexact=email).order_by("number")
    ]


def _consent_collect(email: str) -> list[dict[str, Any]]:
    consents = SupportAccessConsent.objects.filter(changed_by__iexact=email).select_related("account")
    return [
        {
            "account": c.account.name,
            "granted": c.granted,
            "changed_at": c.changed_at.isoformat() if c.changed_at else None,
        }
        for c in consents.order_by("id")
    ]


def _consent_erase(email: str) -> EraseResult:
    # The account's choice stays; who made it goes.
    return EraseResult(
        anonymised=SupportAccessConsent.objects.filter(changed_by__iexact=email).update(changed_by=ERASED)
    )


FIVE_YEARS = _("5 years.")

register(
    Source(
        key="subprocessors.notices",
        label=_("Notices of sub-processor changes sent to you"),
        scope=Scope.PUBLIC,
        collect=_deliveries_collect,
        erase=_deliveries_erase,
        about=_("Each notice of a new or changed sub-processor we sent you, kept as proof of the notice."),
        fields={
            "sent_at": _("sent (ISO 8601)"),
            "sub_processor": _("the sub-processor"),
            "account": _("account"),
            "email": _("sent to"),
        },
        labels={**verbose_names(NoticeDelivery, "sent_at", "account", "email"), "sub_processor": _("sub-processor")},
        models=(NoticeDelivery,),
        categories=("email",),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="subprocessors.objections",
        label=_("Your objections to sub-processors"),
        scope=Scope.PUBLIC,
        collect=_objections_collect,
        erase=_objections_erase,
        about=_("The objections you raised for an account against a new sub-processor, and how far they are."),
        fields={
            "created_at": _("raised (ISO 8601)"),
            "account": _("account"),
            "sub_processor": _("the sub-processor"),
            "reason": _("your reason"),
            "status": _("open or resolved"),
        },
        labels={
            **verbose_names(Objection, "created_at", "account", "reason", "status"),
            "sub_processor": _("sub-processor"),
        },
        values={"status": dict(CaseStatus.choices)},
        models=(Objection,),
        categories=("email", "contact"),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="subprocessors.dpa_requests",
        label=_("Your requests for the data-processing agreement"),
        scope=Scope.PUBLIC,
        collect=_dpa_collect,
        erase=_dpa_erase,
        about=_("The data-processing agreements you asked for on behalf of an account, and whether they were signed."),
        fields={
            "requested_at": _("requested (ISO 8601)"),
            "account": _("account"),
            "status": _("requested, signed or declined"),
            "signed_version": _("version signed"),
            "signed_on": _("signed on (date)"),
        },
        labels=verbose_names(DpaRequest, "requested_at", "account", "status", "signed_version", "signed_on"),
        values={"status": dict(DpaStatus.choices)},
        models=(DpaRequest,),
        categories=("email",),
        legal_basis="contract",
        retention=_("While the agreement is in force, then 5 years."),
    )
)
register(
    Source(
        key="subprocessors.policies_seen",
        label=_("Policies you have seen"),
        scope=Scope.PUBLIC,
        collect=_seen_collect,
        erase=_seen_erase,
        about=_("Which versions of our terms and policies you saw for an account, and when."),
        fields={
            "seen_at": _("seen (ISO 8601)"),
            "account": _("account"),
            "policy": _("policy version"),
            "effective_date": _("effective date"),
        },
        labels={**verbose_names(PolicySeen, "seen_at", "account", "policy"), "effective_date": _("effective date")},
        models=(PolicySeen,),
        categories=("email", "usage"),
        legal_basis="contract",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="subprocessors.support_access",
        label=_("Support access to customer accounts"),
        scope=Scope.PUBLIC,
        collect=_support_collect,
        kept_reason=_(
            "The trail of support access cannot be changed: it is the proof of who entered a customer "
            "account, when and why."
        ),
        about=_("The times you, as our staff, entered a customer account or changed its consent to support access."),
        fields={
            "at": _("when (ISO 8601)"),
            "account": _("account"),
            "event": _("what happened"),
            "purpose": _("purpose given"),
        },
        labels={"at": _("time"), "event": _("event"), "purpose": _("purpose"), "account": _("account")},
        values={"event": dict(SupportAccessEvent.choices)},
        models=(AuditEvent,),
        categories=("name", "email", "support"),
        legal_basis="legitimate_interest",
        retention=FIVE_YEARS,
    )
)
register_no_personal_data(
    SubProcessor,
    reason=_("An entry of the public registry names a company, its registered address and its purpose."),
)
register_no_personal_data(
    PolicyVersion, reason=_("The published text of our terms and policies, the same for everyone.")
)
register(
    Source(
        key="subprocessors.registry_versions",
        label=_("Registry versions you published"),
        scope=Scope.PUBLIC,
        collect=_versions_collect,
        kept_reason=STAFF_KEPT,
        about=STAFF_ABOUT,
        fields=STAFF_FIELDS,
        labels=STAFF_LABELS,
        models=(RegistryVersion,),
        categories=("name", "email"),
        legal_basis="legal_obligation",
        retention=FIVE_YEARS,
    )
)
register(
    Source(
        key="subprocessors.support_consent",
        label=_("Support access you allowed or withdrew"),
        scope=Scope.PUBLIC,
        collect=_consent_collect,
        erase=_consent_erase,
        about=_(
            "Whether you, for an account, allowed our support to look into its data, and when you last changed it."
        ),
        fields={
            "account": _("account"),
            "granted": _("whether access is allowed"),
            "changed_at": _("changed (ISO 8601)"),
        },
        labels=verbose_names(SupportAccessConsent, "account", "granted", "changed_at"),
        models=(SupportAccessConsent,),
        categories=("email",),
        legal_basis="consent",
        retention=_("While the account is a customer, then 5 years."),
    )
)
