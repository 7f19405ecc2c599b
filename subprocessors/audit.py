"""GDPR-8: an objection resolved, a DPA request signed or declined (core.transitions reactions,
in the move's own transaction, whatever route made it), a registry version and a policy text
published are rows of the one audit trail (core.audit). Imported by SubprocessorsConfig.ready()."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import audit
from core import audit as trail
from core.models import AuditDomain
from core.transitions import Change, reacts_to
from subprocessors.models import DpaRequest, Objection, PolicyVersion, RegistryVersion


@reacts_to(Objection)
def objection_moved(change: Change) -> None:
    objection = change.obj
    audit(
        account=objection.account,  # type: ignore[attr-defined]
        actor=change.actor,
        action=f"objection_{change.after}",
        reason=change.reason,
        before=change.before,
        after=change.after,
        domain=AuditDomain.REGISTRY,
        data={"objection": objection.pk, "notice": objection.notice_id},  # type: ignore[attr-defined]
    )


@reacts_to(DpaRequest)
def dpa_request_moved(change: Change) -> None:
    request = change.obj
    audit(
        account=request.account,  # type: ignore[attr-defined]
        actor=change.actor,
        action=f"dpa_{change.after}",
        reason=change.reason,
        before=change.before,
        after=change.after,
        domain=AuditDomain.REGISTRY,
        data={"dpa_request": request.pk, "signed_version": request.signed_version},  # type: ignore[attr-defined]
    )


# How these steps read in the one audit trail (core.audit), in the reader's language.
trail.register_actions(
    {
        "objection_open": _("Objection reopened"),
        "objection_resolved": _("Objection resolved"),
        "dpa_requested": _("Data-processing agreement requested"),
        "dpa_signed": _("Data-processing agreement signed"),
        "dpa_declined": _("Data-processing agreement request declined"),
        "registry_published": _("Sub-processor registry version %(number)s published"),
        "policy_published": _("Policy text published as version %(number)s"),
    }
)


def registry_published(*, version: RegistryVersion, actor: Any) -> None:
    """The published registry version in the one audit trail (no account: it concerns everyone)."""
    trail.record(
        domain=AuditDomain.REGISTRY,
        action="registry_published",
        actor=actor,
        subject=version,
        subject_label=str(version),
        reason=version.note,
        params={"number": version.number, "changes": {k: len(v) for k, v in version.changes.items()}},
    )


def policy_published(*, policy: PolicyVersion, actor: Any) -> None:
    """A published policy text (terms, DPA, …) in the one audit trail."""
    trail.record(
        domain=AuditDomain.REGISTRY,
        action="policy_published",
        actor=actor,
        subject=policy,
        subject_label=str(policy),
        params={"kind": policy.kind, "number": policy.number, "effective": str(policy.effective_date)},
    )
