"""PDF documents from Django templates with WeasyPrint (agreements, reports, fee statements).

PDF templates use only local resources: relative URLs resolve inside static/, and charts are
inline SVG, so a PDF renders the same in a closed network.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML

STATIC_BASE_URL = (settings.BASE_DIR / "static").as_uri() + "/"
# A reused PDF is kept this long; its key is its HTML, so it is never out of date with the data.
REUSE_SECONDS = 60 * 60


def render_pdf(template_name: str, context: dict, *, reuse: bool = False) -> bytes:
    """Render a template to PDF bytes; ``<link href="css/pdf.css">`` finds static/css/pdf.css.

    ``reuse``: keep the PDF in the cache under a hash of its HTML. WeasyPrint takes about a
    second for the monthly report, the HTML some milliseconds; the same figures, language and
    date give the same HTML, so a repeated download skips WeasyPrint and any change in the
    data makes a new PDF.
    """
    html = render_to_string(template_name, context | {"organisation": settings.ORGANISATION_NAME})
    if not reuse:
        return _write_pdf(html)
    key = "pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _write_pdf(html)
        cache.set(key, pdf, REUSE_SECONDS)
    return pdf


def _write_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=STATIC_BASE_URL).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
