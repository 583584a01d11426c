"""PDF documents from Django templates with WeasyPrint (agreements, reports, fee statements).

PDF templates use only local resources: relative URLs resolve inside static/, and charts are
inline SVG, so a PDF renders the same in a closed network.

WeasyPrint runs in a renderer process of its own (one per server process, started on first
use), not in the thread that serves the request: a report takes it about half a second of pure
Python, and in the server's process that would hold the interpreter lock, stalling the other
threads' requests and being stalled by them (docs/performance.md "Load test"). The renderer is
``python -m kokemus.pdf_renderer``, so PDFs render the same from any entry point: the server,
manage.py, a test or a script (with or without ``if __name__ == "__main__":``).
"""

import atexit
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from kokemus.pdf_renderer import Renderer

STATIC_BASE_URL = (settings.BASE_DIR / "static").as_uri() + "/"
# A reused PDF is kept this long; its key is its HTML, so it is never out of date with the data.
REUSE_SECONDS = 60 * 60
# A fresh renderer after this many PDFs gives back the memory WeasyPrint leaves behind.
RENDERS_PER_PROCESS = 200
# A render longer than this gets an error page (RendererError) before gunicorn's own timeout
# (GUNICORN_TIMEOUT, 60 s) would restart the whole worker; a year's report takes about a second.
RENDER_SECONDS = 45


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


_renderer = Renderer(renders_per_process=RENDERS_PER_PROCESS, timeout=RENDER_SECONDS)
# It would end with this process anyway; stopping it first leaves no process to reap.
atexit.register(_renderer.close)


def _write_pdf(html: str) -> bytes:
    return _renderer.html_to_pdf(html, STATIC_BASE_URL)


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
