"""The export as a person reads it (GDPR-6, Art. 12(1)): each source's records with translated
headings and values, local dates and times, amounts with their currency, and nested details
(a buyer's address) as lines. The JSON keeps the machine keys and values; this is only the PDF's
view of them, built in the active language (the requester's)."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.personal_data import Source

_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# A date or moment inside a text written when the row was recorded ("Terms v1 (2026-01-01)").
_ISO_INSIDE = re.compile(
    r"(?<![\w-])\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?)?(?![\w-])"
)
# Nested details printed as an address: these keys' values stand on their own line, unlabelled.
ADDRESS_KEYS = ("name", "full_name", "company", "street", "postcode", "city", "country")
# More columns than this and each record becomes a list of headings and values, which wraps on a
# page, instead of a table row.
WIDE = 6
# From this many records of an account source on, a value that reads the same in each (the
# person's e-mail and name in every account) is printed once above them, not in every row.
MANY = 10


def when(value: datetime | date) -> str:
    """A moment in the seller's time zone, to the minute, in the active language's format."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def label(source: Source, key: str) -> str:
    heading = source.labels.get(key) or source.fields.get(key) or key.replace("_", " ")
    text = str(heading)
    return text[:1].upper() + text[1:]


def _amount(value: Any, currency: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{formats.number_format(number, 2, use_l10n=True, force_grouping=True)} {currency or ''}".strip()


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime | date):
        return when(value)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            return when(moment)
    if isinstance(value, str) and _ISO_DATE.match(value):
        day = parse_date(value)
        if day is not None:
            return when(day)
    return _ISO_INSIDE.sub(_local, str(value))


def _local(match: re.Match[str]) -> str:
    text = match.group(0)
    moment = parse_datetime(text) if len(text) > 10 else None
    day = parse_date(text[:10]) if moment is None else None
    if moment is not None:
        return when(moment)
    return when(day) if day is not None else text


def value(source: Source, key: str, raw: Any, record: Mapping[str, Any] | None = None) -> list[str]:
    """One field's value as lines of text (one line for most, several for nested details)."""
    if key in source.amounts and raw not in (None, ""):
        return [_amount(raw, (record or {}).get(source.amounts[key]))]
    shown = source.values.get(key)
    if callable(shown):
        raw = shown(raw)
    elif shown is not None and not isinstance(raw, dict | list):
        raw = shown.get(raw, raw)
    if isinstance(raw, dict):
        return _nested(source, raw)
    if isinstance(raw, list | tuple):
        return [line for item in raw for line in (value(source, key, item) if item is not None else [])] or ["—"]
    return [_scalar(raw)]


def _nested(source: Source, details: Mapping[str, Any]) -> list[str]:
    """Nested details (a buyer snapshot): the address as an address, the rest as labelled lines."""
    lines = []
    place = " ".join(str(details[k]) for k in ("postcode", "city") if details.get(k))
    for key in ("name", "full_name", "company", "street"):
        if details.get(key):
            lines.append(str(details[key]))
    if place:
        lines.append(place)
    if details.get("country"):
        lines += value(source, "country", details["country"])
    for key, raw in details.items():
        if key in ADDRESS_KEYS or raw in (None, ""):
            continue
        lines.append(f"{label(source, key)}: {', '.join(value(source, key, raw))}")
    return lines or ["—"]


def section(source: Source, places: list[dict[str, Any]]) -> dict[str, Any]:
    """One source's section of the PDF: its heading, what it is and why it is kept, and its
    records, as table rows or (a wide source) as one list of headings and values per record.
    A person in many accounts has the same e-mail, name and language in each: from MANY records
    of an account source on, a value that reads the same in every record is printed once above
    them (issue 14: one short table for 1,000 accounts instead of a page per five)."""
    keys: list[str] = []
    for place in places:
        for record in place["records"]:
            keys += [k for k in record if k not in keys]
    # An amount prints its currency; the currency's own column would only repeat it.
    keys = [k for k in keys if k not in source.amounts.values()]
    by_account = any(p["account"] for p in places)
    rows = [(place["account"], record) for place in places for record in place["records"]]
    shown = {k: [value(source, k, record.get(k), record) for _account, record in rows] for k in keys}
    shared = []
    if by_account and len(rows) >= MANY:
        shared = [k for k in keys if all(lines == shown[k][0] for lines in shown[k])]
        keys = [k for k in keys if k not in shared]
    # Many columns, or nested details (an address) in a cell: one list per record instead.
    wide = len(keys) + by_account > WIDE or any(len(lines) > 1 for k in keys for lines in shown[k])
    headings = [label(source, k) for k in keys]
    records = [{"account": account, "values": [shown[k][i] for k in keys]} for i, (account, _record) in enumerate(rows)]
    if wide:
        for record in records:
            record["pairs"] = list(zip(headings, record["values"], strict=True))
    return {
        "label": str(source.label),
        "about": str(source.about) if source.about else "",
        "kept_by_law": str(source.kept_reason) if source.kept_reason else "",
        "shared": [(label(source, k), shown[k][0]) for k in shared],
        "columns": headings,
        "records": records,
        "by_account": by_account,
        "wide": wide,
    }


def describe(source: Source) -> dict[str, Any]:
    """A source's entry in the JSON's described schema, in the active language (the
    requester's): machine keys stay as they are; headings and descriptions are translated."""
    return {
        "label": str(source.label),
        "about": str(source.about) if source.about else None,
        "scope": source.scope.value,
        "kept_by_law": source.kept_reason is not None,
        "fields": {key: str(description) for key, description in source.fields.items()},
        "labels": {key: label(source, key) for key in source.fields},
    }
