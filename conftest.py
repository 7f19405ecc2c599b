"""Test accounts are created once per session (schemas cloned from the template), never per test.

Each test activates an account and relies on pytest-django's per-test rollback. Tests that need
committed data (a live server, a real Celery worker) use `transactional_db`, whose flush empties
the public tables; the `accounts_ready` fixture puts the tenant and domain rows back, reusing the
schemas.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import Account, AccountKind, AccountStatus, Domain, Region
from accounts.services import public_tenant_ensure, schema_name_for, template_schema_ensure
from accounts.users.models import Role, User
from config.clock import now

PASSWORD = "correct-horse-battery-staple"


@dataclass(frozen=True)
class AccountSpec:
    slug: str
    name: str
    region: str
    language: str
    owner_email: str
    owner_name: str


ACCOUNT_A = AccountSpec("alfa", "Alfa Support ApS", Region.EU, "da", "owner@alfa.dk", "Anne Alfa")
ACCOUNT_B = AccountSpec("bravo", "Bravo Kundeservice AS", Region.UK, "nb", "owner@bravo.no", "Bjørn Bravo")


# Kept when an account's schema is emptied: they describe the schema, not the team's data.
SCHEMA_TABLES = ("django_migrations", "django_content_type", "auth_permission")


def _empty_schema(account: Account) -> None:
    """What a transactional flush does to the public schema, done to an account's schema: a
    transactional test (live server, real worker) commits rows there that no rollback removes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND NOT (tablename = ANY(%s))",
            [account.schema_name, list(SCHEMA_TABLES)],
        )
        tables = [f'"{account.schema_name}"."{name}"' for (name,) in cursor.fetchall()]
        if tables:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _ensure_account(spec: AccountSpec) -> Account:
    """Get or (re)create the account row, reusing its schema when it exists already. A missing
    row means a transactional test flushed the public schema: the account's schema is emptied
    too, so every test starts from the same account."""
    account = Account.objects.filter(slug=spec.slug).first()
    if account is None:
        account = Account(
            schema_name=schema_name_for(spec.slug),
            name=spec.name,
            slug=spec.slug,
            region=spec.region,
            language=spec.language,
            status=AccountStatus.TRIAL,
            kind=AccountKind.CUSTOMER,
        )
        existed = schema_exists(account.schema_name)
        account.save(verbosity=0)  # clones the template schema unless it exists already
        if existed:
            _empty_schema(account)
    Domain.objects.get_or_create(domain=f"{spec.slug}.localhost", defaults={"tenant": account, "is_primary": True})
    with tenant_context(account):
        if not User.objects.filter(role=Role.OWNER).exists():
            # The test Owners' addresses are confirmed (GDPR-4), as after the mailed link.
            User.objects.create_user(
                spec.owner_email,
                PASSWORD,
                full_name=spec.owner_name,
                role=Role.OWNER,
                language=spec.language,
                email_confirmed_at=now(),
            )
    return account


def ensure_test_accounts() -> tuple[Account, Account]:
    public_tenant_ensure()
    template = template_schema_ensure()
    if not schema_exists(template.schema_name):
        template.create_schema(check_if_exists=True, verbosity=0)
    return _ensure_account(ACCOUNT_A), _ensure_account(ACCOUNT_B)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        ensure_test_accounts()


@pytest.fixture
def accounts_ready(db: None) -> tuple[Account, Account]:
    """The two test accounts, their rows present (after a transactional flush too)."""
    connection.set_schema_to_public()
    return ensure_test_accounts()


@pytest.fixture
def account_a(accounts_ready: tuple[Account, Account]) -> Account:
    return accounts_ready[0]


@pytest.fixture
def account_b(accounts_ready: tuple[Account, Account]) -> Account:
    return accounts_ready[1]


@pytest.fixture
def in_account_a(account_a: Account) -> Iterator[Account]:
    with tenant_context(account_a):
        yield account_a


def host_client(account: Account | None = None, **extra: str) -> Client:
    host = f"{account.slug}.localhost" if account else "localhost"
    return Client(HTTP_HOST=host, **extra)


@pytest.fixture
def public_client(accounts_ready: tuple[Account, Account]) -> Client:
    return host_client(None)


@pytest.fixture
def client_a(account_a: Account) -> Client:
    return host_client(account_a)


@pytest.fixture
def client_b(account_b: Account) -> Client:
    return host_client(account_b)


@pytest.fixture
def staff_user(accounts_ready: tuple[Account, Account]) -> User:
    connection.set_schema_to_public()
    user, _ = User.objects.get_or_create(
        email="staff@kontoportal.test", defaults={"full_name": "Staff Person", "is_staff": True, "is_superuser": True}
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(autouse=True)
def language_of_the_installation() -> Iterator[None]:
    """Every test starts in the installation's language (LANGUAGE_CODE), as a new request or task
    does: a test that activated another language and failed before restoring it must not decide
    the language of the next one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def throttle_counters_fresh() -> Iterator[None]:
    """The throttles (accounts/throttle.py) count in the test run's own Redis database, which
    outlives a test's rollback: start every test with no count, as a new hour would."""
    from django.core.cache import cache

    cache.clear()
    yield
