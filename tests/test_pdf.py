import io
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML

from kokemus import pdf
from kokemus.pdf import STATIC_BASE_URL, pdf_response, render_pdf
from kokemus.pdf_renderer import (
    COMMAND,
    NICENESS,
    Renderer,
    RendererError,
    read_frame,
    write_frames,
)


@pytest.fixture
def pdf_template(tmp_path, settings):
    (tmp_path / "doc.html").write_text(
        '<html><head><link rel="stylesheet" href="css/pdf.css"></head>'
        "<body><h1>Toimeksiantosopimus {{ organisation }}</h1><p>Äänekoski</p></body></html>",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path]}
    ]
    settings.ORGANISATION_NAME = "Soite"
    return "doc.html"


def test_render_pdf_makes_a_real_pdf_with_the_text(pdf_template):
    pdf = render_pdf(pdf_template, {})
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "Toimeksiantosopimus Soite" in text
    assert "Äänekoski" in text
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.3, abs=1)  # A4


def test_pdf_response_names_the_file():
    response = pdf_response(b"%PDF-1.7", "sopimus.pdf", inline=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sopimus.pdf"'


def test_a_reused_pdf_comes_from_the_cache_and_follows_its_html(pdf_template, settings):
    cache.clear()
    first = render_pdf(pdf_template, {}, reuse=True)
    assert len(cache._cache) == 1  # LocMemCache: one PDF kept under its HTML's hash
    assert render_pdf(pdf_template, {}, reuse=True) == first
    settings.ORGANISATION_NAME = "Eksote"  # other HTML: a new PDF, not the kept one
    other = render_pdf(pdf_template, {}, reuse=True)
    assert "Eksote" in PdfReader(io.BytesIO(other)).pages[0].extract_text()
    assert len(cache._cache) == 2


def _running(pid: int) -> bool:
    """Alive and not a zombie (in a container nobody may reap the orphan)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def _ended(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _running(pid)


needs_proc = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")


@pytest.fixture
def make_renderer():
    """Renderers of a test's own, stopped at its end."""
    renderers = []

    def make(*, renders_per_process=200, timeout=60, command=COMMAND):
        renderer = Renderer(
            renders_per_process=renders_per_process, timeout=timeout, command=command
        )
        renderers.append(renderer)
        return renderer

    yield make
    for renderer in renderers:
        renderer.close()


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@needs_proc
def test_pdfs_render_in_a_renderer_process_that_is_replaced_when_it_dies(pdf_template):
    render_pdf(pdf_template, {})
    renderer = pdf._renderer.pid
    assert renderer != os.getpid()
    os.kill(renderer, signal.SIGKILL)  # between two PDFs: the next one never notices
    assert _ended(renderer)
    assert "Toimeksiantosopimus Soite" in _text(render_pdf(pdf_template, {}))
    assert pdf._renderer.pid not in (None, renderer)


def test_the_renderer_yields_the_cpu_to_the_pages(make_renderer):
    renderer = make_renderer()
    assert renderer.html_to_pdf("<p>Kokemus</p>", STATIC_BASE_URL).startswith(b"%PDF-")
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, renderer.pid) == min(own + NICENESS, 19)


def test_the_renderer_makes_the_very_pdf_weasyprint_makes_here(pdf_template):
    html = render_to_string(pdf_template, {"organisation": "Soite"})
    here = HTML(string=html, base_url=STATIC_BASE_URL).write_pdf()
    assert render_pdf(pdf_template, {}) == here
    # and it found the stylesheet (static/css/pdf.css, relative to the base URL) and its font
    page = PdfReader(io.BytesIO(here)).pages[0]
    fonts = [str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    assert any(font.endswith("+DejaVu-Sans") for font in fonts)
    assert float(page.mediabox.height) == pytest.approx(841.9, abs=1)  # A4


def test_weasyprint_s_problems_reach_the_server_s_log(make_renderer, caplog):
    html = '<link rel="stylesheet" href="css/puuttuu.css"><p style="colr: red">Kokemus</p>'
    pdf = make_renderer().html_to_pdf(html, STATIC_BASE_URL)
    assert pdf.startswith(b"%PDF-")
    problems = [(r.name, r.levelname, r.getMessage()[:30]) for r in caplog.records]
    assert ("weasyprint", "ERROR", "Failed to load stylesheet at f") in problems
    assert ("weasyprint", "WARNING", "Ignored `colr: red` at 1:1, un") in problems


def test_html_that_weasyprint_cannot_render_is_an_error_and_the_renderer_goes_on(make_renderer):
    renderer = make_renderer()
    with pytest.raises(RendererError, match="WeasyPrint could not render the PDF"):
        # WeasyPrint 70 cannot size such a font (OverflowError).
        renderer.html_to_pdf('<p style="font-size: 1e308px">Kokemus</p>', STATIC_BASE_URL)
    pid = renderer.pid
    assert renderer.html_to_pdf("<p>Kokemus</p>", STATIC_BASE_URL).startswith(b"%PDF-")
    assert renderer.pid == pid


# Reads the request, then dies as if WeasyPrint crashed (or the kernel's OOM killer struck);
# the next process started by the same command, seeing the marker file, is a real renderer.
CRASHES_IN_ITS_FIRST_RENDER = """
import os, pathlib, runpy, signal, sys
from kokemus.pdf_renderer import read_frame
marker = pathlib.Path(sys.argv[1])
if not marker.exists():
    marker.touch()
    read_frame(sys.stdin.buffer), read_frame(sys.stdin.buffer)
    os.kill(os.getpid(), signal.SIGKILL)
runpy.run_module("kokemus.pdf_renderer", run_name="__main__")
"""


# Reads the request, then dies, every time.
DIES_IN_EVERY_RENDER = """
import os, signal, sys
from kokemus.pdf_renderer import read_frame
read_frame(sys.stdin.buffer), read_frame(sys.stdin.buffer)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_renderer_killed_mid_render_is_replaced_and_the_pdf_made_by_the_new_one(
    make_renderer, tmp_path
):
    marker = tmp_path / "crashed"
    command = [sys.executable, "-c", CRASHES_IN_ITS_FIRST_RENDER, str(marker)]
    renderer = make_renderer(command=command)
    assert "Kokemus" in _text(renderer.html_to_pdf("<p>Kokemus</p>", STATIC_BASE_URL))
    assert marker.exists()  # the first renderer did die on this very request


def test_html_that_kills_every_renderer_fails_that_pdf_and_the_next_gets_a_new_one(
    make_renderer,
):
    renderer = make_renderer(command=[sys.executable, "-c", DIES_IN_EVERY_RENDER])
    with pytest.raises(RendererError, match=r"ended during the render \(exit status -9\)"):
        renderer.html_to_pdf("<p>Kokemus</p>", STATIC_BASE_URL)
    assert renderer.pid is None  # reaped, not left a zombie


@needs_proc
def test_a_renderer_that_takes_too_long_is_stopped(make_renderer):
    hangs = [sys.executable, "-c", "import time; time.sleep(60)"]
    renderer = make_renderer(timeout=1, command=hangs)
    started = time.monotonic()
    with pytest.raises(RendererError, match="took longer than 1 s and was stopped"):
        renderer.html_to_pdf("<p>Kokemus</p>", STATIC_BASE_URL)
    assert time.monotonic() - started < 10
    assert renderer.pid is None


@needs_proc
def test_a_fresh_renderer_takes_over_after_its_share_of_pdfs(make_renderer):
    renderer = make_renderer(renders_per_process=2)
    renderer.html_to_pdf("<p>1</p>", STATIC_BASE_URL)
    first = renderer.pid
    renderer.html_to_pdf("<p>2</p>", STATIC_BASE_URL)
    assert renderer.pid is None  # retired after its second PDF
    assert not _running(first)
    assert "3" in _text(renderer.html_to_pdf("<p>3</p>", STATIC_BASE_URL))
    assert renderer.pid not in (None, first)


def test_threads_share_one_renderer_and_each_gets_its_own_pdf(make_renderer):
    renderer = make_renderer()
    with ThreadPoolExecutor(max_workers=4) as threads:
        pdfs = list(
            threads.map(
                lambda n: renderer.html_to_pdf(f"<p>Asiakirja {n}</p>", STATIC_BASE_URL),
                range(8),
            )
        )
    assert [_text(pdf).strip() for pdf in pdfs] == [f"Asiakirja {n}" for n in range(8)]


def test_the_renderer_answers_a_bad_request_with_an_error_and_ends_with_its_stdin():
    with subprocess.Popen(
        COMMAND, cwd=settings.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as renderer:
        write_frames(renderer.stdin, STATIC_BASE_URL.encode(), b"<p>\xff</p>")  # not UTF-8
        answer = read_frame(renderer.stdout)
        assert answer[:1] == b"E"
        assert b"UnicodeDecodeError" in answer
        write_frames(renderer.stdin, STATIC_BASE_URL.encode(), "<p>Äänekoski</p>".encode())
        answer = read_frame(renderer.stdout)
        assert answer[:1] == b"P"
        assert "Äänekoski" in _text(answer[1:])
        renderer.stdin.close()
        assert renderer.wait(10) == 0


RENDER_THEN_WAIT = """
import django, sys, time
django.setup()
from kokemus import pdf
pdf._write_pdf("<p>Kokemus</p>")
print(pdf._renderer.pid, flush=True)
time.sleep(60)
"""


@needs_proc
def test_the_renderer_ends_when_its_server_process_is_killed():
    with subprocess.Popen(
        [sys.executable, "-c", RENDER_THEN_WAIT],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "kokemus.settings"},
        stdout=subprocess.PIPE,
        text=True,
    ) as server:
        line = server.stdout.readline()
        assert line.strip().isdigit(), "the server process did not render"
        renderer_pid = int(line)
        assert _running(renderer_pid)
        server.kill()  # as gunicorn kills a worker past its timeout: no atexit, no cleanup
    assert _ended(renderer_pid)
