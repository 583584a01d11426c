"""The ceiling's steps (bench/ceiling.py) without Locust: what each measured, the CPU of each
process group from /proc, the table and the verdict. Kept apart so tests/test_bench.py can
check them without importing Locust (which patches the whole process for gevent)."""

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from common import OUT

CSV = OUT / "ceiling.csv"
GROUPS = ("app", "postgresql", "nginx", "locust")
ROOT = Path(__file__).resolve().parent.parent
DATABASE = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")


@dataclass
class Step:
    pace: float
    started: float
    times: list[float] = field(default_factory=list)
    failures: int = 0
    cpu_start: dict[tuple[str, int], int] = field(default_factory=dict)  # cpu_ticks
    measuring_since: float = 0.0
    rate: float = 0.0  # requests a second while measured
    cpus: dict[str, float] = field(default_factory=dict)  # CPUs each group used meanwhile

    def p(self, share: float) -> float:
        if not self.times:
            return 0.0
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def process_group(pid: int, locust_pid: int) -> str | None:
    """Which of GROUPS a process belongs to, by its command line: only this benchmark's app
    (run from this directory) and PostgreSQL's own processes and the backends of its database
    (DATABASE_URL), so another project's work on the machine is not counted."""
    if pid == locust_pid:
        return "locust"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            command = file.read().replace(b"\0", b" ").decode(errors="replace")
        directory = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None
    return classify(command, directory)


def classify(command: str, directory: str) -> str | None:
    if command.startswith("postgres"):
        # "postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE" for a backend; the server's
        # own processes (checkpointer, WAL writer, …) name no database
        words = [word for word in command.split() if not word.endswith(":")]
        if len(words) >= 3 and ("(" in words[2] or words[2] == "[local]"):
            return "postgresql" if words[1] == DATABASE else None
        return "postgresql"
    if "nginx" in command.split(" ", 1)[0]:
        return "nginx"
    if directory != str(ROOT):
        return None
    if "gunicorn" in command or "pdf_renderer" in command or "manage.py worker" in command:
        return "app"
    return None


def cpu_ticks(locust_pid: int) -> dict[tuple[str, int], int]:
    """CPU time (user + system, in clock ticks) used so far by each process of the groups,
    by (group, pid); ("machine", 0) is the whole machine's busy time."""
    ticks = {("machine", 0): _machine_busy_ticks()}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        group = process_group(int(entry), locust_pid)
        if group is None:
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        ticks[group, int(entry)] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def cpus_used(start: dict, end: dict, seconds: float, tick: int) -> dict[str, float]:
    """CPUs each group used between two cpu_ticks: per process that is still there (one that
    ended meanwhile took its time with it, so a group's share is at least this)."""
    used = dict.fromkeys((*GROUPS, "machine"), 0.0)
    for (group, pid), ticks in end.items():
        used[group] += (ticks - start.get((group, pid), 0)) / tick / seconds
    return used


def _machine_busy_ticks() -> int:
    with open("/proc/stat") as file:
        values = [int(v) for v in file.readline().split()[1:]]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


def bottleneck(step: Step, cpus: int) -> str:
    """The group nearest to using all it can: Locust one CPU, the rest the machine's."""
    if step.cpus["locust"] >= 0.9:
        return "the load generator (Locust uses a whole CPU)"
    if step.cpus["machine"] < 0.85 * cpus:
        return "none of the CPUs is saturated: waiting (locks, the PDF renderers, I/O)"
    if sum(step.cpus[group] for group in GROUPS) < 0.5 * step.cpus["machine"]:
        return "other work on the machine (the CPUs were busy, mostly not with this test)"
    busiest = max(("app", "postgresql", "nginx"), key=lambda group: step.cpus[group])
    names = {"app": "the app's CPU (gunicorn)", "postgresql": "PostgreSQL", "nginx": "nginx"}
    return names[busiest]


def report(steps: list[Step], limit_ms: float) -> None:
    cpus = os.cpu_count() or 1
    header = ["pace", "req/s", "requests", "failures", "p50 ms", "p95 ms", "p99 ms"]
    header += [f"cpu {group}" for group in (*GROUPS, "machine")]
    rows = [
        [
            f"{step.pace:g}",
            f"{step.rate:.1f}",
            len(step.times),
            step.failures,
            f"{step.p(0.5):.0f}",
            f"{step.p(0.95):.0f}",
            f"{step.p(0.99):.0f}",
            *(f"{step.cpus[group]:.2f}" for group in (*GROUPS, "machine")),
        ]
        for step in steps
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    with CSV.open("w", newline="") as file:
        csv.writer(file).writerows([header, *rows])
    print("\n".join("  ".join(f"{cell:>10}" for cell in row) for row in [header, *rows]))
    print(verdict(steps, cpus, limit_ms))


def verdict(steps: list[Step], cpus: int, limit_ms: float) -> str:
    under = [step for step in steps if step.p(0.95) <= limit_ms]
    over = [step for step in steps if step.p(0.95) > limit_ms]
    if not over:
        return (
            f"ceiling: not reached; p95 stayed under {limit_ms:.0f} ms up to "
            f"{steps[-1].rate:.1f} req/s (busiest then: {bottleneck(steps[-1], cpus)})."
        )
    below = f"{under[-1].rate:.1f} req/s" if under else "below the first step"
    return (
        f"ceiling: p95 passed {limit_ms:.0f} ms at {over[0].rate:.1f} req/s "
        f"(p95 {over[0].p(0.95):.0f} ms); the last rate under it {below}. "
        f"Bottleneck: {bottleneck(over[0], cpus)}."
    )
