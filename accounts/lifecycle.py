"""The account state machine (ACC-5 … ACC-7, ACC-10 … ACC-12) and the one audit writer.

Every status change goes through `transition()` (core.transitions): the allowed transitions are
declared once on the model (`Account.TRANSITIONS`), an illegal one raises `IllegalTransition`,
and each change writes its row of the one audit trail (core.audit: actor, reason, before/after)
in the same transaction.
Other apps call the plain services below (billing: payment failed → `account_suspend`; paid →
`account_activate`) and register what must follow a move as a reaction (`core.reacts_to`).

"Deleted" is not a status: a closed or cancelled account has its schema dropped by
`account_purge` and keeps its public row (status closed/cancelled + `deleted_at`), because
invoices, GDPR records and this audit log reference it.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_exists, tenant_context

from accounts.host_cache import hosts_changed
from accounts.mailer import mail_send
from accounts.models import Account, AccountStatus
from accounts.users.models import Role, User
from config.clock import now, seller_date
from core import audit as trail
from core import hooks
from core.links import account_url
from core.models import AuditDomain, AuditEvent
from core.transitions import Change, IllegalTransition, reacts_to
from core.transitions import transition as core_transition

S = AccountStatus
SYSTEM = "system"

# ACC-6: staff may reactivate within 30 days of the (first) suspension, for at most 2 days.
REACTIVATION_WINDOW = timedelta(days=30)
TEMPORARY_ACCESS = timedelta(days=2)

# Declared once, on the model (core.transitions reads it).
TRANSITIONS = Account.TRANSITIONS

# Statuses whose account host shows only the explanation page.
NO_ACCESS = {S.SUSPENDED, S.CANCELLED, S.CLOSED}


def local_add(moment: datetime, delta: timedelta) -> datetime:
    """Days and weeks are counted on the local calendar: 30 days after 1 March 10:00 is 31 March
    10:00 even across the switch to summer time (plain UTC arithmetic would be an hour off)."""
    return timezone.localtime(moment) + delta


def save_fields(account: Account, **fields: Any) -> None:
    """Write account fields with an UPDATE. Never `account.save()` on an existing account:
    django-tenants re-creates a missing schema on save, which would resurrect a deleted account."""
    Account.all_objects.filter(pk=account.pk).update(**fields)
    hosts_changed()  # an UPDATE sends no signal: every process forgets its cached copy
    for field, value in fields.items():
        setattr(account, field, value)


class LifecycleError(Exception):
    """A refused lifecycle action; `message` is translated for whoever reads it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def audit(
    *,
    account: Account,
    actor: Any,
    action: str,
    reason: str = "",
    before: str = "",
    after: str = "",
    data: dict[str, Any] | None = None,
    domain: str = AuditDomain.ACCOUNT,
) -> AuditEvent:
    """Write one row of the account's history in the one audit trail (core.audit). Call it inside
    the transaction that makes the change."""
    return trail.record(
        domain=domain,
        action=action,
        actor=actor or SYSTEM,
        subject=account,
        subject_label=account.name,
        account=account,
        reason=reason,
        before=before,
        after=after,
        params=data,
    )


def transition(*, account: Account, to: str, actor: str, reason: str, **changes: Any) -> Account:
    """Move `account` to status `to`, or raise IllegalTransition: the one core transition (row
    locked, move checked, saved); its audit row and the other apps' reactions (billing ends
    the subscriptions of a cancelled account) follow in the same transaction."""
    return core_transition(account, to=to, actor=actor, reason=reason, **changes)


@reacts_to(Account)
def _audit_status(change: Change) -> None:
    """Every account status change is audited, whoever called `transition()`."""
    audit(
        account=change.obj,  # type: ignore[arg-type]
        actor=change.actor,
        action=f"status:{change.after}",
        reason=change.reason,
        before=change.before,
        after=change.after,
    )


def account_owner(account: Account) -> User | None:
    if account.deleted_at is not None or not schema_exists(account.schema_name):
        return None
    with tenant_context(account):
        return User.objects.filter(role=Role.OWNER).first()


def notify_owner(account: Account, template: str, **context: Any) -> None:
    """E-mail the Owner (in the Owner's language) after the surrounding transaction commits."""
    owner = account_owner(account)
    if owner is None:
        return
    mail_send(
        to=owner.email,
        template=template,
        language=owner.language,
        context={"account": account, "owner": owner, "url": account_url(account), **context},
        account=account,
    )


# --- The services other apps call ---------------------------------------------------------


@transaction.atomic
def account_suspend(*, account: Account, actor: str, reason: str, notify: bool = True) -> Account:
    """ACC-5 (trial ended), ACC-12 (breach of terms), BIL-12 (unpaid). The 30-day reactivation
    window starts at the first suspension and is not restarted by a temporary reactivation."""
    suspended_at = account.suspended_at if account.status == S.REACTIVATED and account.suspended_at else now()
    transition(
        account=account, to=S.SUSPENDED, actor=actor, reason=reason, suspended_at=suspended_at, reactivated_until=None
    )
    if notify:
        notify_owner(account, "account_suspended", reason=reason)
    return account


def account_reactivate(*, account: Account, actor: str, reason: str) -> Account:
    """ACC-6: temporary access for 2 days to add billing details, only within 30 days of
    suspension. A refusal is audited too (in its own transaction, as the refusal raises)."""
    if (
        account.status == S.SUSPENDED
        and account.suspended_at
        and now() > local_add(account.suspended_at, REACTIVATION_WINDOW)
    ):
        with transaction.atomic():
            audit(account=account, actor=actor, action="reactivation_refused", reason=reason, before=account.status)
        raise LifecycleError(
            _("Reactivation is possible only within 30 days of the suspension (suspended on %(date)s).")
            % {"date": seller_date(account.suspended_at).isoformat()}
        )
    with transaction.atomic():
        transition(
            account=account,
            to=S.REACTIVATED,
            actor=actor,
            reason=reason,
            reactivated_until=local_add(now(), TEMPORARY_ACCESS),
        )
        notify_owner(account, "account_reactivated", until=account.reactivated_until)
    return account


@transaction.atomic
def account_activate(*, account: Account, actor: str, reason: str, plan_name: str | None = None) -> Account:
    """ACC-4 / ACC-6: billing details added (a paid plan starts) → active. Called by billing."""
    changes: dict[str, Any] = {"suspended_at": None, "reactivated_until": None, "trial_ends_at": None}
    if plan_name is not None:
        changes["plan_name"] = plan_name
    return transition(account=account, to=S.ACTIVE, actor=actor, reason=reason, **changes)


@transaction.atomic
def account_cancel(*, account: Account, actor: str, reason: str) -> Account:
    """ACC-10: cancelled at once (by the Owner's "Stop konto" or a confirmed e-mail): access
    ends, nothing is charged again, and the nightly purge deletes the data."""
    transition(account=account, to=S.CANCELLED, actor=actor, reason=reason, cancelled_at=now())
    notify_owner(account, "account_cancelled")
    return account


@transaction.atomic
def account_close(*, account: Account, actor: str, reason: str, purge: bool = True) -> Account:
    """ACC-7 / ACC-11 / ACC-12: closed for good; by default its data is deleted at once."""
    transition(account=account, to=S.CLOSED, actor=actor, reason=reason, closed_at=now())
    notify_owner(account, "account_closed", reason=reason)
    if purge:
        account_purge(account=account, actor=actor, reason=reason)
    return account


@transaction.atomic
def account_purge(*, account: Account, actor: str, reason: str) -> Account:
    """Drop the account's schema (its team, sessions, login records: not recoverable) and keep the
    public row and everything in the public schema (invoices, GDPR records, this audit log).
    Idempotent. DROP SCHEMA is transactional in PostgreSQL: a rollback keeps the data."""
    locked = Account.all_objects.select_for_update().get(pk=account.pk)
    if locked.status not in {S.CLOSED, S.CANCELLED}:
        raise IllegalTransition(_("Only a closed or cancelled account can have its data deleted."))
    if locked.deleted_at is not None:
        return locked
    connection.set_schema_to_public()  # django-tenants drops a schema only from public
    locked._drop_schema(force_drop=True)
    save_fields(locked, deleted_at=now())
    audit(account=locked, actor=actor, action="data_deleted", reason=reason, before=locked.status, after=locked.status)
    account.deleted_at = locked.deleted_at
    return account


def account_has_paid_subscription(account: Account) -> bool:
    """ACC-11 hook: accounts with a paid subscription are never deleted for inactivity.
    The subscriptions app answers through core.hooks (a subscription not ended, on a priced plan)."""
    return hooks.has_paid_subscription(account)


def reactivation_deadline(account: Account) -> datetime | None:
    if account.suspended_at is None:
        return None
    return local_add(account.suspended_at, REACTIVATION_WINDOW)
