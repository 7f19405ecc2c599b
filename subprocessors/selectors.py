"""Reads of the registry and policy texts. The public pages read only published versions."""

import re
from typing import Any

import bleach
import markdown
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Account
from config.clock import today
from subprocessors.models import (
    DataCategory,
    Group,
    Notice,
    PolicyKind,
    PolicySeen,
    PolicyVersion,
    RegistryVersion,
    ServedRegion,
    SubProcessor,
    TransferMechanism,
)

# The public JSON shape of one entry. Stable: fields are only ever added, never renamed.
ENTRY_FIELDS = [
    "key",
    "group",
    "legal_entity",
    "registered_address",
    "purpose",
    "processing_location",
    "region",
    "data_categories",
    "certifications",
    "transfer_mechanism",
    "start_date",
]
# Fields compared between versions, in the order a diff shows them.
DIFF_FIELDS = [field for field in ENTRY_FIELDS if field != "key"]

ALLOWED_TAGS = ["p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "hr"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
# Whole script/style blocks go, content included (bleach would keep their text).
_DANGEROUS_BLOCKS = re.compile(r"<(script|style|iframe|object)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def entry_json(entry: SubProcessor) -> dict[str, Any]:
    """An entry as published (frozen into RegistryVersion.entries, served as JSON)."""
    return {
        "key": entry.key,
        "group": entry.group,
        "legal_entity": entry.legal_entity,
        "registered_address": entry.registered_address,
        "purpose": {"en": entry.purpose_en, "da": entry.purpose_da, "nb": entry.purpose_nb},
        "processing_location": entry.processing_location,
        "region": entry.region,
        "data_categories": sorted(entry.data_categories or []),
        "certifications": [part.strip() for part in entry.certifications.split(",") if part.strip()],
        "transfer_mechanism": entry.transfer_mechanism,
        "start_date": entry.start_date.isoformat(),
    }


def registry_draft_entries() -> list[dict[str, Any]]:
    """The working copy as it would be published next."""
    return [entry_json(entry) for entry in SubProcessor.objects.filter(listed=True)]


def registry_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What differs between two versions' entries, by stable key."""
    old = {entry["key"]: entry for entry in before}
    new = {entry["key"]: entry for entry in after}
    changed = []
    for key in new.keys() & old.keys():
        fields = [
            {"field": field, "before": old[key].get(field), "after": new[key].get(field)}
            for field in DIFF_FIELDS
            if old[key].get(field) != new[key].get(field)
        ]
        if fields:
            changed.append({"key": key, "legal_entity": new[key]["legal_entity"], "fields": fields})
    return {
        "added": [{"key": k, "legal_entity": new[k]["legal_entity"]} for k in sorted(new.keys() - old.keys())],
        "removed": [{"key": k, "legal_entity": old[k]["legal_entity"]} for k in sorted(old.keys() - new.keys())],
        "changed": sorted(changed, key=lambda item: item["key"]),
    }


def registry_current() -> RegistryVersion | None:
    return RegistryVersion.objects.order_by("-number").first()


def registry_version_get(number: int) -> RegistryVersion | None:
    return RegistryVersion.objects.filter(number=number).first()


def registry_history() -> list[RegistryVersion]:
    """Every version, newest first, without the frozen entries (one query whatever their size)."""
    return list(RegistryVersion.objects.defer("entries").order_by("-number"))


def entries_for_region(entries: list[dict[str, Any]], region: str | None) -> list[dict[str, Any]]:
    """SUB-2: the entries serving one data region (plus those serving all regions)."""
    if not region:
        return list(entries)
    return [entry for entry in entries if entry["region"] in (region, ServedRegion.ALL)]


def entries_grouped(entries: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Entries in the three SUB-1 groups, with labels in the current language."""
    categories = dict(DataCategory.choices)
    regions = dict(ServedRegion.choices)
    mechanisms = dict(TransferMechanism.choices)
    groups = []
    for value, label in Group.choices:
        rows = [
            {
                **entry,
                "purpose_text": entry["purpose"].get(language) or entry["purpose"]["en"],
                "region_label": regions.get(entry["region"], entry["region"]),
                "category_labels": [categories.get(code, code) for code in entry["data_categories"]],
                "mechanism_label": mechanisms.get(entry["transfer_mechanism"], entry["transfer_mechanism"]),
            }
            for entry in entries
            if entry["group"] == value
        ]
        groups.append({"value": value, "label": label, "entries": rows})
    return groups


def entries_for_account(account: Account) -> list[dict[str, Any]]:
    """SUB-2: the published sub-processors that apply to this account's data region."""
    version = registry_current()
    return entries_for_region(version.entries if version else [], account.region)


def notices_open_for(account: Account) -> list[Notice]:
    """New sub-processors announced for this account's region that have not started yet."""
    return list(
        Notice.objects.filter(region__in=[account.region, ServedRegion.ALL], start_date__gt=today())
        .select_related("version")
        .order_by("start_date")
    )


# --- Policy texts ------------------------------------------------------------------------------


def policy_current(kind: str) -> PolicyVersion | None:
    """The policy version in effect today: the newest published one whose effective date has come.
    For the privacy app's /data-processing/ page: `policy_current("data-processing")`."""
    return (
        PolicyVersion.objects.filter(kind=kind, published_at__isnull=False, effective_date__lte=today())
        .order_by("-effective_date", "-number")
        .first()
    )


def policy_versions(kind: str) -> list[PolicyVersion]:
    """Every published version of a policy, newest first (the public archive)."""
    return list(PolicyVersion.objects.filter(kind=kind, published_at__isnull=False).order_by("-number"))


def policy_version_get(kind: str, number: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(kind=kind, number=number, published_at__isnull=False).first()


def markdown_sanitised(text: str) -> SafeString:
    """Staff Markdown as HTML with everything but plain formatting removed (scripts, handlers, styles)."""
    html = markdown.markdown(_DANGEROUS_BLOCKS.sub("", text or ""))
    cleaned = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=["http", "https", "mailto"], strip=True
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by bleach just above


def policy_html(policy: PolicyVersion, language: str) -> SafeString:
    return markdown_sanitised(policy.localized("body", language))


def terms_unseen_for(account: Account) -> PolicyVersion | None:
    """ACC-14: the terms version in effect that this account has not yet marked as seen."""
    current = policy_current(PolicyKind.TERMS)
    if current is None or PolicySeen.objects.filter(account_id=account.pk, policy=current).exists():
        return None
    return current
