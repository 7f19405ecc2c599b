"""The buyer's billing details and VAT number (BIL-8, BIL-9)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.no import mva as no_mva
from stdnum.no import orgnr as no_orgnr

from accounts.models import Account
from billing.identifiers import IDENTIFIER_FIELDS, identifiers_clean
from billing.models import BillingProfile, ViesStatus
from billing.services.common import SYSTEM, BillingError, billing_audit
from billing.tax import EU_COUNTRIES
from billing.vies import UNAVAILABLE, VALID, ViesAdapter, vies_adapter
from config.clock import now
from core.memo import memoised

PROFILE_FIELDS = ("name", "company", "street", "postcode", "city", "country", "email", "vat_number", *IDENTIFIER_FIELDS)


def vat_number_clean(*, number: str, country: str) -> str:
    """Offline check (format and check digit). Returns the compact form with its prefix, or
    raises ValidationError with a message in the active language."""
    compact = re.sub(r"[\s.\-/]", "", number or "").upper()
    if not compact:
        return ""
    if country in OWN_FORMAT_RULES:
        return OWN_FORMAT_RULES[country](compact)
    if country not in EU_COUNTRIES:
        return compact  # no EU VAT applies outside the EU; the number is printed as given
    if not compact[:2].isalpha():
        compact = ("EL" if country == "GR" else country) + compact
    if not eu_vat.is_valid(compact):
        raise ValidationError(_("This VAT number is not valid: check its format and digits."), code="vat_invalid")
    prefix = compact[:2]
    if (country == "GR" and prefix != "EL") or (country != "GR" and prefix != country):
        raise ValidationError(
            _("The VAT number must belong to the billing country (%(country)s).") % {"country": country},
            code="vat_country",
        )
    return compact


def _norwegian_number_clean(compact: str) -> str:
    """BIL-15: a Norwegian organisation number (9 digits, mod-11 check) or the same number as
    an MVA number ("NO 974 760 673 MVA"); never a question for VIES."""
    digits = compact.removeprefix("NO").removesuffix("MVA")
    if not no_orgnr.is_valid(digits):
        raise ValidationError(
            _("This Norwegian organisation or VAT (MVA) number is not valid: check its nine digits."),
            code="no_number_invalid",
        )
    return f"NO{digits}MVA" if compact.endswith("MVA") and no_mva.is_valid(f"NO{digits}MVA") else digits


def _uk_number_clean(compact: str) -> str:
    """BIL-15: a UK VAT number by its own rules (HMRC's check digits); never a question for VIES."""
    if not gb_vat.is_valid(compact):
        raise ValidationError(_("This UK VAT number is not valid: check its format and digits."), code="gb_invalid")
    return "GB" + gb_vat.compact(compact)


# Business numbers of countries outside the EU checked by their own format rules (python-stdnum).
OWN_FORMAT_RULES = {"NO": _norwegian_number_clean, "GB": _uk_number_clean}


def _vies_apply(profile: BillingProfile, vies: ViesAdapter) -> None:
    """VIES is asked only about EU numbers (BIL-15): a number from outside the EU was checked by
    its own format at entry and is never "unverified"."""
    if not profile.vat_number or profile.country not in EU_COUNTRIES:
        profile.vat_status = ViesStatus.NONE if not profile.vat_number else ViesStatus.NOT_EU
        profile.vies_consultation = ""
        profile.vies_checked_at = None
        return
    answer = vies.check(country=profile.vat_number[:2], number=profile.vat_number[2:])
    profile.vies_checked_at = answer.checked_at
    profile.vies_consultation = answer.consultation_number
    if answer.status == UNAVAILABLE:
        profile.vat_status = ViesStatus.UNVERIFIED
    else:
        profile.vat_status = ViesStatus.VALID if answer.status == VALID else ViesStatus.INVALID


def billing_profile_update(
    *, account: Account, actor: str, data: dict[str, Any], vies: ViesAdapter | None = None
) -> BillingProfile:
    """Create or change an account's billing details. An invalid VAT number changes nothing.

    VIES is asked before the transaction opens (a slow answer must not hold row locks), and only
    about EU numbers; when it is unreachable the number is kept as "unverified" and VAT is charged
    until the retry job confirms it."""
    country = str(data.get("country", "")).upper()
    vat_number = vat_number_clean(number=str(data.get("vat_number", "")), country=country)
    profile = BillingProfile.objects.filter(account=account).first() or BillingProfile(account=account)
    before = {field: getattr(profile, field, "") for field in PROFILE_FIELDS} if profile.pk else {}
    for field in PROFILE_FIELDS:
        setattr(profile, field, str(data.get(field, "")).strip())
    profile.country = country
    profile.vat_number = vat_number
    for field, value in identifiers_clean(data=data, country=country).items():  # BIL-14
        setattr(profile, field, value)
    profile.updated_at = now()
    profile.full_clean(exclude=["account"])
    if vat_number != before.get("vat_number") or profile.vat_status in ("", ViesStatus.NONE, ViesStatus.UNVERIFIED):
        _vies_apply(profile, vies or vies_adapter())
    with transaction.atomic():
        profile.save()
        after = {field: getattr(profile, field) for field in PROFILE_FIELDS}
        billing_audit(
            account=account,
            actor=actor,
            action="billing_profile_changed",
            before=before,
            after=after,
            vat_status=profile.vat_status,
        )
    return profile


def billing_profile_vies_recheck(*, profile: BillingProfile, vies: ViesAdapter | None = None) -> BillingProfile:
    """Ask VIES again about an unverified number (the `billing_vies_retry` job)."""
    before = profile.vat_status
    _vies_apply(profile, vies or vies_adapter())
    with transaction.atomic():
        BillingProfile.objects.filter(pk=profile.pk).update(
            vat_status=profile.vat_status,
            vies_consultation=profile.vies_consultation,
            vies_checked_at=profile.vies_checked_at,
        )
        if profile.vat_status != before:
            billing_audit(
                account=profile.account,
                actor=SYSTEM,
                action="vies_rechecked",
                before=before,
                after=profile.vat_status,
                consultation=profile.vies_consultation,
            )
    return profile


def buyer_snapshot(profile: BillingProfile) -> dict[str, str]:
    return {
        "name": profile.name,
        "company": profile.company,
        "street": profile.street,
        "postcode": profile.postcode,
        "city": profile.city,
        "country": profile.country,
        "email": profile.email,
        "vat_number": profile.vat_number,
        "company_id": profile.company_id,
        "tax_number": profile.tax_number,
        "peppol_scheme": profile.peppol_scheme,
        "peppol_id": profile.peppol_id,
        "vat_status": profile.vat_status,
        "vies_consultation": profile.vies_consultation,
        "vies_checked_at": profile.vies_checked_at.isoformat() if profile.vies_checked_at else "",
    }


@memoised(key=lambda account: account.pk)
def billing_profile(account: Account) -> BillingProfile | None:
    """The account's billing details, or None (a billing batch reads its accounts' in one query
    and primes this with them)."""
    return BillingProfile.objects.filter(account=account).first()


def profile_of(account: Account) -> BillingProfile:
    profile = billing_profile(account)
    if profile is None:
        raise BillingError(_("The account has no billing details yet."))
    return profile
