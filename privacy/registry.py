"""Where personal data lives, by e-mail address (the registry is core.personal_data's).

Each source declares, once, how to collect everything it holds about one address and how to
erase it. A source lives either in the public schema or in every account schema; the export and
the erasure walk all of them. Adding a source is a few lines in the owning app, e.g.:

    from core.personal_data import Source, register

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

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models as db
from django.utils.translation import gettext_lazy as _

# The registry itself is core's, so apps below the privacy desk can register their sources too.
from core.personal_data import (
    EraseResult,
    Scope,
    Source,
    covered_models,
    declared_free,
    model_label,
    register,
    registered,
    unregister,
)
from privacy.readable import describe as described

__all__ = [
    "EraseResult",
    "Scope",
    "Source",
    "describe",
    "personal_fields",
    "project_models",
    "register",
    "sources",
    "unregister",
    "unregistered_personal_models",
]


def sources() -> list[Source]:
    """Every source: the desk's own (privacy/sources.py, registered by PrivacyConfig.ready()) and
    every other app's."""
    return registered()


def describe() -> dict[str, Any]:
    """The described schema of the export, one entry per source, in the active language."""
    return {s.key: described(s) for s in sources()}


KEPT_PRIVACY_RECORDS = _(
    "Records of how we handled your data-protection requests are kept as proof of compliance (GDPR Art. 5(2))."
)


# Field names that hint at personal data: a name, an address of any kind, a phone number, an IP
# address, a browser, card or PayPal details, free text that may be about a person, or who did
# something (`created_by`, `changed_by`: a staff member's or a user's e-mail).
PERSONAL_NAME = re.compile(
    r"e_?mail|name|address|street|postcode|phone|(^|_)ip($|_)|user_agent|card|last4|paypal|payer|"
    r"recipient|sender|buyer|note|text|comment|evidence|reason|body|actor_label|^actor$|staff|_by$"
)
PERSONAL_TYPES = (db.EmailField, db.GenericIPAddressField)


def personal_fields(model: type[db.Model]) -> list[str]:
    """The model's own fields that look like personal data, by type or by name."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, PERSONAL_TYPES) or (not f.is_relation and PERSONAL_NAME.search(f.name))
    ]


def project_models() -> list[type[db.Model]]:
    """Every installed model defined in this project (not in a third-party package)."""
    root = Path(settings.BASE_DIR).resolve()
    found = []
    for model in apps.get_models():
        module = __import__(model.__module__, fromlist=["__file__"])
        path = Path(module.__file__ or "").resolve()
        if path.is_relative_to(root) and ".venv" not in path.parts and "site-packages" not in path.parts:
            found.append(model)
    return found


def unregistered_personal_models(models: Iterable[type[db.Model]]) -> dict[str, list[str]]:
    """Of the given models, those with personal-looking fields that no source collects and that
    are not declared free of personal data: model label -> its personal-looking fields."""
    known = covered_models() | set(declared_free())
    return {model_label(m): fields for m in models if (fields := personal_fields(m)) and model_label(m) not in known}
