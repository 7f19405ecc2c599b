"""The parties' identifiers a document prints (BIL-14), from its snapshots: registration number,
tax number, VAT number and Peppol participant id, each where given (the participant id the
registration number implies when none was entered, as the e-invoice states it). The labels are lazy texts,
worded when the PDF is rendered in the document's language; the country's own name of a number
follows in brackets (Slovak IČO, DIČ, IČ DPH; Danish CVR; Norwegian org.nr.), as the reader's
bookkeeping knows them."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing.identifiers import peppol_default

# The country's own name of each kind of number, printed after the translated label.
LOCAL_NAMES = {
    "company_id": {"SK": "IČO", "DK": "CVR", "NO": "org.nr."},
    "tax_number": {"SK": "DIČ"},
    "vat_number": {"SK": "IČ DPH"},
}
LABELS: dict[str, Promise] = {
    "company_id": _("Company ID"),
    "tax_number": _("Tax number"),
    "vat_number": _("VAT number"),
}


def party_identifiers(party: dict) -> list[tuple[Promise, str, str]]:
    """(label, the country's own name or "", value) for each identifier the snapshot `party`
    holds, in a fixed order."""
    country = str(party.get("country") or "").upper()
    rows: list[tuple[Promise, str, str]] = []
    for field, label in LABELS.items():
        value = str(party.get(field) or "").strip()
        if value:
            rows.append((label, LOCAL_NAMES[field].get(country, ""), value))
    scheme, participant = str(party.get("peppol_scheme") or "").strip(), str(party.get("peppol_id") or "").strip()
    if not participant:  # the one the registration number implies, as the e-invoice states it
        scheme, participant = peppol_default(
            country=country,
            company_id=str(party.get("company_id") or ""),
            vat_number=str(party.get("vat_number") or ""),
            tax_number=str(party.get("tax_number") or ""),
        )
    if participant:
        rows.append((_("Peppol ID"), "", f"{scheme}:{participant}" if scheme else participant))
    return rows
