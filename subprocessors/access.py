"""SUB-5 / ACC-15: may staff or a support subcontractor enter an account's data?

The account grants or revokes the consent in Min konto (`support_access_set`); every entry by
staff or a subcontractor goes through `support_access_require` — the one guard, registered with
`core.support_access` so the accounts admin calls it without importing this app — which refuses
with PermissionDenied unless consent is granted (and the account's data still exists). Every
check, allowed or refused, is a row of the one audit trail (core.audit, domain "support";
append-only by a database trigger), written in its own transaction so a refusal stays on record
although the caller stops.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from config.clock import now
from core import audit, support_access
from core.models import AuditDomain, AuditEvent
from core.paging import page_of
from core.support_access import Entry
from subprocessors.models import SupportAccessConsent, SupportAccessEvent

ENTRY_EVENTS = (SupportAccessEvent.ENTRY_ALLOWED, SupportAccessEvent.ENTRY_REFUSED)


def _actor_label(actor: Any) -> str:
    """A stable text for the audit row: staff users by e-mail, anything else by its str()."""
    email = getattr(actor, "email", None)
    return str(email or actor or "?")[:254]


def support_access_allowed(account: Account) -> bool:
    """True only if the account has granted support access (default: not granted)."""
    return SupportAccessConsent.objects.filter(account_id=account.pk, granted=True).exists()


def _audit(*, account: Account, event: str, actor: Any, purpose: str = "") -> AuditEvent:
    return audit.record(
        domain=AuditDomain.SUPPORT,
        action=event,
        actor=actor,
        subject=account,
        subject_label=account.name,
        account=account,
        reason=purpose[:500],
        at=now(),
    )


def _entry(row: AuditEvent) -> Entry:
    return Entry(
        at=row.occurred_at,
        staff=row.actor_label,
        reason=row.reason,
        allowed=row.action == SupportAccessEvent.ENTRY_ALLOWED,
    )


def support_access_require(*, account: Account, actor: Any, purpose: str) -> Entry:
    """Check SUB-5 consent before an entry; audit the attempt; raise PermissionDenied if refused.

    The audit row is written in its own atomic block before raising, so outside a caller's
    transaction the refusal is on record even though the caller's view stops with an error.
    """
    with transaction.atomic():
        gone = account.deleted_at is not None  # a purged account has nothing left to enter
        allowed = not gone and support_access_allowed(account)
        event = SupportAccessEvent.ENTRY_ALLOWED if allowed else SupportAccessEvent.ENTRY_REFUSED
        row = _audit(account=account, event=event, actor=actor, purpose=purpose)
    if gone:
        raise PermissionDenied(
            _("The data of %(account)s has been deleted; there is nothing to enter. The attempt was recorded.")
            % {"account": account.name}
        )
    if not allowed:
        raise PermissionDenied(
            _(
                "%(account)s has not granted support access to its data. Ask the account's Owner to allow it in Min konto."
            )
            % {"account": account.name}
        )
    return _entry(row)


def support_entries(
    *, account: Account, actor: Any = None, since: datetime | None = None, allowed: bool | None = None
) -> list[Entry]:
    rows = AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk, action__in=ENTRY_EVENTS)
    if actor is not None:
        rows = rows.filter(actor_label=audit.actor_of(actor).label)
    if since is not None:
        rows = rows.filter(occurred_at__gte=since)
    if allowed is not None:
        rows = rows.filter(action=SupportAccessEvent.ENTRY_ALLOWED if allowed else SupportAccessEvent.ENTRY_REFUSED)
    return [_entry(row) for row in rows.order_by("-occurred_at", "-id")]


def support_entries_page(*, account: Account, page: int | str | None) -> Page:
    """Min konto's page of entry attempts: 25 rows and their count in one query (core.paging)."""
    rows = AuditEvent.objects.filter(domain=AuditDomain.SUPPORT, account_id=account.pk, action__in=ENTRY_EVENTS)
    current = page_of(rows.order_by("-occurred_at", "-id"), page)
    current.object_list = [_entry(row) for row in current.object_list]
    return current


class _Guard:
    """What core.support_access calls."""

    def require(self, *, account: Any, actor: Any, purpose: str) -> Entry:
        return support_access_require(account=account, actor=actor, purpose=purpose)

    def entries(
        self, *, account: Any, actor: Any = None, since: datetime | None = None, allowed: bool | None = None
    ) -> list[Entry]:
        return support_entries(account=account, actor=actor, since=since, allowed=allowed)

    def entries_page(self, *, account: Any, page: int | str | None) -> Page:
        return support_entries_page(account=account, page=page)


support_access.register(_Guard())
# How the trail reads in the admin and in Min konto ("Entry refused", not `entry_refused`).
audit.register_actions(dict(SupportAccessEvent.choices))


@transaction.atomic
def support_access_set(*, account: Account, granted: bool, actor: Any) -> SupportAccessConsent:
    """Grant or revoke support access (Owner or Admin in Min konto); audited with who and when."""
    consent, _created = SupportAccessConsent.objects.select_for_update().get_or_create(account=account)
    consent.granted = granted
    consent.changed_by = _actor_label(actor)
    consent.changed_at = now()
    consent.full_clean()
    consent.save()
    event = SupportAccessEvent.GRANTED if granted else SupportAccessEvent.REVOKED
    _audit(account=account, event=event, actor=actor)
    return consent
