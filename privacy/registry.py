"""Where personal data lives, by e-mail address.

Each source declares, once, how to collect everything it holds about one address and how to
erase it. A source lives either in the public schema or in every account schema; the export and
the erasure walk all of them. Adding a source is a few lines in the owning app, e.g.:

    from privacy.registry import Source, register

    register(Source(
        key="billing.invoice", label=_("Invoices"), scope=Scope.PUBLIC,
        collect=lambda email: [...],               # JSON-ready dicts
        erase=None,                                # nothing is erased ...
        kept_reason=_("Invoices are kept 10 years (Slovak accounting law)."),  # ... and this says why
        fields={"number": "invoice number", ...},  # the described schema of the export
    ))

A source with `kept_reason` is never erased: erasure records what was kept and why.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Scope(Enum):
    PUBLIC = "public"
    ACCOUNT = "account"  # run inside each customer account's schema


@dataclass(frozen=True)
class EraseResult:
    deleted: int = 0
    anonymised: int = 0


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    scope: Scope
    collect: Callable[[str], list[dict[str, Any]]]
    # Idempotent: erasing twice changes nothing the second time (an interrupted erasure resumes).
    erase: Callable[[str], EraseResult] | None = None
    kept_reason: str | Promise | None = None
    fields: dict[str, str] = field(default_factory=dict)
    # Rectification: field name -> function(email, new_value) -> list of (before, after).
    rectify: Callable[[str, str, str], list[tuple[str, str]]] | None = None


_sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    if source.erase is None and source.kept_reason is None:
        raise ValueError(f"{source.key}: a source is either erasable or kept for a stated reason")
    _sources[source.key] = source
    return source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def sources() -> list[Source]:
    from privacy import sources as _builtin  # noqa: F401 - registers the built-in sources

    return list(_sources.values())


def describe() -> dict[str, Any]:
    """The described schema of the export, one entry per source."""
    return {
        s.key: {
            "label": str(s.label),
            "scope": s.scope.value,
            "kept_by_law": s.kept_reason is not None,
            "fields": s.fields,
        }
        for s in sources()
    }


KEPT_PRIVACY_RECORDS = _(
    "Records of how we handled your data-protection requests are kept as proof of compliance (GDPR Art. 5(2))."
)
