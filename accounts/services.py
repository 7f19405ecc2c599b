"""Services that write accounts. Keyword-only, atomic, validated before saving."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_tenants.utils import get_public_schema_name, tenant_context

from accounts.mailer import mail_send
from accounts.models import Account, AccountKind, AccountStatus, Domain, Region
from accounts.users.models import Role, User


def schema_name_for(slug: str) -> str:
    return "acct_" + slug.replace("-", "_")


def account_host(account: Account) -> str:
    return f"{account.slug}.{settings.BASE_DOMAIN}"


def account_url(account: Account, path: str = "/min-konto/") -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT not in {"", "80", "443"} else ""
    return f"{settings.PUBLIC_SCHEME}://{account_host(account)}{port}{path}"


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
    status: str = AccountStatus.TRIAL,
    trial_ends_at: datetime | None = None,
    send_welcome: bool = False,
) -> Account:
    """Create an account with its schema, host name and Owner in one transaction: PostgreSQL
    DDL is transactional, so a failure leaves no row without a schema and no schema without a row."""
    account = Account(
        schema_name=schema_name_for(slug),
        name=name,
        slug=slug,
        region=region,
        language=language,
        status=status,
        trial_ends_at=trial_ends_at,
        kind=AccountKind.CUSTOMER,
    )
    account.full_clean()
    account.save(verbosity=0)
    Domain.objects.create(domain=account_host(account), tenant=account, is_primary=True)
    with tenant_context(account):
        owner = User.objects.create_user(
            owner_email, owner_password, full_name=owner_name, role=Role.OWNER, language=language
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
