"""How the account sources' records read in an export (GDPR-6), and how each is read from every
account schema at once (issue 14: `collect_across`, one query per source, no schema switch per
account). The sources themselves are declared in accounts/personal_data.py."""

from collections import defaultdict
from typing import Any

from django.db.models import Q

from accounts.models import Account, SharedLoginFlag
from accounts.users.models import Role
from accounts.workspace.models import Invitation, LoginRecord
from core.across import model_rows, quote
from core.models import AuditDomain, AuditEvent
from core.personal_data import Across

Records = dict[int, list[dict[str, Any]]]


def login_record(r: LoginRecord) -> dict[str, Any]:
    return {
        "at": r.at.isoformat(),
        "last_seen_at": r.last_seen_at.isoformat(),
        "browser": r.user_agent,
        "ip": r.ip,
        "network": r.network,
    }


def invitation_record(i: Invitation) -> dict[str, Any]:
    return {
        "email": i.email,
        "role": i.role,
        "sent": i.created_at.isoformat(),
        "accepted": i.accepted_at.isoformat() if i.accepted_at else None,
    }


def account_record(account: Account) -> dict[str, Any]:
    return {
        "name": account.name,
        "status": account.status,
        "created_at": account.created_at.isoformat(),
        "language": account.language,
    }


def event_record(e: AuditEvent) -> dict[str, Any]:
    return {
        "at": e.occurred_at.isoformat(),
        "action": e.action,
        "actor": e.actor_label,
        "reason": e.reason,
        "details": e.params or None,
    }


def flag_record(f: SharedLoginFlag) -> dict[str, Any]:
    return {
        "detected_at": f.detected_at.isoformat(),
        "user_email": f.user_email,
        "evidence": f.evidence,
        "surcharge": f.surcharge,
    }


def mentions(email: str) -> Q:
    """Events that name the address although it holds no account there."""
    return Q(actor_label__iexact=email) | Q(params__icontains=email) | Q(reason__icontains=email)


def _grouped(rows: Any, record: Any) -> Records:
    found: Records = defaultdict(list)
    for row in rows:
        found[row.account_id].append(record(row))
    return found


def logins_across(across: Across) -> Records:
    join = f"JOIN {{s}}.{quote('users_user')} u ON u.id = t.user_id"
    found = model_rows(
        LoginRecord, across.schemas, where="UPPER(u.email::text) = UPPER(%s)", params=[across.email], join=join
    )
    return {aid: [login_record(r) for r in sorted(rows, key=lambda r: r.at)] for aid, rows in found.items()}


def invitations_across(across: Across) -> Records:
    found = model_rows(Invitation, across.schemas, where="UPPER(t.email::text) = UPPER(%s)", params=[across.email])
    return {
        aid: [invitation_record(i) for i in sorted(rows, key=lambda i: i.created_at)] for aid, rows in found.items()
    }


def account_across(across: Across) -> Records:
    owned = set(across.with_role(Role.OWNER))
    return {a.pk: [account_record(a)] for a in across.accounts if a.pk in owned}


def events_across(across: Across) -> Records:
    owned = across.with_role(Role.OWNER)
    others = [a.pk for a in across.accounts if a.pk not in set(owned)]
    events = (
        AuditEvent.objects.filter(Q(account_id__in=owned) | (mentions(across.email) & Q(account_id__in=others)))
        .exclude(domain=AuditDomain.SUPPORT)
        .order_by("occurred_at", "id")
    )
    return _grouped(events, event_record)


def flags_across(across: Across) -> Records:
    flags = SharedLoginFlag.objects.filter(
        account_id__in=[a.pk for a in across.accounts], user_email__iexact=across.email
    ).order_by("detected_at")
    return _grouped(flags, flag_record)
