"""Sign-up (ACC-1 … ACC-3) and lifetime-code redemption (LTD-1 … LTD-4).

A refused sign-up leaves nothing behind: the account row, its schema, its Owner and the code
redemption are written in one transaction (PostgreSQL DDL is transactional).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_exists

from accounts.confirmation import confirm_path
from accounts.lifecycle import audit, local_add
from accounts.mailer import mail_send
from accounts.models import Account, AccountStatus, FreeMailDomain, LifetimeCode, SignupTicket
from accounts.services import HOSTNAME_LABEL, account_create, schema_name_for
from accounts.users.models import User
from config.clock import now
from config.tokens import token_make, token_read
from core.links import account_url

# ACC-3
FREE_MAIL_TRIAL = timedelta(days=7)
COMPANY_TRIAL = timedelta(days=30)

# Host names the portal or the company needs for itself.
RESERVED_SLUGS = frozenset(
    "www admin api app apps mail smtp imap pop ftp static media assets cdn status help support docs blog "
    "billing min-konto minkonto login logout signup account accounts public test dev staging kontoportal "
    "kp-template template root security privacy legal".split()
)
# Danish and Norwegian letters that Unicode does not decompose to ASCII.
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "ß": "ss"})
# Legal-form suffixes are noise in a host name.
_LEGAL_FORMS = re.compile(r"\b(aps|a/s|as|asa|ab|ltd|limited|gmbh|s\.r\.o\.|sro|inc|llc|pte|i/s|k/s|ivs)\.?$", re.I)


class SignupError(Exception):
    """A refused sign-up: `field` names the form field, `message` is translated."""

    def __init__(self, field: str | None, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SignupResult:
    account: Account
    owner: User
    welcome_url: str


class WelcomeTokenGenerator(PasswordResetTokenGenerator):
    """The redirect right after sign-up: it lets the Owner choose a password, and nothing else
    (it proves nothing about the address: GDPR-4, accounts/confirmation.py). Unlike a reset token
    it ignores last_login; setting the password spends it."""

    key_salt = "accounts.signup.WelcomeTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        return f"{user.pk}{user.password}{timestamp}{user.email}"


welcome_tokens = WelcomeTokenGenerator()


def slug_for(company: str) -> str:
    """ACC-1: the sub-domain from the company name: 'Fjord Support ApS' → 'fjord-support'."""
    from django.utils.text import slugify

    name = _LEGAL_FORMS.sub("", company.strip()).strip(" ,.")
    # A host name label: a-z, 0-9 and inner hyphens only (slugify keeps underscores).
    slug = re.sub(r"[^a-z0-9]+", "-", slugify(name.translate(_TRANSLITERATE)))
    return slug[:50].strip("-")


def slug_taken(slug: str) -> bool:
    # A schema without a row (left by an interrupted restore, say) also makes the address taken:
    # a new account must never inherit someone else's tables.
    return (
        slug in RESERVED_SLUGS or Account.all_objects.filter(slug=slug).exists() or schema_exists(schema_name_for(slug))
    )


def slug_suggestion(slug: str) -> str:
    """The first free variant: fjord-support-2, -3, …"""
    base = slug or "konto"
    for n in range(2, 1000):
        candidate = f"{base}-{n}"
        if not slug_taken(candidate):
            return candidate
    raise RuntimeError("no free slug")  # pragma: no cover - 1,000 namesakes


def slug_availability(slug: str) -> tuple[str, str]:
    """ACC-1, the sign-up's live check: ("free", ""), ("taken", a free suggestion) or
    ("invalid", "") for something that is not a host name label."""
    slug = slug.strip().lower()
    if not HOSTNAME_LABEL.fullmatch(slug):
        return "invalid", ""
    if slug_taken(slug):
        return "taken", slug_suggestion(slug)
    return "free", ""


def is_free_mail(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower().strip()
    return FreeMailDomain.objects.filter(domain=domain).exists()


def trial_length_for(email: str) -> timedelta:
    """ACC-3: 7 days for a free-mail address, 30 days for a company domain."""
    return FREE_MAIL_TRIAL if is_free_mail(email) else COMPANY_TRIAL


WELCOME_PURPOSE = "accounts.welcome"
WELCOME_MAX_AGE = timedelta(days=3)


def welcome_path(owner: User) -> str:
    """Opaque: the user id is encrypted with the account's schema (ids repeat across accounts)."""
    token = token_make(
        WELCOME_PURPOSE, {"s": connection.schema_name, "u": owner.pk, "h": welcome_tokens.make_token(owner)}
    )
    return f"/min-konto/welcome/{token}/"


def welcome_user_for(token: str) -> User | None:
    """The user of a genuine, unspent welcome link in this account, or None."""
    data = token_read(WELCOME_PURPOSE, token, max_age=WELCOME_MAX_AGE) or {}
    if data.get("s") != connection.schema_name or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or not isinstance(data.get("h"), str) or not welcome_tokens.check_token(user, data["h"]):
        return None
    return user


def _check_lengths(*, full_name: str, email: str, company: str) -> None:
    """Every identity field fits its column (User.email and AuditEvent.actor_label: 254)."""
    for field, value, limit in (("full_name", full_name, 200), ("email", email, 254), ("company", company, 200)):
        if len(value) > limit:
            raise SignupError(
                field,
                _("This is too long: at most %(limit)s characters, not %(length)s.")
                % {"limit": limit, "length": len(value)},
            )


def _ticket_use(ticket: str) -> None:
    """ACC-2: one sign-up per timer token, recorded in the sign-up's transaction."""
    SignupTicket.objects.filter(used_at__lt=now() - timedelta(days=2)).delete()  # older tokens have expired
    try:
        with transaction.atomic():
            SignupTicket.objects.create(nonce=ticket, used_at=now())
    except IntegrityError:
        raise SignupError(
            None, _("This form has already created an account. Open the sign-up page again to create another.")
        ) from None


def _redeem(code_text: str) -> LifetimeCode:
    """Lock the code row: of two simultaneous redemptions the second waits, then sees it used."""
    code = LifetimeCode.objects.select_for_update().select_related("batch").filter(code=code_text.strip()).first()
    if code is None:
        raise SignupError("code", _("This code does not exist. Check it and try again."))
    if code.account_id is not None:
        raise SignupError("code", _("This code has already been used. A code works only once."))
    if now() > code.batch.redeem_by:
        raise SignupError(
            "code",
            _("Codes from this offer could be redeemed until %(deadline)s. The offer has closed.")
            % {"deadline": timezone.localtime(code.batch.redeem_by).strftime("%Y-%m-%d %H:%M")},
        )
    return code


def _record_refused_code(code_text: str) -> None:
    """LTD-1: a second use of a code is evidence the code was shared; kept outside the refused
    sign-up's rolled-back transaction."""
    LifetimeCode.objects.filter(code=code_text.strip(), account__isnull=False).update(
        refused_attempts=F("refused_attempts") + 1
    )


def account_signup(
    *,
    full_name: str,
    email: str,
    company: str,
    region: str,
    language: str,
    code: str = "",
    slug: str = "",
    ticket: str = "",
) -> SignupResult:
    """ACC-1 … ACC-3, LTD-1 … LTD-4: create the account, its schema and its Owner; redeem the
    code if one is given; e-mail the Owner the link that confirms the address (GDPR-4). Raises
    SignupError and creates nothing on refusal. `ticket`: the form's single-use timer nonce."""
    email = email.strip().lower()
    _check_lengths(full_name=full_name.strip(), email=email, company=company.strip())
    slug = slug.strip().lower() or slug_for(company)
    if not slug:
        raise SignupError("company", _("The company name must contain letters or digits."))
    if not HOSTNAME_LABEL.fullmatch(slug):
        raise SignupError("slug", _("The account's address may contain only a-z, 0-9 and hyphens."))
    if slug_taken(slug):
        raise SignupError(
            "slug",
            _("The address %(slug)s is taken. You could use %(suggestion)s instead.")
            % {"slug": slug, "suggestion": slug_suggestion(slug)},
        )
    try:
        with transaction.atomic():
            if ticket:
                _ticket_use(ticket)
            lifetime = _redeem(code) if code.strip() else None
            account = account_create(
                name=company.strip(),
                slug=slug,
                region=region,
                language=language,
                owner_email=email,
                owner_name=full_name.strip(),
                owner_password=None,
                status=AccountStatus.ACTIVE if lifetime else AccountStatus.TRIAL,
                trial_ends_at=None if lifetime else local_add(now(), trial_length_for(email)),
                actor=email,
                seat_limit=lifetime.batch.seats if lifetime else None,
                plan_name=lifetime.batch.plan_name if lifetime else "",
            )
            if lifetime is not None:
                lifetime.account = account
                lifetime.redeemed_at = now()
                lifetime.save(update_fields=["account", "redeemed_at"])
                audit(account=account, actor=email, action="lifetime_code_redeemed", data={"code": lifetime.code})
            from django_tenants.utils import tenant_context

            with tenant_context(account):
                owner = User.objects.get(email=email)
                path = welcome_path(owner)
                confirm = confirm_path(owner)
            mail_send(
                to=email,
                template="account_signup",
                language=language,
                context={
                    "account": account,
                    "owner": owner,
                    "url": account_url(account, "/min-konto/"),
                    "confirm_url": account_url(account, confirm),
                    "trial_ends_at": account.trial_ends_at,
                    "lifetime": lifetime is not None,
                },
                account=account,
                secret=("confirm_url",),
            )
    except SignupError as error:
        if error.field == "code" and code.strip():
            _record_refused_code(code)
        raise
    except IntegrityError:
        # A simultaneous sign-up took the same address between our check and our insert.
        raise SignupError(
            "slug",
            _("The address %(slug)s is taken. You could use %(suggestion)s instead.")
            % {"slug": slug, "suggestion": slug_suggestion(slug)},
        ) from None
    return SignupResult(account=account, owner=owner, welcome_url=account_url(account, path))
