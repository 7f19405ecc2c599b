"""GDPR-8: an objection resolved and a DPA request signed or declined are in the account's audit
trail, written by a core.transitions reaction in the move's own transaction, whatever route
(admin, API, service) made the move. Imported by SubprocessorsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import audit
from core import audit as trail
from core.models import AuditDomain
from core.transitions import Change, reacts_to
from subprocessors.models import DpaRequest, Objection


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
    }
)
