"""After a load test: is every assignment it created in the database exactly once?

    DATABASE_URL=… python bench/verify_writes.py [bench/out/created.jsonl]

created.jsonl has one line per confirmed write of the load test: the creation
({"marker", "pk", "hours"}) and each later edit of the same marker with its new hours. Each
marker must be in exactly one assignment's description, with the hours of its last write;
and no assignment may carry this run's markers without a confirmed write (a lost response).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")
    import django

    django.setup()
    from decimal import Decimal

    from agreements.models import Assignment

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "out" / "created.jsonl"
    last_hours: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            last_hours[entry["marker"]] = entry["hours"]
    if not last_hours:
        print("verify_writes: the load test created no assignments.")
        return 0

    problems = []
    prefix = os.path.commonprefix(list(last_hours)).rsplit("-", 1)[0]
    found = {}
    for description, hours in Assignment.objects.filter(description__startswith=prefix).values_list(
        "description", "hours"
    ):
        found.setdefault(description, []).append(hours)
    for marker, hours in last_hours.items():
        rows = found.pop(marker, [])
        if len(rows) != 1:
            problems.append(f"{marker}: {len(rows)} rows, expected exactly 1")
        elif rows[0] != Decimal(hours):
            problems.append(f"{marker}: {rows[0]} hours, the last write said {hours}")
    problems += [f"{marker}: in the database but never confirmed" for marker in found]

    for problem in problems:
        print(f"verify_writes: {problem}", file=sys.stderr)
    edits = sum(1 for _ in path.read_text().splitlines()) - len(last_hours)
    print(
        f"verify_writes: {len(last_hours)} created assignments, {edits} edits; "
        f"{len(last_hours) - len(problems)} as written, {len(problems)} problem(s)."
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
