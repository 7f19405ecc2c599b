"""Reference data: the EU standard VAT rates and the demo seller (`manage.py load_billing_data`)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from billing.models import SellerProfile, VatRate
from billing.tax import EU_STANDARD_RATES

# A fictional Slovak s.r.o.; its VAT number has a valid format and check digit.
DEMO_SELLER = {
    "legal_name": "Kvalita Desk s.r.o.",
    "street": "Dunajská 48",
    "postcode": "811 08",
    "city": "Bratislava",
    "country": "SK",
    "vat_number": "SK2024123464",
    "company_id": "57 204 110",
    "register": "Obchodný register Mestského súdu Bratislava III, oddiel: Sro, vložka č. 187204/B",
    "bank_name": "Tatra banka, a.s.",
    "iban": "SK31 1100 0000 0029 4512 3456",
    "bic": "TATRSKBX",
    "email": "fakturacia@kvalitadesk.example",
    "footer": "Kvalita Desk s.r.o. · IČO 57 204 110 · IČ DPH SK2024123464",
}


def vat_rates_load(model: Any = None) -> int:
    """Insert the rates that are missing; returns how many. Idempotent."""
    model = model or VatRate  # a migration passes its historical model
    created = 0
    for country, rate, valid_from in EU_STANDARD_RATES:
        _obj, was_created = model.objects.get_or_create(
            country=country, valid_from=valid_from, defaults={"rate": Decimal(rate)}
        )
        created += was_created
    return created


def demo_seller_ensure() -> Any:
    seller = SellerProfile.objects.order_by("-valid_from").first()
    if seller is None:
        seller = SellerProfile.objects.create(
            valid_from=timezone.make_aware(datetime(2024, 1, 1)), created_by="system", **DEMO_SELLER
        )
    return seller
