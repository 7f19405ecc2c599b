"""The Art. 15 cover letter of an export, built from the processing records (Art. 30) and the
published sub-processor registry: (a)-(h) of Art. 15(1) and the transfers of Art. 15(2), limited
to what applies to the data found for this person. Call it under the requester's language."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Region
from billing.forms import COUNTRIES
from billing.models import SellerProfile
from billing.tax import EU_COUNTRIES
from config.clock import now
from core.links import public_url
from privacy.records import DataCategory, DataSource, ProcessingRecord
from privacy.selectors import CONTROLLER, RIGHTS, SUPERVISORY_AUTHORITY
from subprocessors.models import TransferMechanism
from subprocessors.selectors import entries_for_region, registry_current

# Records in the public schema (invoices, requests, consents) are kept in the controller's own
# data region, where its main establishment is.
PUBLIC_REGION = Region.EU
EEA = EU_COUNTRIES | {"NO", "IS", "LI"}
# Places in the registry written the way addresses usually are, and countries the billing form
# does not offer.
COUNTRY_ALIASES = {"USA": "US", "UK": "GB"}
OTHER_COUNTRIES = {"Ukraine": ("UA", _("Ukraine"))}

# The person's local authority (Art. 77: the member state of habitual residence), by the
# language they wrote in; the seller's own authority is SUPERVISORY_AUTHORITY.
LOCAL_AUTHORITIES = {
    "da": {
        "name": "Datatilsynet",
        "address": "Carl Jacobsens Vej 35, 2500 Valby, Danmark",
        "url": "https://www.datatilsynet.dk",
    },
    "nb": {
        "name": "Datatilsynet",
        "address": "Postboks 458 Sentrum, 0105 Oslo, Norge",
        "url": "https://www.datatilsynet.no",
    },
}


def _country(place: str) -> tuple[str, str]:
    """("US", "USA" in the reader's language) for the last part of a place such as "Newark, NJ, USA"."""
    name = place.rsplit(",", 1)[-1].strip()
    if name in COUNTRY_ALIASES:
        code = COUNTRY_ALIASES[name]
        return code, str(dict(COUNTRIES)[code])
    if name in OTHER_COUNTRIES:
        code, label = OTHER_COUNTRIES[name]
        return code, str(label)
    with translation.override("en"):
        by_english = {str(label): code for code, label in COUNTRIES}
    code = by_english.get(name, "")
    return code, str(dict(COUNTRIES)[code]) if code else name


def _place(place: str) -> str:
    """ "Frankfurt, Germany" with the country in the reader's language."""
    code, name = _country(place)
    head, _sep, _tail = place.rpartition(",")
    if not code:
        return place
    return f"{head}, {name}" if head else name


def transfer_country(entry: dict[str, Any]) -> str | None:
    """Art. 15(2): the third country an entry's data goes to, or None inside the EEA. Under the
    Data Privacy Framework that is the United States, where the company is; otherwise the place
    of processing, or the company's home when it processes inside the EEA but reaches the data
    from outside (which its transfer mechanism, not "within the EEA", says)."""
    mechanism = entry["transfer_mechanism"]
    location, location_name = _country(entry["processing_location"])
    home, home_name = _country(entry["registered_address"])
    if mechanism == TransferMechanism.DPF:
        return home_name
    if location not in EEA:
        return location_name
    if mechanism != TransferMechanism.EEA and home not in EEA:
        return home_name
    return None


def records_applying(found: set[str]) -> list[ProcessingRecord]:
    """The processing activities that cover at least one source that returned data."""
    records = ProcessingRecord.objects.filter(published=True)
    return [record for record in records if any(record.covers(key) for key in found)]


def regions_of(data: dict[str, Any]) -> list[str]:
    """The data regions the person's data is in: each account's, and the controller's for the
    public schema."""
    schemas = {place["schema"] for place in data["data"]}
    regions = list(Account.objects.filter(schema_name__in=schemas).values_list("region", flat=True).distinct())
    if "public" in schemas and PUBLIC_REGION not in regions:
        regions.insert(0, PUBLIC_REGION)
    return regions


def recipients_applying(records: list[ProcessingRecord], regions: list[str]) -> list[dict[str, Any]]:
    """The published registry's entries the records name, in the person's data regions (SUB-2),
    in registry order."""
    version = registry_current()
    entries = version.entries if version else []
    in_regions = {entry["key"] for region in regions for entry in entries_for_region(entries, region)}
    named = {key for record in records for key in record.registry_keys}
    return [entry for entry in entries if entry["key"] in named and entry["key"] in in_regions]


def controller_identity() -> dict[str, str]:
    """The controller is the seller: its profile in force now (read-only), as on the invoices."""
    seller = SellerProfile.objects.filter(valid_from__lte=now()).order_by("-valid_from", "-id").first()
    if seller is None:
        return {**CONTROLLER, "company_id": "", "vat_number": "", "register": ""}
    return {
        "name": seller.legal_name,
        "address": f"{seller.street}, {seller.postcode} {seller.city}, {dict(COUNTRIES).get(seller.country, '')}",
        "email": seller.email,
        "company_id": seller.company_id,
        "vat_number": seller.vat_number,
        "register": seller.register,
    }


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def art15_letter(*, language: str, data: dict[str, Any]) -> dict[str, Any]:
    """Everything the cover letter says, in the active language, for the data collected."""
    found = {place["source"] for place in data["data"]}
    records = records_applying(found)
    entries = recipients_applying(records, regions_of(data))
    mechanisms = dict(TransferMechanism.choices)
    categories = dict(DataCategory.choices)
    sources = dict(DataSource.choices)
    recipients = [
        {
            "key": entry["key"],
            "legal_entity": entry["legal_entity"],
            "location": _place(entry["processing_location"]),
            "purpose": entry["purpose"].get(language) or entry["purpose"]["en"],
            "third_country": transfer_country(entry),
            "safeguard": str(mechanisms.get(entry["transfer_mechanism"], entry["transfer_mechanism"])),
        }
        for entry in entries
    ]
    return {
        "controller": controller_identity(),
        "dpo": settings.PRIVACY_DPO,
        "records": [
            {
                "title": r.text("title", language),
                "purpose": r.text("purpose", language),
                "legal_basis": r.get_legal_basis_display(),
                "retention": r.text("retention", language),
            }
            for r in records
        ],
        "categories": _unique([str(categories[c]) for r in records for c in r.categories if c in categories]),
        "recipients": recipients,
        "other_recipients": _unique([name for r in records for name in r.recipient_list]),
        # One line per company, country and safeguard, however many regions it serves.
        "transfers": list(
            {
                (r["legal_entity"], r["third_country"], r["safeguard"]): r for r in recipients if r["third_country"]
            }.values()
        ),
        "sources": _unique([str(sources[s]) for r in records for s in r.sources if s in sources]),
        "profiling": any(r.profiling for r in records),
        "rights": [(kind.label, article) for kind, article in RIGHTS],
        "authority": SUPERVISORY_AUTHORITY,
        "local_authority": LOCAL_AUTHORITIES.get(language, LOCAL_AUTHORITIES["da"]),
        "registry_url": public_url(reverse("subprocessors", urlconf="config.urls_public")),
        "processing_url": public_url(reverse("data-processing", urlconf="config.urls_public")),
    }
