"""Import benchmark (not a test): 100k assignments with their experts and agreements.

    .venv/bin/python bench/import_benchmark.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/import_benchmark.py --assignments 20000 --databases sqlite
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/...

Generates the interchange files once, then for each database runs a fresh process that
migrates a scratch database (a temporary SQLite file; a PostgreSQL database "kokemus_bench"
that is dropped afterwards), imports the files, imports them again (all unchanged), undoes both
and prints the wall time and the process's peak memory (resource.getrusage). See
docs/performance.md.
"""

import argparse
import csv
import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ["mental_health", "family_social", "health", "elderly", "disability"]
SERVICES = ["mh_outpatient", "substance_services", "child_welfare", "primary_care", "home_care"]
TYPES = ["client_support", "development", "communication", "training", "peer_group", "other"]
STATUSES = ["planned", "done", "done", "done", "cancelled"]
FIRST = ["Aino", "Eeva", "Matti", "Sanna", "Jari", "Öljy", "Pirjo", "Kalle"]
LAST = ["Mäkelä", "Koskinen", "Virtanen", "Nieminen", "Järvinen"]
START = datetime.date(2023, 1, 1)
DAYS = 3 * 365


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def _finnish(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def generate(folder: Path, assignments: int) -> None:
    """Experts with two agreements each (2023–mid 2024, mid 2024 onwards), 1–3 per task."""
    random.seed(7)
    experts = max(assignments // 20, 10)
    middle = datetime.date(2024, 7, 1)
    _write(
        folder / "experts.csv",
        [
            "external_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "municipality",
            "kind",
            "trained",
            "training_completed_on",
        ],
        (
            [
                f"E{n:06}",
                random.choice(FIRST),
                random.choice(LAST),
                f"e{n}@example.fi",
                f"+358 40 {n:07}",
                "Kokkola",
                random.choice(["expert", "guide", "peer", "other"]),
                "kyllä" if n % 3 else "ei",
                "1.6.2020" if n % 3 else "",
            ]
            for n in range(experts)
        ),
    )
    _write(
        folder / "agreements.csv",
        [
            "number",
            "expert_external_id",
            "division_code",
            "signed_on",
            "valid_from",
            "valid_until",
            "hourly_fee",
            "status",
        ],
        (
            row
            for n in range(experts)
            for row in (
                [
                    f"TS-{n:06}-1",
                    f"E{n:06}",
                    random.choice(DIVISIONS),
                    "15.12.2022",
                    "1.1.2023",
                    _finnish(middle - datetime.timedelta(days=1)),
                    "25,00",
                    "ended",
                ],
                [
                    f"TS-{n:06}-2",
                    f"E{n:06}",
                    random.choice(DIVISIONS),
                    "2024-06-15",
                    middle.isoformat(),
                    "",
                    "27,50",
                    "active",
                ],
            )
        ),
    )
    _write(
        folder / "assignments.csv",
        [
            "external_id",
            "type_code",
            "service_area_code",
            "date",
            "hours",
            "status",
            "expert_external_ids",
            "title",
        ],
        (
            [
                f"AS-{n:07}",
                random.choice(TYPES),
                random.choice(SERVICES + DIVISIONS),
                _finnish(START + datetime.timedelta(days=random.randrange(DAYS))),
                random.choice(["1,00", "2,50", "3,75", "7,5"]),
                random.choice(STATUSES),
                "|".join(f"E{e:06}" for e in random.sample(range(experts), random.randint(1, 3))),
                "Luento; kokemuspuheenvuoro",
            ]
            for n in range(assignments)
        ),
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_one(folder: Path) -> None:
    """In a fresh process: migrate, import twice, print figures (called with --run)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    from agreements.models import Participation
    from interchange.models import ImportRun
    from interchange.services import files_from_path, import_data, import_undo

    call_command("migrate", verbosity=0)
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    result = import_data(files_from_path(folder), dry_run=False)
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.ok, result.errors[:5]
    peak_first = _peak_mb()
    started = time.perf_counter()
    again = import_data(files_from_path(folder), dry_run=False)
    second = time.perf_counter() - started
    assert all(c.create == c.update == 0 for c in again.counts.values())
    counts = {name: c.create for name, c in result.counts.items()}
    participations, peak_again = Participation.objects.count(), _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    for run in ImportRun.objects.order_by("-pk"):  # the re-import first, then the import
        assert not import_undo(run=run, by=None)
    undo, undo_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert not Participation.objects.exists()
    print(
        f"  rows created: {counts}, participations: {participations}\n"
        f"  first import: {first:.1f} s ({first_cpu:.1f} s CPU in this process); "
        f"re-import (all unchanged): {second:.1f} s\n"
        f"  undo of both (every row removed): {undo:.1f} s ({undo_cpu:.1f} s CPU)\n"
        f"  peak memory: {peak_first:.0f} MB after the import ({before:.0f} MB before it), "
        f"{peak_again:.0f} MB after the re-import, {_peak_mb():.0f} MB after the undo"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run)
        return
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 40)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        started = time.perf_counter()
        generate(folder, args.assignments)
        sizes = {p.name: p.stat().st_size // 1024 for p in folder.iterdir()}
        print(f"generated in {time.perf_counter() - started:.1f} s: {sizes} KiB")
        for database in args.databases.split(","):
            url = _scratch_database(database, Path(tmp))
            print(f"{database}:")
            try:
                subprocess.run(
                    [sys.executable, __file__, "--run", str(folder)],
                    env={**env, "DATABASE_URL": url},
                    cwd=ROOT,
                    check=True,
                )
            finally:
                _drop_scratch_database(database)


BENCH_DB = os.environ.get("BENCH_DB", "kokemus_bench")  # another name for parallel runs


def _server_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _scratch_database(database: str, tmp: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    return _server_url().rsplit("/", 1)[0] + f"/{BENCH_DB}"


def _drop_scratch_database(database: str) -> None:
    if database == "postgresql":
        import psycopg

        with psycopg.connect(_server_url(), autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
