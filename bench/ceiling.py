"""The ceiling: the request rate at which the p95 passes 200 ms, and what was busy then.

    locust -f bench/ceiling.py --headless --host http://127.0.0.1:8765   # served.sh --ceiling

The users of bench/locustfile.py log in (KOKEMUS_CEILING_USERS, at 2 a second), then the pace
rises step by step: each step divides their think time by the next factor of
KOKEMUS_CEILING_PACES for KOKEMUS_CEILING_STEP_SECONDS, so the same logged-in users ask more
often. Each step's requests (after a settling tenth of the step) give its rate and p95; the
CPU time of the process groups (/proc) gives what each used of the machine's CPUs: the app
(gunicorn, its PDF renderers, the worker), PostgreSQL, nginx and Locust itself. The test stops
after the first step whose p95 passes KOKEMUS_CEILING_MS (200), or after the last.

Writes bench/out/ceiling.csv (a row per step) and prints the table and the verdict: the
ceiling (the last rate under the limit) and its bottleneck, the process group nearest to
using what it can use (Locust is one process: one CPU at most; the app and PostgreSQL share
all of them).
"""

import csv
import os
import time
from dataclasses import dataclass, field

from common import OUT
from locust import LoadTestShape, events
from locustfile import PACE, Coordinator, Evaluation, Expert, Requester  # noqa: F401 (users)

USERS = int(os.environ.get("KOKEMUS_CEILING_USERS", "50"))
SPAWN_RATE = 2
STEP_SECONDS = float(os.environ.get("KOKEMUS_CEILING_STEP_SECONDS", "60"))
PACES = [float(p) for p in os.environ.get("KOKEMUS_CEILING_PACES", "1,2,3,4,6,8,12,16").split(",")]
LIMIT_MS = float(os.environ.get("KOKEMUS_CEILING_MS", "200"))
SETTLE = 0.1  # of each step, left out of its figures: the pace has just changed
CSV = OUT / "ceiling.csv"
TICK = os.sysconf("SC_CLK_TCK")
GROUPS = ("app", "postgresql", "nginx", "locust")


@dataclass
class Step:
    pace: float
    started: float
    times: list[float] = field(default_factory=list)
    failures: int = 0
    cpu_start: dict[str, int] = field(default_factory=dict)
    measuring_since: float = 0.0
    rate: float = 0.0  # requests a second while measured
    cpus: dict[str, float] = field(default_factory=dict)  # CPUs each group used meanwhile

    def p(self, share: float) -> float:
        if not self.times:
            return 0.0
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def process_group(pid: int, locust_pid: int) -> str | None:
    """Which of GROUPS a process belongs to, by its command line."""
    if pid == locust_pid:
        return "locust"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            command = file.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if command.startswith("postgres"):
        return "postgresql"
    if "nginx" in command.split(" ", 1)[0]:
        return "nginx"
    if "gunicorn" in command or "pdf_renderer" in command or "manage.py worker" in command:
        return "app"
    return None


def cpu_ticks(locust_pid: int) -> dict[str, int]:
    """CPU time (user + system, in clock ticks) used so far by each group's processes."""
    ticks = dict.fromkeys(GROUPS, 0)
    ticks["machine"] = _machine_busy_ticks()
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
        ticks[group] += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def _machine_busy_ticks() -> int:
    with open("/proc/stat") as file:
        values = [int(v) for v in file.readline().split()[1:]]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


class Ceiling(LoadTestShape):
    """Log the users in, then one step per pace; stop past the limit."""

    def __init__(self):
        super().__init__()
        self.steps: list[Step] = []
        self.logged_in_at: float | None = None

    def tick(self):
        now = time.monotonic()
        if self.logged_in_at is None:
            if self.runner and self.runner.user_count >= USERS:
                self.logged_in_at = now
                self._start(0, now)
            return USERS, SPAWN_RATE
        step = self.steps[-1]
        if not step.measuring_since and now - step.started >= SETTLE * STEP_SECONDS:
            step.measuring_since, step.times, step.failures = now, [], 0
            step.cpu_start = cpu_ticks(os.getpid())
        if now - step.started < STEP_SECONDS:
            return USERS, SPAWN_RATE
        _finish(step, now)
        if step.p(0.95) > LIMIT_MS or len(self.steps) == len(PACES):
            report(self.steps)
            return None
        self._start(len(self.steps), now)
        return USERS, SPAWN_RATE

    def _start(self, index: int, now: float) -> None:
        PACE["factor"] = PACES[index]
        self.steps.append(Step(PACES[index], now))


@events.request.add_listener
def _on_request(request_type, name, response_time, exception, **kwargs):
    shape = _shape()
    if shape is None or not shape.steps or not shape.steps[-1].measuring_since:
        return
    step = shape.steps[-1]
    if name.startswith("/kirjaudu/"):
        return  # logins are left out (issue 21), and all happen before the first step
    step.times.append(response_time)
    step.failures += exception is not None


def _shape() -> Ceiling | None:
    environment = _environment[0] if _environment else None
    return getattr(environment, "shape_class", None) if environment else None


_environment: list = []


@events.init.add_listener
def _keep_environment(environment, **kwargs):
    _environment.append(environment)


def _finish(step: Step, now: float) -> None:
    seconds = now - step.measuring_since
    used = cpu_ticks(os.getpid())
    step.rate = len(step.times) / seconds if seconds else 0.0
    step.cpus = {
        group: (used[group] - step.cpu_start.get(group, 0)) / TICK / seconds
        for group in (*GROUPS, "machine")
    }


def bottleneck(step: Step, cpus: int) -> str:
    """The group nearest to using all it can: Locust one CPU, the rest the machine's."""
    if step.cpus["locust"] >= 0.9:
        return "the load generator (Locust uses a whole CPU)"
    if step.cpus["machine"] < 0.85 * cpus:
        return "none of the CPUs is saturated: waiting (locks, the PDF renderers, I/O)"
    busiest = max(("app", "postgresql", "nginx"), key=lambda group: step.cpus[group])
    names = {"app": "the app's CPU (gunicorn)", "postgresql": "PostgreSQL", "nginx": "nginx"}
    return names[busiest]


def report(steps: list[Step]) -> None:
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
    print(verdict(steps, cpus))


def verdict(steps: list[Step], cpus: int) -> str:
    under = [step for step in steps if step.p(0.95) <= LIMIT_MS]
    over = [step for step in steps if step.p(0.95) > LIMIT_MS]
    if not over:
        return (
            f"ceiling: not reached; p95 stayed under {LIMIT_MS:.0f} ms up to "
            f"{steps[-1].rate:.1f} req/s (busiest then: {bottleneck(steps[-1], cpus)})."
        )
    below = f"{under[-1].rate:.1f} req/s" if under else "below the first step"
    return (
        f"ceiling: p95 passed {LIMIT_MS:.0f} ms at {over[0].rate:.1f} req/s "
        f"(p95 {over[0].p(0.95):.0f} ms); the last rate under it {below}. "
        f"Bottleneck: {bottleneck(over[0], cpus)}."
    )
