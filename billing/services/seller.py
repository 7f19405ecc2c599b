"""The seller's details as documents snapshot them (versioned: see SellerProfile)."""

from datetime import datetime

from django.utils.translation import gettext as _

from billing.models import SellerProfile
from billing.services.common import BillingError
from config.clock import now
from core.memo import memoised


@memoised(key=lambda *, at=None: at)  # in a billing batch: read once per moment
def seller_current(*, at: datetime | None = None) -> SellerProfile:
    seller = SellerProfile.objects.filter(valid_from__lte=at or now()).order_by("-valid_from", "-id").first()
    if seller is None:
        raise BillingError(_("The seller's details are missing: staff must enter them before invoicing."))
    return seller


def seller_snapshot(seller: SellerProfile) -> dict[str, str]:
    return {
        "version": str(seller.pk),
        "legal_name": seller.legal_name,
        "street": seller.street,
        "postcode": seller.postcode,
        "city": seller.city,
        "country": seller.country,
        "vat_number": seller.vat_number,
        "company_id": seller.company_id,
        "tax_number": seller.tax_number,
        "peppol_scheme": seller.peppol_scheme,
        "peppol_id": seller.peppol_id,
        "register": seller.register,
        "bank_name": seller.bank_name,
        "iban": seller.iban,
        "bic": seller.bic,
        "email": seller.email,
        "footer": seller.footer,
    }
