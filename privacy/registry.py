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

from typing import Any

from django.utils.translation import gettext_lazy as _

# The registry itself is core's, so apps below the privacy desk can register their sources too.
from core.personal_data import EraseResult, Scope, Source, register, registered, unregister
from privacy.readable import describe as described

__all__ = ["EraseResult", "Scope", "Source", "describe", "register", "sources", "unregister"]


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
