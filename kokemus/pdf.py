"""PDF documents from Django templates with WeasyPrint (agreements, reports, fee statements).

PDF templates use only local resources: relative URLs resolve inside static/, and charts are
inline SVG, so a PDF renders the same in a closed network.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML

STATIC_BASE_URL = (settings.BASE_DIR / "static").as_uri() + "/"


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes; ``<link href="css/pdf.css">`` finds static/css/pdf.css."""
    html = render_to_string(template_name, context | {"organisation": settings.ORGANISATION_NAME})
    return HTML(string=html, base_url=STATIC_BASE_URL).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
