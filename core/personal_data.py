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
from django.utils.translation import gettext_lazy as _


class Scope(Enum):
    PUBLIC = "public"
    ACCOUNT = "account"  # run inside each customer account's schema


@dataclass(frozen=True)
class EraseResult:
    deleted: int = 0
    anonymised: int = 0


@dataclass(frozen=True)
class Across:
    """One address looked for in many account schemas at once (issue 14). `accounts`: the customer
    accounts walked, `schemas`: account id -> schema name, `users`: account id -> the address's
    rows in that account's users table (absent: not a user there), read once by one UNION ALL
    over every schema (`across_for` in privacy/services/export.py) for every source to use."""

    email: str
    accounts: list[Any]
    schemas: Mapping[int, str]
    users: Mapping[int, list[Any]]

    def with_role(self, role: str) -> list[int]:
        """Ids of the accounts where the address has this role (e.g. the accounts it owns)."""
        return [a.pk for a in self.accounts if any(u.role == role for u in self.users.get(a.pk, ()))]


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
    # Complete by construction (privacy/registry.py inspects every model): the models whose rows
    # this source collects ("app_label.ModelName" or the class), the data categories it holds
    # (privacy.records.DataCategory codes), its legal basis (LegalBasis code) and how long it is kept.
    models: tuple[Any, ...] = ()
    categories: tuple[str, ...] = ()
    legal_basis: str = ""
    retention: str | Promise | None = None
    # An account-scoped source's records for every account at once, by account id, without
    # switching schema per account (one query per source over all schemas, e.g. a UNION ALL from
    # privacy.services.across). Without it the export runs `collect` inside each account's schema.
    collect_across: Callable[[Across], Mapping[int, list[dict[str, Any]]]] | None = None


_sources: dict[str, Source] = {}
# Models that hold no personal data although a field's name suggests it, each with the reason.
_free: dict[str, str | Promise] = {}


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


def model_label(model: Any) -> str:
    """ "app_label.ModelName" of a model class or of such a string (proxies count as their model)."""
    if isinstance(model, str):
        return model
    return model._meta.concrete_model._meta.label


def register_no_personal_data(model: Any, *, reason: str | Promise) -> None:
    """Declare that a model holds no personal data although a field's name suggests it, and why
    (e.g. a company's own details)."""
    if not str(reason).strip():
        raise ValueError(f"{model_label(model)}: say why it holds no personal data")
    _free[model_label(model)] = reason


def declared_free() -> dict[str, str | Promise]:
    """model label -> the reason it holds no personal data."""
    return dict(_free)


def covered_models() -> set[str]:
    """Labels of every model some registered source collects."""
    return {model_label(m) for s in _sources.values() for m in s.models}


def verbose_names(model: Any, *names: str, **renamed: str) -> dict[str, str | Promise]:
    """Headings for the readable export taken from the model's own field names:
    `verbose_names(User, "email", joined="date_joined")` -> {"email": _("e-mail"), "joined": _("joined")}."""
    pairs = {**{n: n for n in names}, **renamed}
    return {key: model._meta.get_field(name).verbose_name for key, name in pairs.items()}


# What every source of staff entries (prices, seller profiles, registry versions) says about them.
STAFF_ABOUT = _("Entries you made in our records as a member of our staff.")
STAFF_KEPT = _(
    "Our records name the staff member who made each entry, as proof of who did what; the name stays as "
    "long as the record."
)
STAFF_FIELDS = {
    "record": _("kind of record"),
    "at": _("when (ISO 8601)"),
    "entry": _("what the entry says"),
}
STAFF_LABELS = {"record": _("record"), "at": _("when"), "entry": _("entry")}
