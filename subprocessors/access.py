"""SUB-5 / ACC-15: may staff or a support subcontractor enter an account's data?

The account grants or revokes the consent in Min konto (`support_access_set`); every entry by
staff or a subcontractor calls `support_access_require` first, which refuses with
PermissionDenied unless consent is granted. Every check, allowed or refused, is audited in the
same transaction, so the trail shows who looked at what and why.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from config.clock import now
from subprocessors.models import SupportAccessAudit, SupportAccessConsent, SupportAccessEvent


def _actor_label(actor: Any) -> str:
    """A stable text for the audit row: staff users by e-mail, anything else by its str()."""
    email = getattr(actor, "email", None)
    return str(email or actor or "?")[:254]


def support_access_allowed(account: Account) -> bool:
    """True only if the account has granted support access (default: not granted)."""
    return SupportAccessConsent.objects.filter(account_id=account.pk, granted=True).exists()


def _audit(*, account: Account, event: str, actor: Any, purpose: str = "") -> SupportAccessAudit:
    row = SupportAccessAudit(
        account=account,
        account_name=account.name,
        event=event,
        actor=_actor_label(actor),
        purpose=purpose[:500],
        at=now(),
    )
    row.full_clean()
    row.save()
    return row


def support_access_require(*, account: Account, actor: Any, purpose: str) -> None:
    """Check SUB-5 consent before an entry; audit the attempt; raise PermissionDenied if refused.

    The audit row is written in its own atomic block before raising, so outside a caller's
    transaction the refusal is on record even though the caller's view stops with an error.
    """
    with transaction.atomic():
        allowed = support_access_allowed(account)
        event = SupportAccessEvent.ENTRY_ALLOWED if allowed else SupportAccessEvent.ENTRY_REFUSED
        _audit(account=account, event=event, actor=actor, purpose=purpose)
    if not allowed:
        raise PermissionDenied(
            _(
                "%(account)s has not granted support access to its data. Ask the account's Owner to allow it in Min konto."
            )
            % {"account": account.name}
        )


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
