"""An account event's details as a person reads them in the export (GDPR-6, Art. 12(1)): each
detail under a translated heading, coded values in words, an amount with its currency, internal
row numbers left out (the JSON keeps every detail as recorded). Never a Python dict."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# detail key -> heading; keys not named here are internal (row numbers) and left out
HEADINGS = {
    "before": gettext_lazy("Before"),
    "after": gettext_lazy("After"),
    "kind": gettext_lazy("Kind of document"),
    "number": gettext_lazy("Number"),
    "plan": gettext_lazy("Plan"),
    "cycle": gettext_lazy("Billing cycle"),
    "seats": gettext_lazy("Seats"),
    "attempt": gettext_lazy("Attempt"),
    "gross": gettext_lazy("Amount"),
    "amount": gettext_lazy("Amount"),
}
CODES = {
    "invoice": gettext_lazy("Invoice"),
    "credit_note": gettext_lazy("Credit note"),
    "monthly": gettext_lazy("Monthly"),
    "annual": gettext_lazy("Annual"),
}
# reasons the billing jobs record in English words; read in the reader's language
REASONS = {
    "payment received": gettext_lazy("Payment received"),
    "overdue charges paid": gettext_lazy("Overdue payments received"),
    "renewal unpaid": gettext_lazy("The renewal was not paid"),
    "account can no longer be charged": gettext_lazy("The account can no longer be charged"),
}
INTERNAL = ("document_id", "charge", "currency")


def _amount(raw: Any, currency: Any) -> str:
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    return f"{formats.number_format(number, 2, use_l10n=True, force_grouping=True)} {currency or ''}".strip()


def _shown(key: str, raw: Any, details: Mapping[str, Any]) -> str:
    if key in ("gross", "amount"):
        return _amount(raw, details.get("currency"))
    if isinstance(raw, str) and raw in CODES:
        return str(CODES[raw])
    if key == "plan" and isinstance(raw, str):
        return raw[:1].upper() + raw[1:]
    if isinstance(raw, dict | list):
        return ", ".join(str(v) for v in (raw.values() if isinstance(raw, dict) else raw) if v not in (None, ""))
    return str(raw)


def event_details(details: Any) -> str | None:
    """ "Kind of document: Invoice; Amount: 58,00 USD" in the active language (None: no details)."""
    if not isinstance(details, Mapping):
        return None if details in (None, "") else str(details)
    lines = []
    for key, raw in details.items():
        if key in INTERNAL or raw in (None, ""):
            continue
        heading = HEADINGS.get(key, gettext_lazy("Detail"))
        lines.append(f"{_(str(heading))}: {_shown(key, raw, details)}")
    return "; ".join(lines) or None


def event_reason(reason: Any) -> Any:
    """A reason a job recorded in fixed words, in the reader's language; a person's own words as written."""
    shown = REASONS.get(reason) if isinstance(reason, str) else None
    return str(shown) if shown is not None else reason
