"""The privacy desk's one audit writer (GDPR-8), a thin front of the one audit trail
(core.audit, domain "privacy"). Every status move of a privacy request writes its row through a
core.transitions reaction, in the move's own transaction, whatever route (admin, view, job) made it.

The trail is append-only in the database (a trigger) and holds no requester address: a request
is named by its case reference, so its history outlives erasure and the request itself."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.users.models import User
from core import audit as trail
from core.models import ActorKind, AuditDomain
from core.models import AuditEvent as TrailEvent
from core.transitions import Change, reacts_to
from privacy.models import AuditAction, PrivacyRequest, RequestStatus

SYSTEM = "system"
SUBJECT = "data subject"
SUBJECT_TYPE = "privacy.privacyrequest"

# How the desk's steps read in the one audit trail (core.audit), in the reader's language.
trail.register_actions(
    {**dict(AuditAction.choices), AuditAction.STATUS: _("Status changed from %(before)s to %(after)s")}
)
trail.register_states(SUBJECT_TYPE, RequestStatus.choices)


def _actor(actor: Any) -> trail.Actor:
    if actor == SUBJECT:
        return trail.Actor(ActorKind.CUSTOMER, "", SUBJECT)
    return trail.actor_of(actor)


def audit_write(*, request: PrivacyRequest | None, action: str, actor: Any, **detail: Any) -> TrailEvent:
    """One step of the desk (`detail` becomes the row's parameters; a status move's before/after
    and reason become the row's own)."""
    return trail.record(
        domain=AuditDomain.PRIVACY,
        action=action,
        actor=_actor(actor),
        subject_type=SUBJECT_TYPE if request is not None else "",
        subject_id=request.pk if request is not None else "",
        subject_label=request.reference if request is not None else "",
        account=request.account_id if request is not None else None,
        reason=str(detail.get("reason", "")),
        before=detail.get("before") if action == AuditAction.STATUS else None,
        after=detail.get("after") if action == AuditAction.STATUS else None,
        params=detail,
    )


def desk_trail() -> QuerySet[TrailEvent]:
    """Every row the privacy desk wrote."""
    return TrailEvent.objects.filter(domain=AuditDomain.PRIVACY)


def request_trail(request: PrivacyRequest | int) -> QuerySet[TrailEvent]:
    """One request's history (GDPR-8), oldest first."""
    pk = getattr(request, "pk", request)
    return desk_trail().filter(subject_type=SUBJECT_TYPE, subject_id=str(pk)).order_by("occurred_at", "id")


def actor_label(user: User | str | None) -> str:
    if isinstance(user, str):
        return user
    return f"staff:{user.email}" if user is not None else SYSTEM


@reacts_to(PrivacyRequest)
def request_moved(change: Change) -> None:
    detail: dict[str, Any] = {"before": change.before, "after": change.after}
    if change.reason:
        detail["reason"] = change.reason
    audit_write(request=change.obj, action=AuditAction.STATUS, actor=change.actor, **detail)  # type: ignore[arg-type]
