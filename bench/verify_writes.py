"""After a load test: is every confirmed write of it in the database, and nothing else?

    DATABASE_URL=… python bench/verify_writes.py [bench/out/created.jsonl]

created.jsonl has one line per write the server confirmed (a redirect), each with its unique
marker, in the order the answers came:

- an assignment a coordinator created ({"marker", "pk", "hours"}, no "kind") and each later
  edit of the same marker with its new hours: each marker must be in exactly one assignment's
  description, with the hours of its last write;
- a request sent through the public form ({"kind": "request", "marker"}): each marker in
  exactly one request's description;
- an expert's hours report ({"kind": "hours_report", "marker", "expert_pk", "assignment_pk",
  "hours"}): the expert's current line of that assignment carries the marker and hours of the
  last report of it (a user reports only assignments no other user reports).

And no assignment, request or line may carry this run's markers without a confirmed write
(a lost answer).
"""

import json
import os
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")
    import django

    django.setup()

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "out" / "created.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    if not entries:
        print("verify_writes: the load test confirmed no writes.")
        return 0
    prefix = os.path.commonprefix([entry["marker"] for entry in entries]).rsplit("-", 1)[0]
    kinds = Counter(entry.get("kind", "assignment") for entry in entries)
    problems = (
        assignment_problems([e for e in entries if "kind" not in e], prefix)
        + request_problems([e for e in entries if e.get("kind") == "request"], prefix)
        + report_problems([e for e in entries if e.get("kind") == "hours_report"], prefix)
    )
    for problem in problems:
        print(f"verify_writes: {problem}", file=sys.stderr)
    written = ", ".join(f"{count} {kind} write(s)" for kind, count in sorted(kinds.items()))
    print(f"verify_writes: {written}; {len(problems)} problem(s).")
    return 1 if problems else 0


def assignment_problems(entries: list[dict], prefix: str) -> list[str]:
    from agreements.models import Assignment

    last_hours = {entry["marker"]: entry["hours"] for entry in entries}
    found: dict[str, list] = {}
    rows = Assignment.objects.filter(description__startswith=prefix)
    for description, hours in rows.values_list("description", "hours"):
        found.setdefault(description, []).append(hours)
    problems = []
    for marker, hours in last_hours.items():
        rows = found.pop(marker, [])
        if len(rows) != 1:
            problems.append(f"assignment {marker}: {len(rows)} rows, expected exactly 1")
        elif rows[0] != Decimal(hours):
            problems.append(f"assignment {marker}: {rows[0]} hours, the last write said {hours}")
    return problems + [f"assignment {marker}: never confirmed" for marker in found]


def request_problems(entries: list[dict], prefix: str) -> list[str]:
    from orders.models import Request

    found = Counter(
        Request.objects.filter(description__startswith=prefix).values_list("description", flat=True)
    )
    problems = []
    for marker in sorted({entry["marker"] for entry in entries}):
        count = found.pop(marker, 0)
        if count != 1:
            problems.append(f"request {marker}: {count} rows, expected exactly 1")
    return problems + [f"request {marker}: never confirmed" for marker in found]


def report_problems(entries: list[dict], prefix: str) -> list[str]:
    from payroll.models import ReportLine

    last = {(entry["expert_pk"], entry["assignment_pk"]): entry for entry in entries}
    current = {
        (expert, assignment): (comment, hours)
        for expert, assignment, comment, hours in ReportLine.objects.filter(
            sign=1, superseded=False, comment__startswith=prefix
        ).values_list(
            "participation__expert_id", "participation__assignment_id", "comment", "hours"
        )
    }
    problems = []
    for key, entry in last.items():
        line = current.pop(key, None)
        if line != (entry["marker"], Decimal(entry["hours"])):
            problems.append(
                f"hours report {entry['marker']} (expert {key[0]}, assignment {key[1]}): "
                f"the current line is {line}, the last report said {entry['hours']} hours"
            )
    return problems + [f"hours report {line[0]}: never confirmed" for line in current.values()]


if __name__ == "__main__":
    sys.exit(main())
