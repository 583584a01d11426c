import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from pypdf import PdfReader

from kokemus import pdf
from kokemus.pdf import pdf_response, render_pdf


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


def _renderer_processes():
    return list(pdf._renderer._processes.values())


def test_pdfs_render_in_a_renderer_process_that_is_replaced_when_it_dies(pdf_template):
    render_pdf(pdf_template, {})
    (renderer,) = _renderer_processes()
    assert renderer.pid != os.getpid()
    renderer.kill()
    renderer.join()
    text = PdfReader(io.BytesIO(render_pdf(pdf_template, {}))).pages[0].extract_text()
    assert "Toimeksiantosopimus Soite" in text
    assert _renderer_processes()[0].pid != renderer.pid


RENDER_THEN_WAIT = """
import django, sys, time
django.setup()
from kokemus import pdf
pdf._write_pdf("<p>Kokemus</p>")
print(list(pdf._renderer._processes)[0], flush=True)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (in a container nobody may reap the orphan)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the process")
def test_the_renderer_ends_when_its_server_process_is_killed():
    # Its resource tracker complains on stderr about the killed process's semaphores.
    with subprocess.Popen(
        [sys.executable, "-c", RENDER_THEN_WAIT],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "kokemus.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as server:
        line = server.stdout.readline()
        assert line.strip().isdigit(), "the server process did not render"
        renderer_pid = int(line)
        assert _running(renderer_pid)
        server.kill()  # as gunicorn kills a worker past its timeout: no atexit, no cleanup
    deadline = time.monotonic() + 10
    while _running(renderer_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(renderer_pid)
