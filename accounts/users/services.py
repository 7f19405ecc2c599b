"""An account's team (ACC-9, LTD-6): invitations, roles and seats. Runs inside the account's
schema (the current tenant); the account row itself is read from the public schema."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import LifecycleError, audit
from accounts.mailer import mail_send
from accounts.models import Account, LifetimeCode
from accounts.users.models import Role, User
from accounts.workspace.models import Invitation
from config.clock import now

MANAGERS = {Role.OWNER, Role.ADMIN}
INVITABLE_ROLES = {Role.ADMIN, Role.AGENT}


class TeamError(LifecycleError):
    pass


def seats_used() -> int:
    """Active users plus open invitations: an invitation holds a seat until it is accepted."""
    return User.objects.filter(is_active=True).count() + Invitation.objects.filter(accepted_at__isnull=True).count()


def lifetime_seats(account: Account) -> int | None:
    """LTD-4: the seats a lifetime code gives, or None for an account without one."""
    code = LifetimeCode.objects.filter(account=account).select_related("batch").first()
    return code.batch.seats if code else None


def _check_seat_free(account: Account) -> None:
    """ACC-9 / ACC-13: no more users than the seats. A lifetime account may go beyond its package
    (LTD-5 bills the extra seats), so it is warned, not refused."""
    if lifetime_seats(account) is not None:
        return
    if seats_used() >= account.seat_limit:
        raise TeamError(
            _("All %(seats)s seats of your plan are in use. Remove a user or add seats before inviting someone.")
            % {"seats": account.seat_limit}
        )


def _warn_if_package_exceeded(account: Account) -> None:
    """LTD-6: e-mail the Owner when a user beyond the lifetime package is added."""
    seats = lifetime_seats(account)
    if seats is None or User.objects.filter(is_active=True).count() <= seats:
        return
    owner = User.objects.filter(role=Role.OWNER).first()
    if owner is not None:
        mail_send(
            to=owner.email,
            template="lifetime_package_exceeded",
            language=owner.language,
            context={
                "account": account,
                "owner": owner,
                "seats": seats,
                "users": User.objects.filter(is_active=True).count(),
            },
            account=account,
        )


def _require_manager(actor: User) -> None:
    if actor.role not in MANAGERS:
        raise TeamError(_("Only the Owner or an Admin can manage users."))


@transaction.atomic
def user_invite(*, account: Account, actor: User, email: str, role: str, accept_url_base: str) -> Invitation:
    """ACC-9: invite someone by e-mail as Admin or Agent, if a seat is free."""
    _require_manager(actor)
    email = User.objects.normalize_email(email).strip().lower()
    if role not in INVITABLE_ROLES:
        raise TeamError(_("An invitation can only be for an Admin or an Agent; an account has exactly one Owner."))
    if User.objects.filter(email=email).exists():
        raise TeamError(_("%(email)s is already a user of this account.") % {"email": email})
    if Invitation.objects.filter(email=email, accepted_at__isnull=True).exists():
        raise TeamError(_("%(email)s has already been invited.") % {"email": email})
    _check_seat_free(account)
    invitation = Invitation(email=email, role=role, token=secrets.token_urlsafe(32), invited_by=actor, created_at=now())
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise TeamError(_("%(email)s has already been invited.") % {"email": email}) from None
    audit(account=account, actor=actor.email, action="user_invited", data={"email": email, "role": role})
    mail_send(
        to=email,
        template="user_invitation",
        language=account.language,
        context={
            "account": account,
            "inviter": actor,
            "role": Role(role).label,
            "accept_url": f"{accept_url_base}{invitation.token}/",
        },
        account=account,
        secret=("accept_url",),
    )
    return invitation


@transaction.atomic
def invitation_accept(*, account: Account, token: str, full_name: str, password: str, language: str) -> User:
    invitation = Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    if invitation is None:
        raise TeamError(_("This invitation is no longer valid. Ask the account's Owner for a new one."))
    if User.objects.filter(email=invitation.email).exists():
        raise TeamError(_("%(email)s is already a user of this account.") % {"email": invitation.email})
    # GDPR-4: the invitation was opened from its mailed link, so the address is proven.
    user = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name.strip(),
        role=invitation.role,
        language=language,
        email_confirmed_at=now(),
    )
    invitation.accepted_at = now()
    invitation.save(update_fields=["accepted_at"])
    audit(account=account, actor=user.email, action="user_joined", data={"email": user.email, "role": user.role})
    _warn_if_package_exceeded(account)
    return user


@transaction.atomic
def user_role_change(*, account: Account, actor: User, user: User, role: str) -> User:
    """ACC-9: Admins and Agents swap roles; the Owner stays the only Owner."""
    _require_manager(actor)
    if user.role == Role.OWNER or role not in INVITABLE_ROLES:
        raise TeamError(_("The Owner's role cannot be changed, and there is exactly one Owner."))
    before = user.role
    user.role = role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role"])
    audit(
        account=account,
        actor=actor.email,
        action="user_role_changed",
        data={"email": user.email, "before": before, "after": role},
    )
    return user


@transaction.atomic
def user_remove(*, account: Account, actor: User, user: User) -> None:
    """Deactivate a user, freeing the seat. The Owner cannot be removed."""
    _require_manager(actor)
    if user.role == Role.OWNER:
        raise TeamError(_("The Owner cannot be removed."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit(account=account, actor=actor.email, action="user_removed", data={"email": user.email})


@transaction.atomic
def invitation_withdraw(*, account: Account, actor: User, invitation: Invitation) -> None:
    _require_manager(actor)
    audit(account=account, actor=actor.email, action="invitation_withdrawn", data={"email": invitation.email})
    invitation.delete()
