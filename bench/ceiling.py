"""The ceiling: the request rate at which the p95 passes 200 ms, and what was busy then.

    locust -f bench/ceiling.py --headless --host http://127.0.0.1:8765   # served.sh --ceiling

The users of bench/locustfile.py log in (KOKEMUS_CEILING_USERS, at 2 a second), then the pace
rises step by step: each step divides their think time by the next factor of
KOKEMUS_CEILING_PACES for KOKEMUS_CEILING_STEP_SECONDS, so the same logged-in users ask more
often. The first factors are under 1 (the users slower than their own pace), so that the step
where the p95 passes the limit has one under it even where their own pace is already over.
Each step's requests (after a settling tenth of the step) give its rate and p95; the CPU time
of the process groups (/proc) gives what each used of the machine's CPUs: the app (gunicorn,
its PDF renderers, the worker), PostgreSQL, nginx and Locust itself. The test stops after the
first step whose p95 passes KOKEMUS_CEILING_MS (200), or after the last.

Writes bench/out/ceiling.csv (a row per step) and prints the table and the verdict: the
ceiling (the last rate under the limit) and its bottleneck, the process group nearest to
using what it can use (Locust is one process: one CPU at most; the app and PostgreSQL share
all of them).
"""

import os
import time

from locust import LoadTestShape, events
from locustfile import PACE, Coordinator, Evaluation, Expert, Requester  # noqa: F401 (users)
from steps import Step, cpu_ticks, cpus_used, report

USERS = int(os.environ.get("KOKEMUS_CEILING_USERS", "50"))
SPAWN_RATE = 2
# At their own pace 50 users ask ~25 requests a second.
DEFAULT_PACES = "0.25,0.5,0.75,1,1.5,2,3,4,6,8,12,16"
STEP_SECONDS = float(os.environ.get("KOKEMUS_CEILING_STEP_SECONDS", "60"))
PACES = [float(p) for p in os.environ.get("KOKEMUS_CEILING_PACES", DEFAULT_PACES).split(",")]
LIMIT_MS = float(os.environ.get("KOKEMUS_CEILING_MS", "200"))
SETTLE = 0.1  # of each step, left out of its figures: the pace has just changed
TICK = os.sysconf("SC_CLK_TCK")


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
            report(self.steps, LIMIT_MS)
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
    step.rate = len(step.times) / seconds if seconds else 0.0
    step.cpus = cpus_used(step.cpu_start, cpu_ticks(os.getpid()), seconds, TICK)
