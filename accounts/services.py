"""Services that write accounts. Keyword-only, atomic, validated before saving."""

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, tenant_context

from accounts.lifecycle import LifecycleError, account_cancel, audit, notify_owner, save_fields
from accounts.mailer import mail_send
from accounts.models import (
    Account,
    AccountKind,
    AccountStatus,
    CancellationRequest,
    Domain,
    Region,
    SharedLoginFlag,
)
from accounts.pool import schema_provide
from accounts.tasks import account_pool_fill_enqueue
from accounts.users.models import Role, User
from config.clock import now, seller_zone
from core import support_access
from core.links import account_host, account_url  # noqa: F401 - account_url: billing still imports it from here
from core.support_access import Entry

# An account's address is a host name label (RFC 1123): a-z, 0-9, inner hyphens, at most 63.
HOSTNAME_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def schema_name_for(slug: str) -> str:
    return "acct_" + slug.replace("-", "_")


def public_tenant_ensure() -> Account:
    """The public schema's own tenant row, serving the base domain (staff, API, policy pages)."""
    public, _created = Account.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": "Kontoportal", "slug": "public", "kind": AccountKind.PUBLIC, "status": AccountStatus.ACTIVE},
    )
    for host in (settings.BASE_DOMAIN, "127.0.0.1"):
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": public, "is_primary": host == settings.BASE_DOMAIN}
        )
    return public


def template_schema_ensure() -> Account:
    """The migrated schema every new account is cloned from. Never a customer: excluded from
    every job and listing by `Account.objects.customers()`."""
    template, _created = Account.objects.get_or_create(
        schema_name=settings.TENANT_BASE_SCHEMA,
        defaults={
            "name": "Template",
            "slug": "kp-template",
            "kind": AccountKind.TEMPLATE,
            "status": AccountStatus.ACTIVE,
        },
    )
    return template


@transaction.atomic
def account_create(
    *,
    name: str,
    slug: str,
    region: str = Region.EU,
    language: str = "da",
    owner_email: str,
    owner_name: str,
    owner_password: str | None = None,
    owner_email_confirmed: bool = False,
    status: str = AccountStatus.TRIAL,
    trial_ends_at: datetime | None = None,
    send_welcome: bool = False,
    actor: str = "system",
    seat_limit: int | None = None,
    plan_name: str = "",
) -> Account:
    """Create an account with its schema, host name and Owner in one transaction: PostgreSQL
    DDL is transactional, so a failure leaves no row without a schema and no schema without a row.
    `owner_email_confirmed`: the Owner's address is known to be theirs (demo data, staff); a
    sign-up leaves it to the mailed confirmation link (GDPR-4)."""
    if not HOSTNAME_LABEL.fullmatch(slug):
        raise ValidationError({"slug": _("The account's address may contain only a-z, 0-9 and hyphens.")})
    account = Account(
        schema_name=schema_name_for(slug),
        name=name,
        slug=slug,
        region=region,
        language=language,
        status=status,
        trial_ends_at=trial_ends_at,
        kind=AccountKind.CUSTOMER,
        plan_name=plan_name,
    )
    if seat_limit is not None:
        account.seat_limit = seat_limit
    account.full_clean()
    # The schema comes from the warm pool (renamed) or, with the pool empty, one clone of the
    # template (accounts/pool.py) -- never django-tenants' clone + `migrate --fake`.
    account.auto_create_schema = False
    account.save(verbosity=0)
    schema_provide(target=account.schema_name)
    transaction.on_commit(account_pool_fill_enqueue)
    Domain.objects.create(domain=account_host(account), tenant=account, is_primary=True)
    audit(account=account, actor=actor, action="created", after=account.status, data={"owner": owner_email})
    with tenant_context(account):
        owner = User.objects.create_user(
            owner_email,
            owner_password,
            full_name=owner_name,
            role=Role.OWNER,
            language=language,
            email_confirmed_at=now() if owner_email_confirmed else None,
        )
    if send_welcome:
        mail_send(
            to=owner.email,
            template="account_welcome",
            language=owner.language,
            context={"account": account, "owner": owner, "url": account_url(account)},
            account=account,
        )
    return account


# --- Staff actions (admin and API). Each takes a reason, is audited and tells the Owner. ---


def business_day_deadline(received_at: datetime) -> datetime:
    """ACC-10: one business day after receipt, weekends not counted (public holidays are not
    modelled). Friday 15:00 → Monday 15:00; a Saturday e-mail counts from Monday 00:00. Days and
    hours are the seller's, in its time zone (BIL-17), whatever zone a screen shows."""
    local = received_at.astimezone(seller_zone())
    if local.weekday() >= 5:  # Saturday or Sunday: the clock starts on Monday morning
        monday = local.date() + timedelta(days=7 - local.weekday())
        local = timezone.make_aware(datetime.combine(monday, time.min), local.tzinfo)
    deadline = local + timedelta(days=1)
    while deadline.weekday() >= 5:
        deadline += timedelta(days=1)
    # re-localise so a DST change over the weekend keeps the wall-clock time
    return timezone.make_aware(deadline.replace(tzinfo=None), seller_zone())


@transaction.atomic
def cancellation_log(
    *, account: Account, sender: str, received_at: datetime, staff: str, note: str = ""
) -> CancellationRequest:
    """ACC-10: staff log a cancellation received by e-mail; the desk shows the deadline."""
    request = CancellationRequest(
        account=account,
        sender=sender,
        received_at=received_at,
        logged_by=staff,
        confirm_by=business_day_deadline(received_at),
        note=note,
    )
    request.full_clean()
    request.save()
    audit(account=account, actor=staff, action="cancellation_logged", reason=note, data={"sender": sender})
    return request


@transaction.atomic
def cancellation_confirm(*, request: CancellationRequest, staff: str) -> CancellationRequest:
    """ACC-10: confirming the e-mail cancellation cancels the account at once."""
    if request.confirmed_at is not None:
        return request
    account_cancel(account=request.account, actor=staff, reason=f"Cancellation by e-mail from {request.sender}")
    request.confirmed_at = now()
    request.confirmed_by = staff
    request.save(update_fields=["confirmed_at", "confirmed_by"])
    return request


@transaction.atomic
def account_breach_warning(*, account: Account, actor: str, reason: str) -> Account:
    """ACC-12: the warning e-mail staff send, where possible, before suspending or terminating
    for a breach of terms. Audited; the reason is quoted to the Owner."""
    if not reason.strip():
        raise LifecycleError(_("Give the reason for the warning; it is sent to the Owner."))
    if account.deleted_at is not None:
        raise LifecycleError(_("The account's data has been deleted; there is nobody to warn."))
    audit(account=account, actor=actor, action="breach_warning", reason=reason, before=account.status)
    notify_owner(account, "breach_warning", reason=reason)
    return account


@transaction.atomic
def account_inactivity_exempt(*, account: Account, actor: str, reason: str, exempt: bool = True) -> Account:
    """ACC-11: staff exempt an account from (or put it back under) the inactivity rule."""
    before = account.inactivity_exempt
    save_fields(account, inactivity_exempt=exempt)
    audit(
        account=account,
        actor=actor,
        action="inactivity_exempt",
        reason=reason,
        data={"before": before, "after": exempt},
    )
    return account


@transaction.atomic
def account_limits_change(
    *, account: Account, actor: str, reason: str, seat_limit: int | None = None, storage_limit_gb: int | None = None
) -> Account:
    """ACC-13: fair-use limits change without notice and are enforced from the next action."""
    before = {"seat_limit": account.seat_limit, "storage_limit_gb": account.storage_limit_gb}
    if account.deleted_at is not None:
        raise LifecycleError(_("The account's data has been deleted; its limits can no longer change."))
    if seat_limit is not None:
        account.seat_limit = seat_limit
    if storage_limit_gb is not None:
        account.storage_limit_gb = storage_limit_gb
    account.full_clean()
    save_fields(account, seat_limit=account.seat_limit, storage_limit_gb=account.storage_limit_gb)
    after = {"seat_limit": account.seat_limit, "storage_limit_gb": account.storage_limit_gb}
    audit(account=account, actor=actor, action="limits_changed", reason=reason, data={"before": before, "after": after})
    return account


def support_entry_start(*, account: Account, staff: str, reason: str) -> Entry:
    """ACC-15 / SUB-5: staff enter an account for support only through the one guard
    (core.support_access), which checks the account's consent and records the attempt, allowed
    or refused; the Owner sees the list in Min konto. Raises PermissionDenied, translated, when
    refused: nothing else happens."""
    if not reason.strip():
        raise LifecycleError(_("Give a reason for entering the account."))
    return support_access.entry_require(account=account, actor=staff, purpose=reason)


@transaction.atomic
def shared_login_surcharge(*, flag: SharedLoginFlag, actor: str, reason: str = "") -> SharedLoginFlag:
    """ACC-8: staff add the shared-login fee to the account's next invoice (billing reads
    `SharedLoginFlag.objects.filter(surcharge=True, surcharge_invoiced_at=None)`)."""
    flag.surcharge = True
    flag.surcharge_marked_by = actor
    flag.save(update_fields=["surcharge", "surcharge_marked_by"])
    audit(
        account=flag.account,
        actor=actor,
        action="shared_login_surcharge",
        reason=reason,
        data={"user": flag.user_email},
    )
    return flag
