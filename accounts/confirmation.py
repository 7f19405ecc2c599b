"""GDPR-4: a user proves that the e-mail address is theirs before anything is disclosed or erased
on the strength of their login.

Proof is one of: the confirmation link mailed at sign-up (or sent again from Min konto), an
invitation accepted from its mailed link, a password reset completed from its mailed link. The
welcome link the browser is sent to right after sign-up proves nothing: whoever typed the address
gets it without reading the mailbox. Runs inside the account's schema (the current tenant).
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import LifecycleError, audit
from accounts.mailer import mail_send
from accounts.models import Account, MailLog
from accounts.users.models import User
from config.clock import now
from config.tokens import token_make, token_read

CONFIRM_PURPOSE = "accounts.email-confirm"
CONFIRM_MAX_AGE = timedelta(days=3)
SENDS_PER_HOUR = 3


def confirm_path(user: User) -> str:
    """Bound to the account's schema and the address: user ids repeat across accounts, and a
    changed address must be confirmed anew."""
    token = token_make(CONFIRM_PURPOSE, {"s": connection.schema_name, "u": user.pk, "e": user.email})
    return f"/min-konto/confirm/{token}/"


def confirm_user_for(token: str) -> User | None:
    data = token_read(CONFIRM_PURPOSE, token, max_age=CONFIRM_MAX_AGE) or {}
    if data.get("s") != connection.schema_name or not isinstance(data.get("u"), int):
        return None
    return User.objects.filter(pk=data["u"], email=data.get("e"), is_active=True).first()


@transaction.atomic
def email_confirm(*, account: Account, user: User, how: str) -> User:
    """Record the proof once (idempotent), audited with the way it was given."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
        user.save(update_fields=["email_confirmed_at"])
        audit(account=account, actor=user.email, action="email_confirmed", data={"how": how})
    return user


def confirmation_send(*, account: Account, user: User, url_for: object) -> None:
    """Mail the confirmation link again, at most SENDS_PER_HOUR an hour (each mail goes to an
    address not yet proven, so the button must not become a way to flood it). `url_for(path)`
    makes the absolute link on the account's host."""
    recent = MailLog.objects.filter(
        recipient=user.email, template="email_confirm", created_at__gte=now() - timedelta(hours=1)
    ).count()
    if recent >= SENDS_PER_HOUR:
        raise LifecycleError(_("We have sent several confirmation e-mails in the last hour. Please try again later."))
    mail_send(
        to=user.email,
        template="email_confirm",
        language=user.language,
        context={"account": account, "user": user, "confirm_url": url_for(confirm_path(user))},  # type: ignore[operator]
        account=account,
        secret=("confirm_url",),
    )
