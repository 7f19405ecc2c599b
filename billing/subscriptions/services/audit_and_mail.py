"""What the subscription services do after a change: the audit row (in the same transaction)
and the e-mail to the account's Owner, rendered in the Owner's language."""

from typing import Any

from accounts.lifecycle import account_owner, audit
from accounts.mailer import mail_send
from accounts.models import Account
from billing.models import BillingProfile
from core.links import account_url
from core.models import AuditDomain

SYSTEM = "system"


def subscription_audit(*, account: Account, actor: str, action: str, **data: Any) -> None:
    audit(
        account=account,
        actor=actor or SYSTEM,
        action=action,
        data={k: str(v) for k, v in data.items()},
        domain=AuditDomain.BILLING,
    )


def owner_contact(account: Account) -> tuple[str, str] | None:
    """The Owner's e-mail and language (from the account's own schema); the invoice e-mail when
    the schema holds no Owner."""
    owner = account_owner(account)
    if owner is not None:
        return owner.email, owner.language
    profile = BillingProfile.objects.filter(account=account).first()
    if profile is not None:
        return profile.email, account.language
    return None


def owner_mail(
    account: Account, template: str, context: dict[str, Any], *, attachments: list[dict[str, Any]] | None = None
) -> Any:
    """E-mail the Owner. Pass codes and lazy texts in `context`, not translated sentences: the
    mailer renders everything in the Owner's language. `attachments`: references (mail_send)."""
    contact = owner_contact(account)
    if contact is None:
        return None
    email, language = contact
    return mail_send(
        to=email,
        template=template,
        language=language,
        account=account,
        context={"account": account, "url": account_url(account, "/min-konto/plan/"), **context},
        attachments=attachments or (),
    )
