"""The privacy desk's one audit writer (GDPR-8). Every status move of a privacy request writes
its row here through a core.transitions reaction, in the move's own transaction, whatever route
(admin, view, job) made it.

The log is append-only in the database (trigger in migration 0001) and holds no requester
address: it outlives erasure and the deletion of the request itself."""

from typing import Any

from accounts.users.models import User
from config.clock import now
from core import audit as trail
from core.transitions import Change, reacts_to
from privacy.models import AuditAction, AuditEvent, PrivacyRequest, RequestStatus

SYSTEM = "system"
SUBJECT = "data subject"

# How the desk's steps read in the one audit trail (core.audit), in the reader's language.
trail.register_actions(dict(AuditAction.choices))
trail.register_states("privacy.privacyrequest", RequestStatus.choices)


def audit_write(*, request: PrivacyRequest | None, action: str, actor: str, **detail: Any) -> AuditEvent:
    return AuditEvent.objects.create(at=now(), request=request, action=action, actor=actor, detail=detail)


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
