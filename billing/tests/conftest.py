"""Billing fixtures: the seller, the rates, buyers' billing profiles and a VIES that cannot be
reached (this machine has no network, so "VIES down" is the real case; tests that need a "valid"
answer hand the service the offline adapter)."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from accounts.models import Account
from billing.models import BillingProfile, SellerProfile
from billing.reference import demo_seller_ensure, vat_rates_load
from billing.services.profiles import billing_profile_update
from billing.tax import LineInput
from billing.vies import OfflineViesAdapter

# A valid-format Danish VAT number (check digit correct) for the fictional buyer.
DK_VAT = "DK31415926"


@pytest.fixture(autouse=True)
def vies_unreachable(settings):  # type: ignore[no-untyped-def]
    """The real HTTP adapter, pointed at a closed local port: a genuine "VIES down"."""
    settings.BILLING_VIES_ADAPTER = "billing.vies.HttpViesAdapter"
    settings.BILLING_VIES_URL = "http://127.0.0.1:9/check-vat-number"
    settings.BILLING_VIES_TIMEOUT = 1.0


@pytest.fixture
def seller(accounts_ready) -> SellerProfile:  # type: ignore[no-untyped-def]
    vat_rates_load()  # a transactional test's flush empties the rates the migration loaded
    return demo_seller_ensure()


@pytest.fixture
def make_profile(seller) -> Callable[..., BillingProfile]:  # type: ignore[no-untyped-def]
    def make(account: Account, *, country: str, vat_number: str = "", vies_valid: bool = False) -> BillingProfile:
        vies = OfflineViesAdapter(valid={vat_number} if vies_valid else set(), down=not vies_valid)
        return billing_profile_update(
            account=account,
            actor="test",
            data={
                "company": f"{account.name}",
                "name": "Anne Alfa",
                "street": "Havnegade 1",
                "postcode": "1058",
                "city": "København K",
                "country": country,
                "email": "billing@alfa.example",
                "vat_number": vat_number,
                # BIL-14: a Slovak company's invoice needs its IČO and DIČ (billing.identifiers)
                **({"company_id": "35757442", "tax_number": "2020273893"} if country == "SK" else {}),
            },
            vies=vies,
        )

    return make


def seats(n: int = 3, price: str = "39.00") -> list[LineInput]:
    return [LineInput("Helpdesk subscription, per agent", Decimal(n), Decimal(price))]


PASSWORD_FOR_TESTS = "correct-horse-battery-staple"
