"""The legal wording a document carries for its tax treatment (BIL-9, BIL-15).

Each note is a sentence in the reader's language, followed where the law or the seller's tax
adviser expects it by fixed lines that are never translated: the English and Slovak mention of
the reverse charge (Art. 226(11a) of Directive 2006/112/EC: "Reverse charge"; Slovak VAT Act
§71: "prenesenie daňovej povinnosti") and the legal basis of a supply outside the EU.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from billing.models import TaxTreatment

# The sentence for the reader, in the active language.
_SENTENCES = {
    TaxTreatment.REVERSE_CHARGE: _(
        "Reverse charge: VAT is to be accounted for by the recipient under Article 196 of Council Directive "
        "2006/112/EC."
    ),
    TaxTreatment.EU_CONSUMER: _("VAT of the customer's member state, declared through the One-Stop Shop (OSS)."),
    TaxTreatment.EU_BUSINESS_UNVERIFIED: _(
        "VAT of the customer's member state is charged because the customer's VAT number could not yet be "
        "confirmed in the EU's VIES system. Once it is confirmed, later invoices apply the reverse charge."
    ),
    TaxTreatment.OUTSIDE_EU_BUSINESS: _(
        "Not subject to EU VAT: a service to a business outside the European Union, supplied where the customer "
        "is established (Article 44 of Council Directive 2006/112/EC)."
    ),
    TaxTreatment.OUTSIDE_EU: _(
        "Not subject to EU VAT: the place of supply is outside the European Union (Article 59 of Council "
        "Directive 2006/112/EC)."
    ),
    TaxTreatment.NO_VOEC: _(
        "Norwegian VAT at %(rate)s %% is charged under the VOEC scheme (VAT on e-commerce). The seller's VOEC "
        "number: %(number)s."
    ),
    TaxTreatment.UK_VAT: _("UK VAT at %(rate)s %% is charged. The seller's UK VAT registration number: %(number)s."),
}

# Fixed lines in English and Slovak, printed as they are in every language.
_FIXED = {
    TaxTreatment.REVERSE_CHARGE: (
        "Reverse charge – Article 196 of Council Directive 2006/112/EC.",
        "Prenesenie daňovej povinnosti – článok 196 smernice Rady 2006/112/ES.",
    ),
    TaxTreatment.OUTSIDE_EU_BUSINESS: (
        "Outside the scope of EU VAT – Article 44 of Council Directive 2006/112/EC.",
        "Nepodlieha DPH v EÚ – miesto dodania služby podľa článku 44 smernice Rady 2006/112/ES.",
    ),
    TaxTreatment.OUTSIDE_EU: (
        "Outside the scope of EU VAT – Article 59 of Council Directive 2006/112/EC.",
        "Nepodlieha DPH v EÚ – miesto dodania služby podľa článku 59 smernice Rady 2006/112/ES.",
    ),
    TaxTreatment.NO_VOEC: ("Norwegian VAT – VOEC number: %(number)s",),
    TaxTreatment.UK_VAT: ("UK VAT registration number: %(number)s",),
}


def fixed_lines() -> list[str]:
    """Every fixed English or Slovak line, as printed (a reader-language check skips them: they
    are meant to read the same in every language)."""
    return [line for lines in _FIXED.values() for line in lines]


def tax_note(treatment: str, *, rate: Decimal, registration: str = "") -> str:
    """The note of `treatment`: one line in the active language, then the fixed lines."""
    sentence = _SENTENCES.get(treatment)  # type: ignore[call-overload]
    if sentence is None:
        return ""
    whole = rate == rate.to_integral_value()
    shown = rate.quantize(Decimal("1")) if whole else rate.normalize()  # 25.00 → 25, 25.50 → 25.5
    params = {"rate": number_format(shown, use_l10n=True), "number": registration}
    lines = [str(sentence) % params]
    lines += [line % params for line in _FIXED.get(treatment, ())]  # type: ignore[call-overload]
    return "\n".join(lines)
