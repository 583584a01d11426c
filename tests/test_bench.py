"""The served-mode helpers in bench/: the page list, the form reader and the result table."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import balancer  # noqa: E402
import steps  # noqa: E402
from common import form_fields, placeholders, read_pages  # noqa: E402

MANIFEST = {
    "expert_pks": [1],
    "assignment_pks": [2],
    "request_pks": [5],
    "run_pks": [6],
    "period_pks": [10],
    "months": ["2026-11"],
    "year": 2026,
}
EXPERT_LOGIN = {
    "assignment_pk": 3,
    "agreement_pk": 4,
    "calendar_token": "t",
    "reportable_assignment_pks": [7, 8],
    "offer_pks": [9],
    "period_pk": 11,
}


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
    # the wave's pages
    assert {"/tilaa/", "/tilaukset/5/", "/palkkiot/", "/palkkiot/ajot/6/"} <= set(urls)
    assert {"/oma/tarjoukset/9/", "/oma/tehtavat/7/"} <= set(urls)
    assert {"/kokemusohjaus/10/", "/kokemusohjaus/11/"} <= set(urls)


def test_the_locust_mix_opens_every_page_of_the_list():
    """Each page template of pages.txt (but the login's and the expert's own documents) is
    one the load test asks for too, so its p95 is measured."""
    mix = (BENCH / "locustfile.py").read_text()
    not_in_mix = {
        "/healthz",
        "/kirjaudu/",
        "/saavutettavuus/",
        "/tuonti/",
        "/tehtavat/",  # the mix filters it, and opens it plain in assignments()
        "/oma/sopimukset/{own_agreement_pk}/pdf/",
        "/oma/tiedot/",
        "/oma/palkkiot/palkkioselvitys.pdf",
        "/raportit/",
    }
    missing = [
        page.template
        for page in read_pages()
        if page.template not in not_in_mix and f'"{page.template.split("?")[0]}' not in mix
    ]
    assert missing == []


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


JUDGED = """Request Count,Failure Count,Requests/s,50%,95%,99%
100,{failures},3.3,44,95,700
"""


@pytest.mark.parametrize(("failures", "exit_code"), [(0, 0), (2, 1)])
def test_summary_prints_the_table_and_fails_on_a_failed_request(tmp_path, failures, exit_code):
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(STATS.format(failures=failures))
    (tmp_path / "locust_judged.csv").write_text(JUDGED.format(failures=failures))
    result = subprocess.run(
        [sys.executable, str(BENCH / "summary.py"), str(stats), "--markdown"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == exit_code, result.stderr
    assert "| GET /oma/ | 100 | " + str(failures) + " | 3.3 | 40 | 90 | 150 | ok |" in result.stdout
    assert (
        "| GET /raportit/vienti/pdf/?year={year} | 10 | 0 | 0.3 | 600 | 1200 | 1200 | over 300 |"
        in (result.stdout)
    )
    # Locust's aggregate has the logins in it: shown, not judged; the rest are judged
    assert "| **Aggregated** | 110 | " + str(failures) + " | 3.6 | 45 | 300 | 900 |  |" in (
        result.stdout
    )
    judged = "| **all but the login** | 100 | " + str(failures) + " | 3.3 | 44 | 95 | 700 | ok |"
    assert judged in result.stdout


DOCS_NGINX = (BENCH.parent / "docs" / "deployment.md").read_text()


def test_the_balancer_runs_the_deployment_guides_nginx_on_the_loopback(tmp_path):
    documented = balancer.deployment_config(DOCS_NGINX)
    config = balancer.benchmark_config(documented, 8765, [8766, 8767], tmp_path)
    assert "    server 127.0.0.1:8766;\n    server 127.0.0.1:8767;\n    keepalive 16;" in config
    assert "listen 127.0.0.1:8765;" in config
    assert "ssl" not in config and "return 301" not in config
    assert f"access_log {tmp_path}/kokemus.access.log kokemus;" in config
    # what the guide says about proxying is used as it is
    location = documented[documented.index("    location / {") :]
    assert location.rstrip("}\n") in config


def _step(p95: float, rate: float, **cpus) -> steps.Step:
    step = steps.Step(pace=1, started=0, times=[p95 / 2] * 94 + [p95] * 6, rate=rate)
    step.cpus = dict.fromkeys((*steps.GROUPS, "machine"), 0.1) | cpus
    return step


def test_the_ceiling_is_the_last_rate_under_the_limit_and_names_the_busiest():
    saturated = {"app": 1.5, "postgresql": 0.3, "locust": 0.2, "machine": 1.95}
    found = steps.verdict(
        [_step(80, 20, **saturated), _step(150, 40, **saturated), _step(400, 45, **saturated)],
        cpus=2,
        limit_ms=200,
    )
    assert found.startswith("ceiling: p95 passed 200 ms at 45.0 req/s (p95 400 ms)")
    assert "the last rate under it 40.0 req/s" in found
    assert found.endswith("Bottleneck: the app's CPU (gunicorn).")
    database = {"app": 0.6, "postgresql": 1.2, "machine": 1.9}
    assert steps.bottleneck(_step(400, 45, **database), cpus=2) == "PostgreSQL"
    generator = {"locust": 0.95, "machine": 1.2}
    assert "load generator" in steps.bottleneck(_step(400, 45, **generator), cpus=2)
    assert "not reached" in steps.verdict([_step(80, 20, **saturated)], cpus=2, limit_ms=200)


@pytest.mark.parametrize(
    ("command", "directory", "group"),
    [
        ("postgres: 15/main: postgres kokemus_served 127.0.0.1(5) idle", "/", "postgresql"),
        ("postgres: 15/main: postgres another_db 127.0.0.1(5) idle", "/", None),
        ("postgres: 15/main: checkpointer ", "/", "postgresql"),
        ("python -m gunicorn --config python:kokemus.gunicorn_config", "ROOT", "app"),
        ("python -m gunicorn --config python:kokemus.gunicorn_config", "/elsewhere", None),
        ("python -m kokemus.pdf_renderer", "ROOT", "app"),
        ("python manage.py worker --no-reload", "ROOT", "app"),
        ("nginx: worker process", "/", "nginx"),
    ],
)
def test_cpu_is_counted_for_this_benchmarks_processes_only(monkeypatch, command, directory, group):
    monkeypatch.setattr(steps, "DATABASE", "kokemus_served")
    where = str(steps.ROOT) if directory == "ROOT" else directory
    assert steps.classify(command, where) == group


@pytest.mark.django_db
def test_verify_writes_finds_each_kind_of_lost_write(people_and_lines):
    import verify_writes

    from orders.models import Request
    from tests.orders.factories import RequestFactory

    prefix = "Kuormitustesti 1"
    RequestFactory(description=f"{prefix}-a")
    RequestFactory(description=f"{prefix}-unconfirmed")
    assert verify_writes.request_problems(
        [
            {"kind": "request", "marker": f"{prefix}-a"},
            {"kind": "request", "marker": f"{prefix}-b"},
        ],
        prefix,
    ) == [
        f"request {prefix}-b: 0 rows, expected exactly 1",
        f"request {prefix}-unconfirmed: never confirmed",
    ]
    assert Request.objects.count() == 2

    line = people_and_lines
    key = {
        "expert_pk": line.participation.expert_id,
        "assignment_pk": line.participation.assignment_id,
    }
    reports = [
        {"kind": "hours_report", "marker": f"{prefix}-1", "hours": "3"} | key,
        {"kind": "hours_report", "marker": f"{prefix}-2", "hours": "2"} | key,
    ]
    assert verify_writes.report_problems(reports, prefix) == []  # the last report is the line
    lost = reports + [{"kind": "hours_report", "marker": f"{prefix}-3", "hours": "4"} | key]
    (problem,) = verify_writes.report_problems(lost, prefix)
    assert f"hours report {prefix}-3" in problem and "the last report said 4 hours" in problem


@pytest.fixture
def people_and_lines(db):
    """An expert's current hours report line whose comment is the second report's marker."""
    import datetime
    from decimal import Decimal

    from payroll import services
    from tests.factories import AgreementFactory
    from tests.payroll.conftest import book

    agreement = AgreementFactory()
    (participation,) = book([agreement], date=datetime.date(2025, 3, 10))
    services.line_submit(
        participation=participation,
        hours=Decimal("3"),
        comment="Kuormitustesti 1-1",
        today=datetime.date(2025, 4, 15),
    )
    return services.line_submit(
        participation=participation,
        hours=Decimal("2"),
        comment="Kuormitustesti 1-2",
        today=datetime.date(2025, 4, 15),
    )


def test_cpu_of_a_process_that_ended_is_not_taken_back():
    start = {("machine", 0): 1000, ("app", 10): 500, ("postgresql", 20): 300}
    end = {("machine", 0): 1400, ("app", 10): 700, ("postgresql", 21): 50}
    used = steps.cpus_used(start, end, seconds=2, tick=100)
    assert used == {"app": 1.0, "postgresql": 0.25, "nginx": 0, "locust": 0, "machine": 2.0}


def test_a_machine_busy_with_other_work_is_named_so():
    busy = _step(400, 45, app=0.3, postgresql=0.1, locust=0.05, machine=2.0)
    assert "other work on the machine" in steps.bottleneck(busy, cpus=2)


def test_summary_without_the_judged_aggregate_says_so_and_judges_none(tmp_path):
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(STATS.format(failures=0))
    result = subprocess.run(
        [sys.executable, str(BENCH / "summary.py"), str(stats)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "No locust_judged.csv: the aggregate is not judged." in result.stderr
    assert "all but the login" not in result.stdout
    assert "over 100" not in result.stdout  # Locust's own aggregate, logins in it, is not judged
