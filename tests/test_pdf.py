import io

import pytest
from django.core.cache import cache
from pypdf import PdfReader

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
