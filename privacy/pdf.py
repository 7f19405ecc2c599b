"""The export's readable PDF, with the Art. 15(1)(a)-(h) cover letter. One FontConfiguration
for the process: WeasyPrint's memory stays flat when it is reused."""

import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from privacy.models import PrivacyRequest
from privacy.selectors import register_summary

FONT_CONFIG = FontConfiguration()
# WeasyPrint logs every layout step at INFO; the portal's log is not the place for that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One table per source, with the account as a column: a person in hundreds of accounts
    gets one long table instead of hundreds of small ones (much faster to lay out)."""
    sections: dict[str, dict[str, Any]] = {}
    for place in data["data"]:
        section = sections.setdefault(
            place["source"],
            {
                "label": place["label"],
                "kept_by_law": place["kept_by_law"],
                "columns": [],
                "rows": [],
                "by_account": False,
            },
        )
        for record in place["records"]:
            if not section["columns"]:
                section["columns"] = list(record.keys())
            section["by_account"] = section["by_account"] or bool(place["account"])
            section["rows"].append((place["account"], [record.get(c) for c in section["columns"]]))
    return list(sections.values())


def export_pdf_render(*, request: PrivacyRequest, data: dict[str, Any]) -> bytes:
    with translation.override(request.language):
        html = render_to_string(
            "privacy/export_pdf.html",
            {
                "req": request,
                "data": data,
                "sections": _sections(data),
                "register": register_summary(request.language),
            },
        )
    return HTML(string=html).write_pdf(font_config=FONT_CONFIG)
