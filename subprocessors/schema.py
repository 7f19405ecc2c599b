"""The documented, stable JSON shape of the registry (served at /subprocessors/schema.json).
Fields are only ever added; a rename or removal would be a new schema URL."""

from subprocessors.models import DataCategory, Group, ServedRegion, TransferMechanism

_NAMED = {
    "type": "object",
    "required": ["key", "legal_entity"],
    "properties": {"key": {"type": "string"}, "legal_entity": {"type": "string"}},
}

ENTRY_SCHEMA = {
    "type": "object",
    "required": [
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
    ],
    "properties": {
        "key": {
            "type": "string",
            "description": "Stable identifier of the sub-processor.",
            "pattern": "^[-a-zA-Z0-9_]+$",
        },
        "group": {"enum": list(Group.values), "description": "infrastructure, service or support (24/7)."},
        "legal_entity": {"type": "string"},
        "registered_address": {"type": "string"},
        "purpose": {
            "type": "object",
            "description": "What it does for us, per language.",
            "required": ["en", "da", "nb"],
            "properties": {lang: {"type": "string"} for lang in ("en", "da", "nb")},
        },
        "processing_location": {"type": "string"},
        "region": {"enum": list(ServedRegion.values), "description": "Data region served; ALL for every region."},
        "data_categories": {"type": "array", "items": {"enum": list(DataCategory.values)}},
        "certifications": {"type": "array", "items": {"type": "string"}},
        "transfer_mechanism": {"enum": list(TransferMechanism.values)},
        "start_date": {"type": "string", "format": "date"},
    },
}

REGISTRY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Kontoportal sub-processor registry",
    "type": "object",
    "required": ["version", "published_at", "last_updated", "entries", "changes"],
    "properties": {
        "schema": {"type": "string"},
        "version": {"type": "integer", "minimum": 0, "description": "Published version number; 0 before the first."},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "last_updated": {"type": ["string", "null"], "format": "date"},
        "entries": {"type": "array", "items": ENTRY_SCHEMA},
        "changes": {
            "type": "object",
            "required": ["added", "removed", "changed"],
            "properties": {
                "added": {"type": "array", "items": _NAMED},
                "removed": {"type": "array", "items": _NAMED},
                "changed": {
                    "type": "array",
                    "items": {**_NAMED, "properties": {**_NAMED["properties"], "fields": {"type": "array"}}},
                },
            },
        },
    },
}
