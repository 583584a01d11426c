"""Upload benchmark (not a test): what the browser import's files of issue 15 cost.

    .venv/bin/python bench/upload_benchmark.py                          # SQLite
    .venv/bin/python bench/upload_benchmark.py --databases sqlite,postgresql
    .venv/bin/python bench/upload_benchmark.py --cases xlsx-200k-rows,dev-zero

Each case is made once in a temporary folder and then measured step by step, each step in a
fresh process against a scratch database (a temporary SQLite file; a PostgreSQL database
"kokemus_bench_uploads", dropped afterwards), as the server runs them:

- upload: what the web request does (interchange.services.import_job_create: the files kept
  in the database in pieces);
- check: what the worker does for the preview (import_job_run of the check);
- apply: what the worker does once confirmed (import_job_run of the import), where the check
  passed.

For each step it prints the wall time and the memory the step added to its process: the peak
resident set (getrusage) after the step less the one before it, so Python's and Django's own
start-up are left out. See docs/performance.md, "Import limits".

The cases:
- xlsx-200k-rows: a workbook of ~130 KB whose experts sheet has 200,000 copies of one row;
- xlsx-200k-distinct: the same with 200,000 different experts (each row valid), ~1.5 MB;
- xlsx-unknown-sheet: a workbook of ~850 KB with a sheet of an unknown name of 1.2 million
  rows of 10 cells (and a small valid experts sheet);
- csv-50mb-valid: a valid assignments.csv of 50 MB with as few rows as valid rows allow,
  close to the row limit (140,000 rows of 7 experts, own hours, titles of 200 characters; its
  2,500 experts and 5,000 agreements are imported beforehand);
- csv-50mb-rows: 50 MB of ordinary assignment rows (about 480,000), over the row limit;
- dev-zero: manage.py import_data /dev/zero (a process of its own, timed whole).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "kokemus_bench_uploads"
MB = 1024 * 1024
CASES = ["xlsx-200k-rows", "xlsx-200k-distinct", "xlsx-unknown-sheet"]
CASES += ["csv-50mb-valid", "csv-50mb-rows", "dev-zero"]
EXPERTS = 2_500
TYPES = ["client_support", "development", "communication", "training", "peer_group", "other"]
AREAS = ["mh_outpatient", "substance_services", "child_welfare", "primary_care", "home_care"]
AREAS += ["mental_health", "family_social", "health", "elderly", "disability"]
STATUSES = ["planned", "done", "done", "done", "cancelled"]
ASSIGNMENT_HEADER = "external_id;type_code;service_area_code;date;hours;status;"
ASSIGNMENT_HEADER += "expert_external_ids;title;expert_hours\r\n"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# the files ---------------------------------------------------------------------------------


def _experts_and_agreements(folder: Path) -> None:
    """Experts and two agreements each (2023–mid 2024, mid 2024 onwards): imported before
    the assignment cases, as an organisation imports its people first."""
    with (folder / "experts.csv").open("w", encoding="utf-8-sig", newline="") as file:
        file.write("external_id;first_name;last_name;kind;trained\r\n")
        for n in range(EXPERTS):
            file.write(f"E{n:06};Aino;Mäkelä;peer;kyllä\r\n")
    with (folder / "agreements.csv").open("w", encoding="utf-8-sig", newline="") as file:
        file.write("number;expert_external_id;division_code;signed_on;valid_from;")
        file.write("valid_until;hourly_fee;status\r\n")
        for n in range(EXPERTS):
            file.write(f"TS-{n:06}-1;E{n:06};health;15.12.2022;1.1.2023;30.6.2024;25,00;ended\r\n")
            file.write(f"TS-{n:06}-2;E{n:06};health;15.6.2024;1.7.2024;;27,50;active\r\n")


def _assignment_row(n: int, title: str, experts: int) -> str:
    ids = random.sample(range(EXPERTS), experts)
    day = f"{random.randint(1, 28)}.{random.randint(1, 12)}.{random.choice([2023, 2024, 2025])}"
    hours = "|".join(random.choice(["", "1,5", "2"]) for _ in ids)
    return (
        f"KOKKOLA-TEHTAVA-2024-{n:09};{random.choice(TYPES)};{random.choice(AREAS)};{day};"
        f"{random.choice(['1,00', '2,50', '3,75'])};{random.choice(STATUSES)};"
        f"{'|'.join(f'E{e:06}' for e in ids)};{title};{hours}\r\n"
    )


def _assignments(path: Path, size: int, rows: int | None, title: str, experts: int) -> int:
    """Assignment rows until the file has ``size`` bytes (or ``rows`` rows); their count."""
    random.seed(15)
    written, count = 0, 0
    with path.open("w", encoding="utf-8", newline="") as file:
        written += file.write(ASSIGNMENT_HEADER)
        while (rows is None or count < rows) and written < size:
            line = _assignment_row(count, title, experts)
            written += len(line.encode())
            file.write(line)
            count += 1
    return count


def _workbook(path: Path, sheets: dict[str, tuple[list, object, int | None]]) -> None:
    """A write-only workbook: sheet title -> (header, a row and how many copies of it, or
    the rows and None)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, (header, rows, count) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows if count is None else [rows] * count:
            sheet.append(row)
    workbook.save(path)


def make_case(case: str, folder: Path) -> Path | None:
    """The case's upload: one file in a folder of its own (None: not an upload)."""
    folder.mkdir(parents=True, exist_ok=True)
    header = ["external_id", "first_name", "last_name"]
    if case == "xlsx-200k-rows":
        path = folder / "kokemus.xlsx"
        _workbook(path, {"experts": (header, ["E", "A", "M"], 200_000)})
        return path
    if case == "xlsx-200k-distinct":
        path = folder / "kokemus.xlsx"
        rows = ([f"E{n}", "Aino", "Mäkelä"] for n in range(200_000))
        _workbook(path, {"experts": (header, rows, None)})
        return path
    if case == "xlsx-unknown-sheet":
        path = folder / "kokemus.xlsx"
        _workbook(
            path,
            {
                "experts": (header, ["E1", "Aino", "Mäkelä"], 1),
                "Taul1": ([f"c{n}" for n in range(10)], [1] * 10, 1_200_000),
            },
        )
        return path
    if case == "csv-50mb-valid":
        path = folder / "assignments.csv"
        # the longest valid rows: a title of 200 characters, many of them two bytes in UTF-8
        title = "Kokemuspuheenvuoro äänestäjille: yhteisöllisyys, työelämä ja hyvä arki " * 3
        count = _assignments(path, 50 * MB - 4096, 150_000 - 3 * EXPERTS, title[:200], 7)
        print(f"  {path.name}: {count:,} rows, {path.stat().st_size / MB:.1f} MB")
        return path
    if case == "csv-50mb-rows":
        path = folder / "assignments.csv"
        count = _assignments(path, 50 * MB - 4096, None, "Luento ja kokemuspuheenvuoro", 2)
        print(f"  {path.name}: {count:,} rows, {path.stat().st_size / MB:.1f} MB")
        return path
    return None


# the steps, each in a fresh process ------------------------------------------------------------


def _setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def step(name: str, argument: str) -> None:
    """Run one step in this (fresh) process and print what it cost, as JSON."""
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import translation

    from interchange.models import ImportJob
    from interchange.services import (
        import_data,
        import_job_confirm,
        import_job_create,
        import_job_run,
    )

    translation.activate("fi")
    if name == "prepare":  # not measured: the database and the people the cases refer to
        call_command("migrate", verbosity=0)
        get_user_model().objects.create(username="koordinaattori", is_staff=True)
        folder = Path(argument)
        people = [(p.name, p) for p in (folder / "experts.csv", folder / "agreements.csv")]
        assert import_data(people, dry_run=False).applied
        return
    user = get_user_model().objects.get(username="koordinaattori")
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    if name == "upload":
        path = Path(argument)
        with path.open("rb") as stream:
            job = import_job_create(files=[(path.name, stream)], by=user, language="fi")
        outcome = {"job": job.pk}
    elif name in ("check", "apply"):
        job = ImportJob.objects.get(pk=int(argument))
        if name == "apply":
            import_job_confirm(job=job)
        status = import_job_run(job.pk)
        job.refresh_from_db()
        errors = job.result.get("errors", [])
        outcome = {"status": status, "errors": [e["message"] for e in errors[:1]]}
    else:
        raise SystemExit(f"unknown step {name}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    added = _peak_mb() - before
    print(json.dumps({**outcome, "seconds": seconds, "cpu": cpu, "added_mb": added}))


def _run(env: dict, *args: str) -> dict | None:
    output = subprocess.run(
        [sys.executable, __file__, "--step", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return json.loads(output.splitlines()[-1]) if output else None


def _dev_zero(env: dict) -> str:
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "manage.py", "import_data", "/dev/zero"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    seconds = time.perf_counter() - started
    message = process.stderr.strip().splitlines()[-2:]
    return f"exit {process.returncode} after {seconds:.1f} s (whole process): {' / '.join(message)}"


def _figures(step: dict) -> str:
    return f"{step['seconds']:.1f} s ({step['cpu']:.1f} s CPU), +{step['added_mb']:.0f} MB"


def measure(case: str, database: str, tmp: Path, env: dict) -> None:
    url = _scratch_database(database, tmp)
    env = {**env, "DATABASE_URL": url}
    try:
        _run(env, "prepare", str(tmp / "people"))
        if case == "dev-zero":
            print(f"  {case}: {_dev_zero(env)}")
            return
        path = tmp / case / ("kokemus.xlsx" if case.startswith("xlsx") else "assignments.csv")
        size = path.stat().st_size
        upload = _run(env, "upload", str(path))
        print(f"  {case} ({size / 1024:,.0f} KB): upload {_figures(upload)}")
        check = _run(env, "check", str(upload["job"]))
        print(f"    check: {check['status']}, {_figures(check)} {check['errors']}")
        if check["status"] == "checked":
            apply = _run(env, "apply", str(upload["job"]))
            print(f"    apply: {apply['status']}, {_figures(apply)} {apply['errors']}")
    finally:
        _drop_scratch_database(database, tmp)


def _server_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _scratch_database(database: str, tmp: Path) -> str:
    if database == "sqlite":
        (tmp / "bench.sqlite3").unlink(missing_ok=True)
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    return _server_url().rsplit("/", 1)[0] + f"/{BENCH_DB}"


def _drop_scratch_database(database: str, tmp: Path) -> None:
    if database == "sqlite":
        (tmp / "bench.sqlite3").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(*args.step)
        return
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 40)}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "people").mkdir()
        _experts_and_agreements(tmp / "people")
        cases = args.cases.split(",")
        for case in cases:
            make_case(case, tmp / case)
        for database in args.databases.split(","):
            print(f"{database}:")
            for case in cases:
                measure(case, database, tmp, env)


if __name__ == "__main__":
    main()
