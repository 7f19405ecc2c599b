import importlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.utils import translation

from accounts.models import Account, AccountKind, AccountStatus
from billing.models import BillingProfile, SellerProfile, VatRate
from billing.subscriptions.models import PaymentMethod, Plan, SandboxToken, Subscription
from billing.subscriptions.services.payment_methods import payment_method_add_card
from billing.subscriptions.services.start import subscription_start

LAUNCH = datetime(2019, 1, 1, tzinfo=UTC)


def seller_ensure() -> SellerProfile:
    seller = SellerProfile.objects.first()
    if seller is None:
        seller = SellerProfile.objects.create(
            valid_from=LAUNCH,
            legal_name="Kontoportal s.r.o.",
            street="Hlavná 1",
            postcode="811 01",
            city="Bratislava",
            country="SK",
            vat_number="SK2020000000",
            company_id="12345678",
            register="Obchodný register Mestského súdu Bratislava III",
            bank_name="Demo Banka",
            iban="SK3112000000198742637541",
            bic="DEMOSKBX",
            email="billing@kontoportal.localhost",
        )
    return seller


def billing_profile_ensure(account: Account, *, country: str = "NO", email: str = "") -> BillingProfile:
    """Billing details without VIES: outside the EU (no VAT) by default, so sums stay readable."""
    profile, _ = BillingProfile.objects.update_or_create(
        account=account,
        defaults={
            "name": "Invoice Contact",
            "company": account.name,
            "street": "Storgata 1",
            "postcode": "0155",
            "city": "Oslo",
            "country": country,
            "email": email or f"invoice@{account.slug}.example",
            "updated_at": LAUNCH,
        },
    )
    return profile


@pytest.fixture
def seller(db: None) -> SellerProfile:
    return seller_ensure()


def reference_data_ensure() -> None:
    """The rows migrations load (plans, VAT rates): a transactional test's flush empties them."""
    for module, function in (
        ("billing.subscriptions.migrations.0001_initial", "plans_create"),
        ("billing.migrations.0002_immutability_and_rates", "load_rates"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def plans(db: None) -> dict[str, Plan]:
    if not Plan.objects.exists() or not VatRate.objects.exists():
        reference_data_ensure()
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def trial_account_a(account_a: Account, seller: SellerProfile) -> Account:
    """Account A in its trial, with billing details (B has none)."""
    Account.objects.filter(pk=account_a.pk).update(status=AccountStatus.TRIAL, plan_name="")
    account_a.refresh_from_db()
    billing_profile_ensure(account_a)
    return account_a


def subscribe(account: Account, plan: Plan, *, seats: int = 2, cycle: str = "monthly", card: str = "4242424242424242"):  # type: ignore[no-untyped-def]
    """A paid subscription started now (ACC-4 path), with a card that behaves as `card` does."""
    billing_profile_ensure(account)
    seller_ensure()
    Account.objects.filter(pk=account.pk).update(status=AccountStatus.TRIAL)
    account.refresh_from_db()
    payment_method_add_card(
        account=account, number="4242424242424242", exp_month=12, exp_year=2035, cvc="123", actor="t"
    )
    subscription = subscription_start(account=account, plan=plan, seats=seats, cycle=cycle, actor="t")
    if card != "4242424242424242":
        payment_method_add_card(account=account, number=card, exp_month=12, exp_year=2035, cvc="123", actor="t")
    account.refresh_from_db()
    return subscription


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    """Messages in English unless a test asks otherwise (a request may leave another active)."""
    with translation.override("en"):
        yield


def bulk_accounts(n: int, plan: Plan, at: datetime) -> list[Account]:
    """`n` customer accounts with a subscription due at `at`. Rows only: billing lives in the
    public schema, so the accounts need no schema of their own here."""
    accounts = Account.objects.bulk_create(
        [
            Account(
                schema_name=f"acct_run{i:04d}",
                name=f"Run {i:04d} ApS",
                slug=f"run{i:04d}",
                kind=AccountKind.CUSTOMER,
                status=AccountStatus.ACTIVE,
                language="da" if i % 2 else "nb",
            )
            for i in range(n)
        ]
    )
    SandboxToken.objects.create(
        token="tok_bulk",
        kind="card",
        behaviour="ok",
        brand="Visa",
        last4="4242",
        exp_month=12,
        exp_year=2035,
        created_at=at,
    )
    BillingProfile.objects.bulk_create(
        [
            BillingProfile(
                account=a,
                name="Contact",
                street="Storgata 1",
                postcode="0155",
                city="Oslo",
                country="NO",
                email=f"invoice@{a.slug}.example",
                updated_at=at,
            )
            for a in accounts
        ]
    )
    PaymentMethod.objects.bulk_create(
        [
            PaymentMethod(
                account=a,
                kind="card",
                token="tok_bulk",
                brand="Visa",
                last4="4242",
                exp_month=12,
                exp_year=2035,
                created_at=at,
            )
            for a in accounts
        ]
    )
    start = at - timedelta(days=31)
    Subscription.objects.bulk_create(
        [
            Subscription(
                account=a,
                plan=plan,
                seats=1 + i % 5,
                cycle="monthly",
                anchor=start,
                period_start=start,
                period_end=at,
                created_at=start,
            )
            for i, a in enumerate(accounts)
        ]
    )
    return accounts
