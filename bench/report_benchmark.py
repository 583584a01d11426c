"""Benchmark of the monthly report on PostgreSQL (not a test; see docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/report_benchmark.py --sizes 10000 100000 1000000

Creates a scratch database (``kokemus_bench_reports`` on the server of DATABASE_URL), migrates
it, and for each size fills it with that many assignments in bulk SQL (generate_series), dated
evenly over ``--years`` years ending with ``--year``, in the order they were entered (ids grow
with dates). It then times ``monthly_figures(year)`` against one hand-written SQL GROUP BY over
the same rows, and prints both, their ratio and the query count.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")

BENCH_DB = "kokemus_bench_reports"  # the default scratch database (--database)

# One GROUP BY over the year's counted assignments and their participations: the figures of the
# monthly table (assignments, participations, hours, fees, active experts) per month.
RAW_SQL = """
SELECT EXTRACT(MONTH FROM a.date) AS month,
       COUNT(DISTINCT a.id), COUNT(p.id),
       SUM(COALESCE(p.hours, a.hours)) FILTER (WHERE p.id IS NOT NULL),
       SUM(COALESCE(p.hours, a.hours) * COALESCE(ag.hourly_fee, 0)),
       COUNT(DISTINCT p.expert_id)
FROM agreements_assignment a
LEFT JOIN agreements_participation p ON p.assignment_id = a.id
LEFT JOIN agreements_agreement ag ON ag.id = p.agreement_id
WHERE a.date >= %(start)s AND a.date < %(end)s AND a.status <> 'cancelled'
GROUP BY 1 ORDER BY 1
"""

FILL_SQL = """
TRUNCATE agreements_participation, agreements_assignment, agreements_agreement,
         supervision_attendance, supervision_supervisionsession, supervision_groupmembership,
         supervision_supervisiongroup, registry_expert RESTART IDENTITY CASCADE;

INSERT INTO registry_expert (id, first_name, last_name, email, phone, municipality, kind, trained,
    training_organisation, availability, status, created_at, updated_at, version)
SELECT i, 'Etu' || i, 'Suku' || i, '', '', '', 'expert', false, '', '', 'active', now(), now(), 1
FROM generate_series(1, %(experts)s) AS i;

-- one signed agreement per expert (id = expert id), signed evenly over the period
INSERT INTO agreements_agreement (id, number, expert_id, division_id, status, signed_on,
    valid_from, hourly_fee, assignment_fee, travel_compensation, duties, notes, version,
    created_at, updated_at)
SELECT i, 'B-' || i, i, (%(divisions)s::int[])[1 + i %% %(n_divisions)s], 'active',
       %(start)s::date + (i * 7919) %% %(days)s, %(start)s::date, 20 + i %% 3 * 5, 0, 0, '', '', 1,
       now(), now()
FROM generate_series(1, %(experts)s) AS i;

INSERT INTO agreements_assignment (id, title, type_id, service_area_id, date, hours, location,
    status, description, version, created_at, updated_at)
SELECT i, 'Tehtävä', (%(types)s::int[])[1 + i %% %(n_types)s],
       (%(areas)s::int[])[1 + (i / 7) %% %(n_areas)s],
       %(start)s::date + (i::bigint * %(days)s / (%(assignments)s + 1))::int, 1 + i %% 4 * 0.75, '',
       CASE WHEN i %% 10 = 0 THEN 'cancelled' WHEN i %% 2 = 0 THEN 'done' ELSE 'planned' END,
       '', 1, now(), now()
FROM generate_series(1, %(assignments)s) AS i;

-- 1 to 3 experts per assignment (2 on average), each under their agreement
INSERT INTO agreements_participation (assignment_id, expert_id, agreement_id, hours)
SELECT i, e, e, CASE WHEN i %% 10 = 3 THEN 1.5 END
FROM generate_series(1, %(assignments)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 31 + j * 17) %% %(experts)s AS e
              FROM generate_series(0, i %% 3) AS j) AS chosen;

INSERT INTO supervision_supervisiongroup (id, name, kind, division_id, supervisor_name,
    supervisor_peer_experience, is_active)
SELECT g, 'Ryhmä ' || g, 'joint', (%(divisions)s::int[])[1 + g %% %(n_divisions)s], 'Ohjaaja', '',
       true
FROM generate_series(1, 20) AS g;

INSERT INTO supervision_groupmembership (group_id, expert_id)
SELECT g, 1 + (g * 10 + m) %% %(experts)s FROM generate_series(1, 20) g, generate_series(0, 9) m;

INSERT INTO supervision_supervisionsession (id, group_id, date, duration_minutes, facilitator,
    location, notes)
SELECT s, 1 + s %% 20, %(start)s::date + (s * 13) %% %(days)s, 90, '', '', ''
FROM generate_series(1, %(sessions)s) AS s;

INSERT INTO supervision_attendance (session_id, membership_id, present)
SELECT s.id, m.id, (s.id + m.id) %% 5 <> 0
FROM supervision_supervisionsession s JOIN supervision_groupmembership m USING (group_id);
"""


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_scratch_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return _database_url(admin_url, name)


def fill(connection, url: str, *, assignments: int, first_year: int, year: int) -> None:
    import datetime

    from registry.models import AssignmentType, ServiceArea

    start = datetime.date(first_year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - start).days
    types = list(AssignmentType.objects.values_list("pk", flat=True))
    areas = list(ServiceArea.objects.values_list("pk", flat=True))
    divisions = list(ServiceArea.objects.filter(parent=None).values_list("pk", flat=True))
    params = {
        "experts": max(50, assignments // 20),
        "assignments": assignments,
        "sessions": max(10, assignments // 100),
        "start": start,
        "days": days,
        "types": types,
        "n_types": len(types),
        "areas": areas,
        "n_areas": len(areas),
        "divisions": divisions,
        "n_divisions": len(divisions),
    }
    with connection.cursor() as cursor:
        for statement in FILL_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
    # Fresh statistics and visibility map, as autovacuum would leave them in production.
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")


def timed(function, repeat: int) -> tuple[float, float]:
    """Best and median wall-clock time; on a shared machine the best is the steadier figure."""
    function()  # warm the cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--years", type=int, default=5, help="years of history the data spans")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="time the data already in the scratch database"
    )
    parser.add_argument("--database", default=BENCH_DB, help="name of the scratch database")
    args = parser.parse_args()

    admin_url = os.environ.get("DATABASE_URL", "")
    if not admin_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a scratch database is created on it).")
    bench_url = (
        _database_url(admin_url, args.database)
        if args.reuse
        else create_scratch_database(admin_url, args.database)
    )
    os.environ["DATABASE_URL"] = bench_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.selectors import monthly_figures

    call_command("migrate", verbosity=0)
    first_year = args.year - args.years + 1
    print(f"PostgreSQL {connection.pg_version // 10000}, data over {first_year}–{args.year}, "
          f"report year {args.year}, best (median) of {args.repeat}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'assignments':>12} {'in year':>9} {'report ms':>16} {'raw SQL ms':>16} "
          f"{'ratio':>6} {'queries':>8}")  # fmt: skip
    if args.reuse:
        from agreements.models import Assignment

        args.sizes = [Assignment.objects.count()]
    for size in args.sizes:
        if not args.reuse:
            fill(connection, bench_url, assignments=size, first_year=first_year, year=args.year)
        year_range = {
            "start": f"{args.year}-01-01",
            "end": f"{args.year + 1}-01-01",
        }

        def raw(year_range=year_range):
            with connection.cursor() as cursor:
                cursor.execute(RAW_SQL, year_range)
                return cursor.fetchall()

        def report():
            return monthly_figures(args.year)

        with CaptureQueriesContext(connection) as queries:
            figures = report()
        raw_rows = raw()
        assert figures.totals.assignments == sum(row[1] for row in raw_rows), "figures differ"
        assert figures.totals.participations == sum(row[2] for row in raw_rows), "figures differ"
        (report_s, report_m), (raw_s, raw_m) = timed(report, args.repeat), timed(raw, args.repeat)
        print(f"{size:>12,} {figures.totals.assignments:>9,} "
              f"{report_s * 1000:>8.0f} ({report_m * 1000:>5.0f}) "
              f"{raw_s * 1000:>8.0f} ({raw_m * 1000:>5.0f}) "
              f"{report_s / raw_s:>6.2f} {len(queries):>8}")  # fmt: skip
        sys.stdout.flush()
    connection.close()


if __name__ == "__main__":
    main()
