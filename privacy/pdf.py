"""The export's readable PDF, with the Art. 15(1)(a)-(h) cover letter. One FontConfiguration
for the process: WeasyPrint's memory stays flat when it is reused."""

import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from privacy import readable, registry
from privacy.letter import art15_letter
from privacy.models import PrivacyRequest
from privacy.registry import Scope, Source

FONT_CONFIG = FontConfiguration()
# WeasyPrint logs every layout step at INFO; the portal's log is not the place for that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


# The export's own fields (its date), read like any source's.
ABOUT_EXPORT = Source(key="export", label="", scope=Scope.PUBLIC, collect=lambda email: [], kept_reason="")


def _sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One section per source, with the account as a column: a person in hundreds of accounts
    gets one long table instead of hundreds of small ones (much faster to lay out). Headings and
    values read in the active language (privacy/readable.py)."""
    by_key = {s.key: s for s in registry.sources()}
    places: dict[str, list[dict[str, Any]]] = {}
    for place in data["data"]:
        places.setdefault(place["source"], []).append(place)
    # A source gone from the registry since the data was collected still prints, under its label.
    return [readable.section(by_key.get(key) or _unknown(key, found[0]), found) for key, found in places.items()]


def _unknown(key: str, place: dict[str, Any]) -> Source:
    reason = place["kept_by_law"] or ""
    return Source(key=key, label=place["label"], scope=Scope.PUBLIC, collect=lambda email: [], kept_reason=reason)


def export_pdf_render(*, request: PrivacyRequest, data: dict[str, Any]) -> bytes:
    with translation.override(request.language):
        html = render_to_string(
            "privacy/export_pdf.html",
            {
                "req": request,
                "data": data,
                "sections": _sections(data),
                "generated": readable.value(ABOUT_EXPORT, "generated_at", data["generated_at"])[0],
                "letter": art15_letter(language=request.language, data=data),
            },
        )
    return HTML(string=html).write_pdf(font_config=FONT_CONFIG)
