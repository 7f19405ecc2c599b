"""Company and tax identifiers of buyers and the seller, as e-invoices need them (BIL-14).

- Company registration number (BT-30 / BT-47): Danish CVR (stdnum.dk.cvr), Norwegian
  organisation number (stdnum.no.orgnr), Slovak IČO (8 digits, mod-11 check digit; python-stdnum
  has no Slovak IČO module). Other countries: kept as given, without spaces.
- Slovak tax number DIČ (10 digits; it has no check digit of its own — a VAT payer's IČ DPH is
  "SK" + DIČ and carries the mod-11 check that the VAT number field already validates).
- Peppol participant id (electronic address, BT-34 / BT-49) = scheme (EAS code) + id. When the
  customer enters none it is defaulted from the registration number where the EAS list has a
  scheme for it: 0184 Danish CVR, 0192 Norwegian organisation number, 0245 Slovak DIČ (Slovak
  participants are registered on Peppol under their DIČ, not their VAT number; a VAT payer's DIČ
  is its IČ DPH without "SK"). A participant id entered explicitly wins. Buyers with none
  (consumers) are addressed by e-mail (EAS "EM").
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.dk import cvr as dk_cvr
from stdnum.no import orgnr as no_orgnr

EMAIL_SCHEME = "EM"
# EAS codes the portal knows by name; any other four-digit EAS code may be entered too.
COMPANY_ID_SCHEMES = {"DK": "0184", "NO": "0192"}
SLOVAK_DIC_SCHEME = "0245"


def _compact(number: str) -> str:
    return re.sub(r"[\s.\-/]", "", number or "").upper()


def sk_ico_is_valid(number: str) -> bool:
    """Slovak IČO: 8 digits, the last a mod-11 check of the first seven (weights 8..2)."""
    if not re.fullmatch(r"\d{8}", number):
        return False
    remainder = sum(int(digit) * weight for digit, weight in zip(number[:7], range(8, 1, -1), strict=True)) % 11
    return int(number[7]) == (11 - remainder) % 10


def company_id_clean(*, number: str, country: str) -> str:
    """The compact registration number, or ValidationError (message in the active language)."""
    compact = _compact(number)
    if not compact:
        return ""
    country = (country or "").upper()
    if country == "DK":
        compact = compact.removeprefix("DK")
        if not dk_cvr.is_valid(compact):
            raise ValidationError(_("This CVR number is not valid: check its 8 digits."), code="cvr_invalid")
    elif country == "NO":
        compact = compact.removeprefix("NO").removesuffix("MVA")
        if not no_orgnr.is_valid(compact):
            raise ValidationError(_("This organisation number is not valid: check its 9 digits."), code="orgnr_invalid")
    elif country == "SK":
        compact = compact.removeprefix("SK")
        if len(compact) < 8 and compact.isdigit():
            compact = compact.zfill(8)
        if not sk_ico_is_valid(compact):
            raise ValidationError(_("This IČO is not valid: check its 8 digits."), code="ico_invalid")
    return compact


def tax_number_clean(*, number: str, country: str) -> str:
    """The Slovak DIČ (10 digits); other countries' tax numbers are kept as given."""
    compact = _compact(number)
    if not compact:
        return ""
    if (country or "").upper() == "SK":
        compact = compact.removeprefix("SK")
        if not re.fullmatch(r"\d{10}", compact):
            raise ValidationError(_("This DIČ is not valid: it has 10 digits."), code="dic_invalid")
    return compact


def peppol_clean(*, scheme: str, participant: str) -> tuple[str, str]:
    """A Peppol participant id as scheme + id; both or neither."""
    scheme, participant = (scheme or "").strip().upper(), (participant or "").strip()
    if not scheme and not participant:
        return "", ""
    if ":" in participant and not scheme:
        scheme, participant = participant.split(":", 1)
    if not re.fullmatch(r"\d{4}", scheme) or not participant or len(participant) > 100:
        raise ValidationError(
            _("Enter the Peppol ID as its scheme (four digits, e.g. 0184) and the ID, e.g. 0184:12345678."),
            code="peppol_invalid",
        )
    return scheme, participant


def registration_number(*, country: str, company_id: str, vat_number: str) -> str:
    """The company registration number; a Norwegian business that gave only its organisation
    number as VAT number (NO… MVA, BIL-15) has it there."""
    if company_id or (country or "").upper() != "NO" or not vat_number:
        return company_id
    digits = _compact(vat_number).removeprefix("NO").removesuffix("MVA")
    return digits if no_orgnr.is_valid(digits) else ""


def slovak_tax_number(*, tax_number: str, vat_number: str) -> str:
    """The Slovak DIČ: as entered, or a VAT payer's IČ DPH without its "SK"."""
    vat = _compact(vat_number)
    if tax_number or not re.fullmatch(r"SK\d{10}", vat):
        return tax_number
    return vat[2:]


def peppol_default(*, country: str, company_id: str, vat_number: str, tax_number: str = "") -> tuple[str, str]:
    """The participant id a registration number implies, or ("", "") when none does."""
    country = (country or "").upper()
    company_id = registration_number(country=country, company_id=company_id, vat_number=vat_number)
    if country in COMPANY_ID_SCHEMES and company_id:
        return COMPANY_ID_SCHEMES[country], company_id
    if country == "SK":
        dic = slovak_tax_number(tax_number=tax_number, vat_number=vat_number)
        if dic:
            return SLOVAK_DIC_SCHEME, dic
    return "", ""


def company_id_scheme(country: str) -> str:
    """The ISO 6523 scheme of a registration number (BT-30-1 / BT-47-1), where one is known."""
    return COMPANY_ID_SCHEMES.get((country or "").upper(), "")


def slovak_business(buyer: dict) -> bool:
    """A Slovak business buyer (company name or IČO given): the Slovak e-invoice rules apply."""
    if str(buyer.get("country") or "").upper() != "SK":
        return False
    return bool(str(buyer.get("company") or "").strip() or str(buyer.get("company_id") or "").strip())


def slovak_business_missing(buyer: dict) -> list[str]:
    """What a Slovak business buyer still lacks for a Slovak e-invoice (field names), in order."""
    if not slovak_business(buyer):
        return []
    needed = ("company", "company_id", "tax_number", "street", "postcode", "city")
    return [name for name in needed if not str(buyer.get(name) or "").strip()]


IDENTIFIER_FIELDS = ("company_id", "tax_number", "peppol_scheme", "peppol_id")


def identifiers_clean(*, data: dict, country: str) -> dict[str, str]:
    """A billing profile's identifiers, cleaned; a malformed one raises ValidationError per
    field (messages in the active language)."""
    errors: dict[str, list] = {}
    cleaned: dict[str, str] = {}
    for field, clean in (("company_id", company_id_clean), ("tax_number", tax_number_clean)):
        try:
            cleaned[field] = clean(number=str(data.get(field) or ""), country=country)
        except ValidationError as error:
            errors[field] = error.error_list
    try:
        cleaned["peppol_scheme"], cleaned["peppol_id"] = peppol_clean(
            scheme=str(data.get("peppol_scheme") or ""), participant=str(data.get("peppol_id") or "")
        )
    except ValidationError as error:
        errors["peppol_id"] = error.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


def slovak_identifiers_message() -> str:
    """What the Owner of a Slovak company is asked for, in the active language."""
    return _(
        "A Slovak company's invoices are e-invoices under Slovak law: enter the company's IČO and DIČ "
        "(and its IČ DPH as VAT number if it is a VAT payer)."
    )


def slovak_issue_refusal() -> str:
    """Why an invoice to a Slovak company is not issued yet (nothing is numbered), in the active language."""
    return _(
        "This invoice is not issued yet: a Slovak company's invoice needs its IČO, DIČ and full address. "
        "The account's Owner must add them to the billing details in Min konto."
    )


def slovak_identifiers_required(*, data: dict, cleaned: dict[str, str], country: str) -> dict[str, ValidationError]:
    """The Min konto form's question (BIL-14): a Slovak company gives its IČO and DIČ before its
    details are saved; the issue refuses an invoice without them anyway (slovak_issue_refusal)."""
    if not slovak_business({**data, **cleaned, "country": country}):
        return {}
    message = slovak_identifiers_message()
    return {
        field: ValidationError(message, code="sk_identifiers_missing")
        for field in ("company_id", "tax_number")
        if not cleaned.get(field)
    }
