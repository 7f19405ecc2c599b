"""Why an account is closed to its users (ACC-5, ACC-7, ACC-10, ACC-12, BIL-12): the page a
suspended, stopped or closed account shows says why, from the account's status and its last
status row in the one audit trail, and names the support address."""

from dataclasses import dataclass

from django.conf import settings

from accounts.models import Account, AccountStatus
from core.models import ActorKind, AuditEvent

TRIAL, UNPAID, BREACH, OTHER = "trial", "unpaid", "breach", "other"
# ACC-5 / ACC-6: the jobs suspend a trial (or a temporary reactivation) that ended without
# billing details; any other suspension by staff is for a breach of terms (ACC-12).
TRIAL_BEFORE = (AccountStatus.TRIAL, AccountStatus.REACTIVATED)
AUTOMATIC = (ActorKind.SYSTEM, ActorKind.JOB)


@dataclass(frozen=True)
class Why:
    kind: str
    reason: str = ""
    by_owner: bool = False


def last_status_row(account: Account, status: str) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(account_id=account.pk, action=f"status:{status}")
        .order_by("-occurred_at", "-pk")
        .first()
    )


def why_suspended(account: Account, *, unpaid: bool) -> Why:
    if unpaid:
        return Why(UNPAID)
    row = last_status_row(account, AccountStatus.SUSPENDED)
    if row is None:
        return Why(OTHER)
    if row.actor_kind in AUTOMATIC and row.before in TRIAL_BEFORE:
        return Why(TRIAL)
    if row.actor_kind not in AUTOMATIC:
        return Why(BREACH, reason=row.reason)
    return Why(OTHER, reason=row.reason)


def why_cancelled(account: Account) -> Why:
    row = last_status_row(account, AccountStatus.CANCELLED)
    return Why(OTHER, by_owner=row is not None and row.actor_kind == ActorKind.CUSTOMER)


def support_email() -> str:
    return settings.SUPPORT_EMAIL
