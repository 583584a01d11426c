"""Benchmark of the monthly report on PostgreSQL (not a test; see docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/report_benchmark.py --sizes 10000 100000 1000000

Creates a scratch database (``kokemus_bench_reports`` on the server of DATABASE_URL), migrates
it, and for each size fills it with that many assignments in bulk SQL (generate_series), dated
evenly over ``--years`` years ending with ``--year``, in the order they were entered (ids grow
with dates). It then checks that ``monthly_figures(year)`` gives the same figures as a
hand-written SQL statement (SAME_FIGURES_SQL), times the report against it, and prints the
times, the ratio and the report's query count. The report is timed three ways: counted afresh
(no month kept: what the ratio compares), after a change that reaches one month (the steady
state: that month is counted again, reporting/months.py), and with nothing changed (every
month kept); the figures are checked after the change too. ``--compare FILE`` times another
version of reporting/selectors.py in the same turns (e.g. main's, from ``git show``), for a
before and after measured under the same load (its figures not checked).
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")

BENCH_DB = "kokemus_bench_reports"  # the default scratch database (--database)

# The baseline: the report's figures written by hand in one SQL statement, as one would without
# Kokemus: each table grouped by month with ROLLUP (a NULL month is the year), the assignments
# counted per (month, type, area) and then summed by GROUPING SETS over their type, service area
# and division codes, distinct people with COUNT(DISTINCT), a fee for each participation of a
# done assignment (hours × hourly fee rounded to cents, plus the fee per assignment) unless the
# participation has hours report lines, whose approved ones (with their sign) then pay its fee,
# travel and other costs; the experts paid (and paid travel, other costs) counted as distinct.
# Rows: (kind, grouping, month, type, area, division, count, hours, fees, distinct experts,
# travel, other costs, paid, travelling and with costs experts).
# The benchmark checks that it gives every figure the report gives.
SAME_FIGURES_SQL = """
WITH g AS (
    SELECT EXTRACT(MONTH FROM date)::int AS month, type_id, service_area_id, COUNT(*) AS n
    FROM agreements_assignment
    WHERE date >= %(start)s AND date < %(end)s AND status <> 'cancelled'
    GROUP BY 1, 2, 3
), a AS (
    SELECT g.month, t.code AS type, s.code AS area, COALESCE(d.code, s.code) AS division, g.n
    FROM g
    JOIN registry_assignmenttype t ON t.id = g.type_id
    JOIN registry_servicearea s ON s.id = g.service_area_id
    LEFT JOIN registry_servicearea d ON d.id = s.parent_id
), l AS (
    SELECT participation_id,
           SUM(CASE WHEN status = 'approved' THEN sign * (ROUND(hours * hourly_fee, 2)
               + assignment_fee) ELSE 0 END) AS fee,
           SUM(CASE WHEN status = 'approved' THEN sign * ROUND(kilometres * kilometre_rate, 2)
               ELSE 0 END) AS travel,
           SUM(CASE WHEN status = 'approved' THEN sign * other_costs ELSE 0 END) AS other
    FROM payroll_reportline
    GROUP BY participation_id
), p AS (
    SELECT EXTRACT(MONTH FROM a.date)::int AS month, p.expert_id,
           COALESCE(p.hours, a.hours) AS hours,
           COALESCE(l.fee, CASE WHEN a.status = 'done' THEN ROUND(COALESCE(p.hours, a.hours)
               * COALESCE(ag.hourly_fee, 0), 2) + COALESCE(ag.assignment_fee, 0) ELSE 0 END)
               AS fee,
           COALESCE(l.travel, 0) AS travel, COALESCE(l.other, 0) AS other
    FROM agreements_assignment a
    JOIN agreements_participation p ON p.assignment_id = a.id
    LEFT JOIN agreements_agreement ag ON ag.id = p.agreement_id
    LEFT JOIN l ON l.participation_id = p.id
    WHERE a.date >= %(start)s AND a.date < %(end)s AND a.status <> 'cancelled'
), v AS (
    SELECT EXTRACT(MONTH FROM s.date)::int AS month, m.expert_id
    FROM supervision_attendance t
    JOIN supervision_supervisionsession s ON s.id = t.session_id
    JOIN supervision_groupmembership m ON m.id = t.membership_id
    WHERE s.date >= %(start)s AND s.date < %(end)s AND t.present
)
SELECT 'assignments', GROUPING(month, type, area, division), month, type, area, division,
       SUM(n)::bigint, NULL::numeric, NULL::numeric, NULL::bigint, NULL::numeric, NULL::numeric,
       NULL::bigint, NULL::bigint, NULL::bigint
FROM a
GROUP BY GROUPING SETS ((month), (), (month, type), (type), (month, area), (area),
                        (month, division), (division), (type, division))
UNION ALL
SELECT 'participations', 0, month, NULL, NULL, NULL, COUNT(*), SUM(hours), SUM(fee),
       COUNT(DISTINCT expert_id), SUM(travel), SUM(other),
       COUNT(DISTINCT CASE WHEN fee > 0 THEN expert_id END),
       COUNT(DISTINCT CASE WHEN travel > 0 THEN expert_id END),
       COUNT(DISTINCT CASE WHEN other > 0 THEN expert_id END)
FROM p GROUP BY ROLLUP (month)
UNION ALL
SELECT 'agreements', 0, EXTRACT(MONTH FROM signed_on)::int, NULL, NULL, NULL, COUNT(*), NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM agreements_agreement
WHERE signed_on >= %(start)s AND signed_on < %(end)s
GROUP BY ROLLUP (EXTRACT(MONTH FROM signed_on)::int)
UNION ALL
SELECT 'sessions', 0, EXTRACT(MONTH FROM date)::int, NULL, NULL, NULL, COUNT(*), NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL
FROM supervision_supervisionsession
WHERE date >= %(start)s AND date < %(end)s
GROUP BY ROLLUP (EXTRACT(MONTH FROM date)::int)
UNION ALL
SELECT 'attendances', 0, month, NULL, NULL, NULL, COUNT(*), NULL, NULL, COUNT(DISTINCT expert_id),
       NULL, NULL, NULL, NULL, NULL
FROM v GROUP BY ROLLUP (month)
"""

# A no-op update of the year's last assignment: its month's version rises (reporting/months.py).
CHANGE_A_MONTH_SQL = """
UPDATE agreements_assignment SET hours = hours
WHERE id = (SELECT max(id) FROM agreements_assignment WHERE date < %(end)s)
"""

FILL_SQL = """
TRUNCATE payroll_reportline, agreements_participation, agreements_assignment, agreements_agreement,
         supervision_attendance, supervision_supervisionsession, supervision_groupmembership,
         supervision_supervisiongroup, registry_expert RESTART IDENTITY CASCADE;

INSERT INTO registry_expert (id, first_name, last_name, email, phone, municipality, kind, trained,
    training_organisation, availability, status, created_at, updated_at, version, languages)
SELECT i, 'Etu' || i, 'Suku' || i, '', '', '', 'expert', false, '', '', 'active', now(), now(), 1,
       'fi'
FROM generate_series(1, %(experts)s) AS i;

-- one signed agreement per expert (id = expert id), signed evenly over the period; hourly fees
-- in odd cents (a fee's half cent rounds per participation) and a fee per assignment on every 4th
INSERT INTO agreements_agreement (id, number, expert_id, division_id, status, signed_on,
    valid_from, hourly_fee, assignment_fee, travel_compensation, duties, notes, version,
    created_at, updated_at)
SELECT i, 'B-' || i, i, (%(divisions)s::int[])[1 + i %% %(n_divisions)s], 'active',
       %(start)s::date + (i * 7919) %% %(days)s, %(start)s::date, 20.15 + i %% 3 * 5,
       CASE WHEN i %% 4 = 0 THEN 12.50 ELSE 0 END, 0, '', '', 1, now(), now()
FROM generate_series(1, %(experts)s) AS i;

INSERT INTO agreements_assignment (id, title, type_id, service_area_id, date, hours, location,
    status, description, reached_group, version, created_at, updated_at)
SELECT i, 'Tehtävä', (%(types)s::int[])[1 + i %% %(n_types)s],
       (%(areas)s::int[])[1 + (i / 7) %% %(n_areas)s],
       %(start)s::date + (i::bigint * %(days)s / (%(assignments)s + 1))::int, 1 + i %% 4 * 0.75, '',
       CASE WHEN i %% 10 = 0 THEN 'cancelled' WHEN i %% 2 = 0 THEN 'done' ELSE 'planned' END,
       '', '', 1, now(), now()
FROM generate_series(1, %(assignments)s) AS i;

-- 1 to 3 experts per assignment (2 on average), each under their agreement
INSERT INTO agreements_participation (assignment_id, expert_id, agreement_id, hours)
SELECT i, e, e, CASE WHEN i %% 10 = 3 THEN 1.5 END
FROM generate_series(1, %(assignments)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 31 + j * 17) %% %(experts)s AS e
              FROM generate_series(0, i %% 3) AS j) AS chosen;

-- hours reports of every third assignment's experts: approved on done work (a quarter hour
-- more than recorded, km on most, other costs on every 7th), waiting on planned work (which then
-- pays nothing until approved); on every 99th assignment the paid line was taken back by a
-- reversal and corrected by a new line of half an hour more
INSERT INTO payroll_reportline (status, sign, hours, kilometres, route, other_costs,
    other_costs_description, receipt, comment, return_comment, hourly_fee, assignment_fee,
    kilometre_rate, payroll_class, superseded, version, created_at, updated_at, agreement_id,
    participation_id)
SELECT CASE WHEN a.status = 'done' THEN 'approved' ELSE 'submitted' END, 1,
       COALESCE(p.hours, a.hours) + 0.25, (a.id %% 40)::numeric / 2, '',
       CASE WHEN a.id %% 7 = 0 THEN 12.40 ELSE 0 END,
       CASE WHEN a.id %% 7 = 0 THEN 'Pysäköinti' ELSE '' END, '', '', '', ag.hourly_fee,
       ag.assignment_fee, 0.25, '', a.id %% 99 = 0 AND a.status = 'done', 1, now(), now(),
       ag.id, p.id
FROM agreements_participation p
JOIN agreements_assignment a ON a.id = p.assignment_id
JOIN agreements_agreement ag ON ag.id = p.agreement_id
WHERE a.id %% 3 = 0 AND a.status <> 'cancelled';

INSERT INTO payroll_reportline (status, sign, hours, kilometres, route, other_costs,
    other_costs_description, receipt, comment, return_comment, hourly_fee, assignment_fee,
    kilometre_rate, payroll_class, superseded, version, created_at, updated_at, agreement_id,
    participation_id, reverses_id, corrects_id)
SELECT 'approved', r.sign, l.hours + r.more, l.kilometres, '', l.other_costs,
       l.other_costs_description, '', '', '', l.hourly_fee, l.assignment_fee, l.kilometre_rate,
       '', false, 1, now(), now(), l.agreement_id, l.participation_id,
       CASE WHEN r.sign = -1 THEN l.id END, CASE WHEN r.sign = 1 THEN l.id END
FROM payroll_reportline l, (VALUES (-1, 0), (1, 0.5)) AS r (sign, more)
WHERE l.superseded;

INSERT INTO supervision_supervisiongroup (id, name, kind, division_id, is_active, version)
SELECT g, 'Ryhmä ' || g, 'joint', (%(divisions)s::int[])[1 + g %% %(n_divisions)s], true, 1
FROM generate_series(1, 20) AS g;

INSERT INTO supervision_groupmembership (group_id, expert_id, seniority, version)
SELECT g, 1 + (g * 10 + m) %% %(experts)s, '', 1
FROM generate_series(1, 20) g, generate_series(0, 9) m;

INSERT INTO supervision_supervisionsession (id, group_id, date, duration_minutes, facilitator,
    location, notes, version)
SELECT s, 1 + s %% 20, %(start)s::date + (s::bigint * %(days)s / (%(sessions)s + 1))::int, 90,
       '', '', '', 1
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


def timed_in_turn(functions, repeat: int) -> list[tuple[float, float]]:
    """Best and median wall-clock time of each function, run in turn, so that a change in the
    machine's load falls on all alike; on a shared machine the best is the steadier figure.
    A function given as (prepare, function) has ``prepare()`` run untimed before each run."""
    functions = [f if isinstance(f, tuple) else (None, f) for f in functions]
    for prepare, function in functions:
        if prepare:
            prepare()
        function()  # warm the cache
    times = [[] for _ in functions]
    for _ in range(repeat):
        for (prepare, function), spent in zip(functions, times, strict=True):
            if prepare:
                prepare()
            started = time.perf_counter()
            function()
            spent.append(time.perf_counter() - started)
    return [(min(spent), statistics.median(spent)) for spent in times]


def _empty_month() -> dict:
    return {
        "new_agreements": 0, "assignments": 0, "participations": 0, "hours": "0.00",
        "fees": "0.00", "travel": "0.00", "other_costs": "0.00",
        "active_experts": 0, "by_type": {}, "by_service_area": {},
        "by_division": {}, "supervision_sessions": 0, "supervision_attendances": 0,
        "supervision_experts": 0,
        # the generated data records no people reached (a figure of its own query, issue 20)
        "people_reached": 0, "people_reached_by_type": {}, "people_reached_by_group": {},
    }  # fmt: skip


def _cents(value) -> str:
    return f"{Decimal(value or 0).quantize(Decimal('0.01'))}"


def same_figures(rows, year: int) -> tuple[dict, dict, dict]:
    """SAME_FIGURES_SQL's rows in the report's JSON shape, the type × division table, and the
    experts paid, paid travel and paid other costs by month (None: the year), which the JSON
    leaves out."""
    months = {number: _empty_month() for number in range(1, 13)}
    totals, type_by_division = _empty_month(), {}
    paid = dict.fromkeys([*months, None], (0, 0, 0))
    for row in rows:
        kind, grouping, month, type_code, area, division, n, hours, fees, people = row[:10]
        figures = totals if month is None else months[month]
        if kind == "assignments":
            if grouping == 0b1010:  # GROUPING(month, type, area, division) of (type, division)
                type_by_division[(type_code, division)] = n
            elif type_code:
                figures["by_type"][type_code] = n
            elif area:
                figures["by_service_area"][area] = n
            elif division:
                figures["by_division"][division] = n
            else:
                figures["assignments"] = n
        elif kind == "participations":
            travel, other, *experts_paid = row[10:]
            figures.update(participations=n, hours=_cents(hours), fees=_cents(fees))
            figures.update(travel=_cents(travel), other_costs=_cents(other))
            figures["active_experts"] = people
            paid[month] = tuple(experts_paid)
        elif kind == "agreements":
            figures["new_agreements"] = n
        elif kind == "sessions":
            figures["supervision_sessions"] = n
        else:
            figures.update(supervision_attendances=n, supervision_experts=people)
    for name in ("hours", "fees", "travel", "other_costs"):  # the year's: the months' sums
        totals[name] = _cents(sum(Decimal(figures[name]) for figures in months.values()))
    as_json = {"year": year, "months": [{"month": f"{year}-{number:02}"} | months[number]
                                        for number in months]}  # fmt: skip
    return as_json | {"totals": totals}, type_by_division, paid


def experts_paid(figures) -> dict:
    """The report's experts paid, paid travel and paid other costs, as same_figures gives them."""
    return {
        month.month: (month.paid_experts, month.travelling_experts, month.experts_with_costs)
        for month in (*figures.months, figures.totals)
    }


def counted_by_sql(data: dict) -> dict:
    """A copy of the report's JSON without the tables SAME_FIGURES_SQL does not count."""
    others = ("requests", "kokemusohjaus", "feedback", "by_type_and_division")

    def kept(figures: dict) -> dict:
        return {key: value for key, value in figures.items() if key not in others}

    return data | {"months": list(map(kept, data["months"])), "totals": kept(data["totals"])}


def _check_figures(figures, rows, year: int) -> None:
    """Every figure of the report must be the baseline's, or the timing compares nothing."""
    from reporting.exports import as_json

    expected, type_by_division, paid = same_figures(rows, year)
    got = counted_by_sql(as_json(figures))
    if got != expected or figures.type_by_division != type_by_division:
        differing = [
            f"{month['month']}.{key}: {month[key]!r} != {other.get(key)!r}"
            for month, other in zip(got["months"], expected["months"], strict=True)
            for key in month
            if month[key] != other.get(key)
        ]
        sys.exit(f"The report's figures differ from SAME_FIGURES_SQL's for {year}: {differing[:3]}")
    if experts_paid(figures) != paid:
        sys.exit(f"The experts paid differ: {experts_paid(figures)} != {paid}")


def _ms(best: float, median: float) -> str:
    return f"{best * 1000:>8.1f} ({median * 1000:>6.1f})"


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
    parser.add_argument(
        "--compare",
        type=Path,
        help="another version of reporting/selectors.py to time in the same turns "
        "(its figures are not checked: a version may define a figure otherwise)",
    )
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

    from reporting.models import MonthFigures
    from reporting.selectors import monthly_figures

    call_command("migrate", verbosity=0)
    first_year = args.year - args.years + 1
    compared = _load_selectors(args.compare) if args.compare else None
    print(f"PostgreSQL {connection.pg_version // 10000}, data over {first_year}–{args.year}, "
          f"report year {args.year}, best (median) of {args.repeat}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'assignments':>12} {'in year':>9} {'report ms':>17} {'same-figures SQL':>17} "
          f"{'ratio':>6} {'queries':>8} {'a month changed':>17} {'queries':>8} "
          f"{'none changed':>17} {'queries':>8}"
          + (f" {'compared ms':>17} {'ratio':>6} {'queries':>8}" if compared else ""))  # fmt: skip
    if args.reuse:
        from agreements.models import Assignment

        args.sizes = [Assignment.objects.count()]
    year_range = {"start": f"{args.year}-01-01", "end": f"{args.year + 1}-01-01"}

    def same_figures_sql():
        with connection.cursor() as cursor:
            cursor.execute(SAME_FIGURES_SQL, year_range)
            return cursor.fetchall()

    def forget_kept_months():
        MonthFigures.objects.all().delete()

    def change_a_month():
        """A change that reaches the year's last month, as the day's work reaches this one."""
        with connection.cursor() as cursor:
            cursor.execute(CHANGE_A_MONTH_SQL, year_range)

    def report():
        return monthly_figures(args.year)

    def compared_report():
        return compared.monthly_figures(args.year)

    for size in args.sizes:
        if not args.reuse:
            fill(connection, bench_url, assignments=size, first_year=first_year, year=args.year)
        forget_kept_months()
        figures, queries = _counted_queries(report)
        _check_figures(figures, same_figures_sql(), args.year)
        change_a_month()
        figures, month_queries = _counted_queries(report)
        _check_figures(figures, same_figures_sql(), args.year)
        kept_queries = _counted_queries(report)[1]
        functions = [
            (forget_kept_months, report),
            same_figures_sql,
            (change_a_month, report),
            report,
        ]
        if compared:
            compared_queries = _counted_queries(compared_report)[1]
            functions.append(compared_report)
        times = timed_in_turn(functions, args.repeat)
        report_time, same_time = times[0], times[1]
        line = (f"{size:>12,} {figures.totals.assignments:>9,} {_ms(*report_time)} "
                f"{_ms(*same_time)} {report_time[0] / same_time[0]:>6.2f} "
                f"{queries:>8} {_ms(*times[2])} {month_queries:>8} "
                f"{_ms(*times[3])} {kept_queries:>8}")  # fmt: skip
        if compared:
            line += (f" {_ms(*times[4])} {times[4][0] / same_time[0]:>6.2f} "
                     f"{compared_queries:>8}")  # fmt: skip
        print(line)
        sys.stdout.flush()
    connection.close()


def _counted_queries(function):
    """What ``function()`` returns, and the number of queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def _load_selectors(path: Path):
    """Another version of reporting/selectors.py as a module of its own."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("compared_selectors", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
