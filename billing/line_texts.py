"""The lines the seller words itself, by code: stored as code + parameters on the line and worded
in the reader's language when the document is rendered (a credit note issued from an admin
running in Danish still reads Norwegian for a Norwegian buyer)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

CREDIT_OF_INVOICE = "credit_of_invoice"

LINE_TEXTS = {
    CREDIT_OF_INVOICE: gettext_lazy("Credit of invoice %(number)s"),
}


def line_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The wording of a coded line in the active language."""
    return str(LINE_TEXTS[code]) % dict(params or {})
