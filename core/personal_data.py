"""Where personal data lives, by e-mail address: the registry every app fills (GDPR-6).

Each app declares, once, how to collect everything it holds about one address and how to erase
it, and registers that source here from its AppConfig.ready(); the privacy desk walks every
registered source for an access or erasure request. The registry is in core so an app below the
privacy desk (accounts) can declare its sources without importing it. A source lives either in
the public schema or in every account schema, e.g.:

    register(Source(
        key="billing.invoice", label=_("Invoices"), scope=Scope.PUBLIC,
        collect=lambda email: [...],               # JSON-ready dicts
        erase=None,                                # nothing is erased ...
        kept_reason=_("Invoices are kept 10 years (Slovak accounting law)."),  # ... and this says why
        fields={"number": _("invoice number"), ...},  # the described schema of the export
        # the readable PDF (Art. 12(1)): what it is and why it is kept, headings, coded values
        about=_("The invoices we issued to you."),
        labels=verbose_names(Document, "number", "kind"), values={"kind": dict(DocumentKind.choices)},
        amounts={"gross_total": "currency"},
    ))

A source with `kept_reason` is never erased: erasure records what was kept and why.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.utils.functional import Promise


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
    fields: Mapping[str, str | Promise] = field(default_factory=dict)
    # Rectification: field name -> function(email, new_value) -> list of (before, after).
    rectify: Callable[[str, str, str], list[tuple[str, str]]] | None = None
    # The readable PDF (Art. 12(1)), all optional: one sentence on what the source is and why it
    # is kept; each field's heading (default: its description); how a coded value reads (a
    # mapping such as dict(Model.choices), or a function); amount field -> its currency field.
    about: str | Promise | None = None
    labels: Mapping[str, str | Promise] = field(default_factory=dict)
    values: Mapping[str, Mapping[Any, Any] | Callable[[Any], Any]] = field(default_factory=dict)
    amounts: Mapping[str, str] = field(default_factory=dict)


_sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    if source.erase is None and source.kept_reason is None:
        raise ValueError(f"{source.key}: a source is either erasable or kept for a stated reason")
    _sources[source.key] = source
    return source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def registered() -> list[Source]:
    """Every registered source, in registration order."""
    return list(_sources.values())


def verbose_names(model: Any, *names: str, **renamed: str) -> dict[str, str | Promise]:
    """Headings for the readable export taken from the model's own field names:
    `verbose_names(User, "email", joined="date_joined")` -> {"email": _("e-mail"), "joined": _("joined")}."""
    pairs = {**{n: n for n in names}, **renamed}
    return {key: model._meta.get_field(name).verbose_name for key, name in pairs.items()}
