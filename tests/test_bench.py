"""The served-mode helpers in bench/: the page list, the form reader and the result table."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from common import form_fields, placeholders, read_pages  # noqa: E402

MANIFEST = {
    "expert_pks": [1],
    "assignment_pks": [2],
    "months": ["2026-11"],
    "year": 2026,
}
EXPERT_LOGIN = {"assignment_pk": 3, "agreement_pk": 4, "calendar_token": "t"}


def test_pages_list_covers_every_role():
    pages = {page.template: page for page in read_pages()}
    assert {page.role for page in pages.values()} == {
        "anonymous",
        "coordinator",
        "evaluation",
        "expert",
    }


def test_every_page_template_has_known_placeholders():
    values = placeholders(MANIFEST, EXPERT_LOGIN)
    urls = [page.template.format(**values) for page in read_pages()]
    assert "/oma/tehtavat/3/" in urls
    assert "/tehtavat/?month=2026-11" in urls


PAGE = """
<form method="post" action="/kirjaudu-ulos/"><input name="csrfmiddlewaretoken" value="a"></form>
<form method="post" action="/i18n/setlang/"><select name="language">
  <option value="fi" selected>suomi</option></select></form>
<form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="b">
  <input type="hidden" name="version" value="3">
  <input name="hours" value="2.00">
  <input type="checkbox" name="notify">
  <select name="experts" multiple>
    <option value="7" selected>Aino</option><option value="8">Eero</option>
    <option value="9" selected>Kalle</option>
  </select>
  <textarea name="description">
Kuormitustesti 1</textarea>
  <button type="submit">Tallenna</button>
</form>
"""


def test_form_fields_reads_the_pages_own_form_as_a_browser_submits_it():
    assert form_fields(PAGE) == [
        ("csrfmiddlewaretoken", "b"),
        ("version", "3"),
        ("hours", "2.00"),
        ("experts", "7"),
        ("experts", "9"),
        ("description", "Kuormitustesti 1"),
    ]


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,\
90%,95%,98%,99%,99.9%,99.99%,100%
GET,/oma/,100,{failures},40,45,20,300,5000,3.3,0,40,45,50,55,70,90,120,150,300,300,300
GET,/raportit/vienti/pdf/?year={{year}},10,0,600,650,500,900,90000,0.3,0,600,650,700,700,800,1200,\
1200,1200,1200,1200,1200
,Aggregated,110,{failures},45,80,20,900,9000,3.6,0,45,50,55,60,80,300,700,900,1200,1200,1200
"""


@pytest.mark.parametrize(("failures", "exit_code"), [(0, 0), (2, 1)])
def test_summary_prints_the_table_and_fails_on_a_failed_request(tmp_path, failures, exit_code):
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(STATS.format(failures=failures))
    result = subprocess.run(
        [sys.executable, str(BENCH / "summary.py"), str(stats), "--markdown"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == exit_code, result.stderr
    assert "| GET /oma/ | 100 | " + str(failures) + " | 3.3 | 40 | 90 | 150 | ok |" in result.stdout
    assert (
        "| GET /raportit/vienti/pdf/?year={year} | 10 | 0 | 0.3 | 600 | 1200 | 1200 | over 1000 |"
        in (result.stdout)
    )
