"""ACC-10: who may still be charged, and abandoning what is owed by an account that may not.

A cancelled or closed account is never charged again, and an account whose data was deleted
(purged) cannot be: its open charges are abandoned — recorded, never sent to the processor.
Every charging path asks `account_chargeable()` first (the billing run, dunning, `charge_pay`).
"""

from accounts.lifecycle import audit
from accounts.models import Account, AccountStatus
from billing.subscriptions.choices import ChargeStatus, SubscriptionStatus
from billing.subscriptions.models import Charge, Subscription
from config.clock import now
from core.models import AuditDomain
from core.transitions import Change, reacts_to, transition

SYSTEM = "system"
# Accounts in these statuses are never charged again (ACC-10, ACC-7, ACC-12).
ENDS_CHARGING = (AccountStatus.CANCELLED, AccountStatus.CLOSED)
OPEN = (ChargeStatus.PENDING, ChargeStatus.FAILED)


def account_chargeable(account: Account | None) -> bool:
    """False for an account that is gone, purged, cancelled or closed."""
    return account is not None and account.deleted_at is None and account.status not in ENDS_CHARGING


def account_chargeable_id(account_id: int) -> bool:
    """The same, read fresh from the database (a purged account is hidden by `Account.objects`)."""
    return account_chargeable(Account.all_objects.filter(pk=account_id).first())


def charge_abandon(*, charge: Charge, actor: str, reason: str) -> Charge:
    """Nothing is owed any more: the charge leaves dunning for good (audited by the reaction)."""
    return transition(charge, to=ChargeStatus.ABANDONED, actor=actor, reason=reason, next_retry_at=None)


def account_charging_end(*, account_id: int, actor: str, reason: str) -> tuple[int, int]:
    """End the account's subscriptions and abandon its open charges. Idempotent. Returns the
    numbers of subscriptions ended and charges abandoned."""
    charges = list(Charge.objects.filter(account_id=account_id, status__in=OPEN).order_by("created_at", "id"))
    for charge in charges:
        charge_abandon(charge=charge, actor=actor, reason=reason)
    subscriptions = list(Subscription.objects.filter(account_id=account_id).exclude(status=SubscriptionStatus.ENDED))
    for subscription in subscriptions:
        transition(subscription, to=SubscriptionStatus.ENDED, actor=actor, reason=reason, ended_at=now())
    return len(subscriptions), len(charges)


# --- Reactions (registered by SubscriptionsConfig.ready) -----------------------------------


@reacts_to(Account, to=ENDS_CHARGING)
def _account_ended(change: Change) -> None:
    """ACC-10 "never charged again": a cancelled or closed account's subscription ends and its
    failed or pending charges are abandoned, in the transaction that ends the account."""
    account_charging_end(account_id=change.obj.pk, actor=change.actor, reason=change.reason)


@reacts_to(Charge)
def _charge_audit(change: Change) -> None:
    charge = change.obj
    audit(
        account=Account.all_objects.get(pk=charge.account_id),  # type: ignore[attr-defined]
        actor=change.actor or SYSTEM,
        action=f"charge:{change.after}",
        reason=change.reason,
        before=change.before,
        after=change.after,
        domain=AuditDomain.BILLING,
        data={
            "charge": charge.pk,
            "amount": str(charge.amount),  # type: ignore[attr-defined]
            "currency": charge.currency,  # type: ignore[attr-defined]
            "attempt": charge.attempts,  # type: ignore[attr-defined]
            "code": charge.failure_code,  # type: ignore[attr-defined]
        },
    )


@reacts_to(Subscription)
def _subscription_audit(change: Change) -> None:
    subscription = change.obj
    audit(
        account=Account.all_objects.get(pk=subscription.account_id),  # type: ignore[attr-defined]
        actor=change.actor or SYSTEM,
        action=f"subscription:{change.after}",
        reason=change.reason,
        before=change.before,
        after=change.after,
        data={"subscription": subscription.pk},
        domain=AuditDomain.BILLING,
    )
