"""PDF documents from Django templates with WeasyPrint (agreements, reports, fee statements).

PDF templates use only local resources: relative URLs resolve inside static/, and charts are
inline SVG, so a PDF renders the same in a closed network.

WeasyPrint runs in a renderer process of its own (one per server process, started on first
use), not in the thread that serves the request: a report takes it about half a second of pure
Python, and in the server's process that would hold the interpreter lock, stalling the other
threads' requests and being stalled by them (docs/performance.md "Load test").
"""

import hashlib
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from kokemus.pdf_renderer import exit_with_parent, html_to_pdf

STATIC_BASE_URL = (settings.BASE_DIR / "static").as_uri() + "/"
# A reused PDF is kept this long; its key is its HTML, so it is never out of date with the data.
REUSE_SECONDS = 60 * 60
# A fresh renderer after this many PDFs gives back the memory WeasyPrint leaves behind.
RENDERS_PER_PROCESS = 200


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


_renderer: ProcessPoolExecutor | None = None
_renderer_lock = threading.Lock()


def _write_pdf(html: str) -> bytes:
    """The PDF from the renderer process; once more in a new one if that process died."""
    try:
        return _renderer_pool().submit(html_to_pdf, html, STATIC_BASE_URL).result()
    except BrokenProcessPool:
        _discard_renderer()
        return _renderer_pool().submit(html_to_pdf, html, STATIC_BASE_URL).result()


def _renderer_pool() -> ProcessPoolExecutor:
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            # spawn, not fork: the server's threads and open connections stay behind.
            _renderer = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
                max_tasks_per_child=RENDERS_PER_PROCESS,
            )
        return _renderer


def _discard_renderer() -> None:
    global _renderer
    with _renderer_lock:
        if _renderer is not None:
            _renderer.shutdown(wait=False, cancel_futures=True)
        _renderer = None


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
