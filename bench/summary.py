"""Print the load test's table from Locust's CSV statistics; exit 1 if any request failed.

    python bench/summary.py bench/out/locust_stats.csv [--markdown]

Per request name: requests, failures, requests/s, p50, p95 and p99 in milliseconds, and the
target of issue 21: p95 under 150 ms for every page, under 300 ms for the report's files
(PDF, XLSX, CSV) and other PDFs, and under 100 ms for all requests together. The login is
left out (its password hashing is slow on purpose): no target, and the aggregate that is
judged is that of every other request ("all but the login", from the locust_judged.csv that
bench/locustfile.py writes beside the statistics); Locust's own "Aggregated" row, logins
included, is shown without a target.
"""

import argparse
import csv
import sys
from pathlib import Path

from common import JUDGED_CSV, UNJUDGED

PAGE_TARGET_MS = 150
EXPORT_TARGET_MS = 300
AGGREGATE_TARGET_MS = 100
EXPORT_MARKERS = ("/vienti/", ".pdf", "/pdf/")
JUDGED = "all but the login"


def target_ms(name: str) -> int | None:
    if name == JUDGED:
        return AGGREGATE_TARGET_MS
    if name in UNJUDGED or name == "Aggregated":
        return None
    return EXPORT_TARGET_MS if any(marker in name for marker in EXPORT_MARKERS) else PAGE_TARGET_MS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stats", type=Path)
    parser.add_argument("--markdown", action="store_true", help="a table for docs/performance.md")
    args = parser.parse_args()

    with args.stats.open() as file:
        rows = list(csv.DictReader(file))
    judged = args.stats.with_name(JUDGED_CSV.name)  # written beside the statistics
    if judged.exists():
        with judged.open() as file:
            rows += [row | {"Type": "", "Name": JUDGED} for row in csv.DictReader(file)]
    else:
        print(f"No {judged.name}: the aggregate is not judged.", file=sys.stderr)
    header = ["request", "requests", "failures", "req/s", "p50 ms", "p95 ms", "p99 ms", "target"]
    table = []
    failures = 0
    for row in rows:
        total = row["Name"] in ("Aggregated", JUDGED)
        name = row["Name"] if total else f"{row['Type']} {row['Name']}"
        p95 = _number(row["95%"])
        target = target_ms(name)
        verdict = "" if target is None else ("ok" if p95 <= target else f"over {target}")
        failures += 0 if total else int(row["Failure Count"])
        table.append(
            [
                f"**{name}**" if total and args.markdown else name,
                row["Request Count"],
                row["Failure Count"],
                f"{float(row['Requests/s']):.1f}",
                row["50%"],
                row["95%"],
                row["99%"],
                verdict,
            ]
        )
    print(_markdown(header, table) if args.markdown else _plain(header, table))
    if failures:
        print(
            f"\n{failures} request(s) failed: see bench/out/locust_failures.csv.", file=sys.stderr
        )
        return 1
    return 0


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _markdown(header, table) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in table]
    return "\n".join(lines)


def _plain(header, table) -> str:
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*row) for row in [header, *table])


if __name__ == "__main__":
    sys.exit(main())
