"""The export's readable PDF, with the Art. 15(1)(a)-(h) cover letter. One FontConfiguration
for the process: WeasyPrint's memory stays flat when it is reused."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from privacy.models import PrivacyRequest
from privacy.selectors import register_summary

FONT_CONFIG = FontConfiguration()


def export_pdf_render(*, request: PrivacyRequest, data: dict[str, Any]) -> bytes:
    with translation.override(request.language):
        html = render_to_string(
            "privacy/export_pdf.html",
            {"req": request, "data": data, "register": register_summary(request.language)},
        )
    return HTML(string=html).write_pdf(font_config=FONT_CONFIG)
