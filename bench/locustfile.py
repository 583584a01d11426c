"""Kokemus under load: what coordinators, the evaluation group and experts do in a day.

Run by bench/served.sh against 127.0.0.1 only; it reads the manifest that generate_load_data
wrote (logins, ids).
Every write carries a unique marker and is written to bench/out/created.jsonl once the server
confirmed it, so bench/verify_writes.py can check afterwards that none is lost: each
assignment a coordinator creates (marker in its description) is there exactly once with the
hours of its last edit, each request of the public form (marker in its description) exactly
once, and each expert's hours report (marker in its comment) is the expert's current line of
that assignment with the hours of the last report.

Think time between a user's requests: KOKEMUS_BENCH_WAIT="1,3" seconds (min,max). Only the
writes: `locust … --tags write Coordinator`.
"""

import csv
import datetime
import itertools
import json
import os
import random
import re
import time
import uuid
from urllib.parse import urlsplit

from common import (
    JUDGED_CSV,
    OUT,
    UNJUDGED,
    form_fields,
    load_manifest,
    login,
)
from locust import HttpUser, events, tag, task
from locust.stats import StatsEntry
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

MANIFEST = load_manifest()
RUN_ID = os.environ.get("KOKEMUS_BENCH_RUN", time.strftime("%Y%m%d%H%M%S"))
CREATED_LOG = OUT / "created.jsonl"
MARKER_PREFIX = f"Kuormitustesti {RUN_ID}"
_WAIT = [float(part) for part in os.environ.get("KOKEMUS_BENCH_WAIT", "1,3").split(",")]
# The think time is divided by this: bench/ceiling.py raises it step by step to raise the
# request rate of the same logged-in users (a login costs ~0.4 s of CPU).
PACE = {"factor": 1.0}
# Each simulated user takes the next login of its role.
_next_login = {role: itertools.count() for role in ("coordinator", "evaluation", "expert")}
# (expert login, assignment pk) pairs a user reports: users who share a login report different
# assignments, so the last confirmed report of each is the one in the database. All users
# run in this one process (gevent), so a set is enough.
_claimed_reports: set[tuple[str, int]] = set()
REPORTS_PER_USER = 3


@events.init.add_listener
def _only_localhost(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"The load test runs only against 127.0.0.1, not {host!r}.")


@events.test_start.add_listener
def _forget_judged(environment, **kwargs):
    JUDGED_CSV.unlink(missing_ok=True)  # an earlier run's, which summary.py would judge


@events.test_stop.add_listener
def _write_judged(environment, **kwargs):
    """The aggregate of every request but the UNJUDGED, from Locust's own statistics and in the
    columns of its CSV, so its percentiles are reckoned as Locust reckons its own. Taken when
    the users have stopped, it may hold a few requests more than Locust's CSV (~0.3 %)."""
    judged = StatsEntry(environment.stats, "judged", "")
    for entry in environment.stats.entries.values():
        if f"{entry.method} {entry.name}" not in UNJUDGED:
            judged.extend(entry)
    if not judged.num_requests:
        return
    with JUDGED_CSV.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%"])
        writer.writerow(
            [judged.num_requests, judged.num_failures, f"{judged.total_rps:.2f}"]
            + [judged.get_response_time_percentile(share) for share in (0.5, 0.95, 0.99)]
        )


def paced_wait(user) -> float:
    """Think time between a user's requests: KOKEMUS_BENCH_WAIT, divided by the pace."""
    return random.uniform(*_WAIT) / PACE["factor"]


class KokemusUser(HttpUser):
    abstract = True
    wait_time = paced_wait
    role = ""

    def on_start(self):
        # As a browser (and nginx in front of the servers) does, a GET is sent once more when
        # the kept-alive connection it went out on closes under it: gunicorn ends a worker after
        # GUNICORN_MAX_REQUESTS, which a 90 s run at 50 users reaches. Writes are never resent.
        retry = Retry(total=1, connect=1, read=1, status=0, allowed_methods={"GET"})
        self.client.mount("http://", HTTPAdapter(max_retries=retry))
        self.login = self._take_login()
        username = self.login if isinstance(self.login, str) else self.login["username"]
        login(self.client, username, MANIFEST["password"])

    def _take_login(self):
        logins = MANIFEST["logins"][self.role]
        return logins[next(_next_login[self.role]) % len(logins)]

    def open(self, template: str, query: str = "", *, headers=None, ok=(200,), **values):
        """GET a page by its pages.txt template, which names it in the statistics.

        Anything but ``ok`` (200) is an error, a redirect too (an expired login would
        otherwise look like success).
        """
        path = template.format(**values) + query
        name = template + (" (filtered)" if query else "")
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in ok:
                response.failure(f"{response.status_code} for {path}")
            return response


class Coordinator(KokemusUser):
    """Browses and filters the lists, opens experts, books and edits assignments."""

    weight = 6
    role = "coordinator"

    def on_start(self):
        super().on_start()
        self.created: list[dict] = []  # this user's assignments: {"pk", "marker"}

    @task(4)
    def experts(self):
        query = random.choice(
            ["", "", "?page=2", "?sort=-municipality", "?q=Virtanen&status=active"]
        )
        self.open("/kokemustoimijat/", query)

    @task(3)
    def expert(self):
        self.open("/kokemustoimijat/{expert_pk}/", expert_pk=random.choice(MANIFEST["expert_pks"]))

    @task(4)
    def assignments_by_month(self):
        self.open("/tehtavat/?month={month}", month=random.choice(MANIFEST["months"][:12]))

    @task(2)
    def assignments(self):
        self.open("/tehtavat/", random.choice(["", "?status=done", "?sort=type&page=3"]))

    @task(2)
    def agreements(self):
        self.open("/sopimukset/", random.choice(["", "?status=active", "?sort=expert&page=2"]))

    @task(1)
    def supervision(self):
        self.open(random.choice(["/tyonohjaus/", "/tyonohjaus/kattavuus/"]))

    @task(1)
    def home(self):
        self.open("/")

    @task(2)
    def requests(self):
        self.open("/tilaukset/", random.choice(["", "", "?status=received", "?page=2"]))

    @task(2)
    def request(self):
        self.open("/tilaukset/{request_pk}/", request_pk=random.choice(MANIFEST["request_pks"]))

    @task(2)
    def approval(self):
        self.open("/palkkiot/")

    @task(1)
    def payroll_runs(self):
        self.open("/palkkiot/ajot/")

    @task(1)
    def payroll_run(self):
        self.open("/palkkiot/ajot/{run_pk}/", run_pk=random.choice(MANIFEST["run_pks"]))

    @task(1)
    def periods(self):
        if random.random() < 0.5:
            self.open("/kokemusohjaus/", random.choice(["", "?status=ongoing"]))
        else:
            self.open(
                "/kokemusohjaus/{period_pk}/", period_pk=random.choice(MANIFEST["period_pks"])
            )

    @tag("write")
    @task(2)
    def create_assignment(self):
        # The AssignmentForm and its expert formset (prefix "experts"), the rest as rendered.
        form = self.open("/tehtavat/uusi/")
        if form is None or form.status_code != 200:
            return
        marker = f"{MARKER_PREFIX}-{uuid.uuid4().hex[:16]}"
        day = datetime.date.fromisoformat(MANIFEST["today"]) + datetime.timedelta(
            days=random.randint(1, 40)
        )
        experts = random.sample(MANIFEST["bookable_expert_pks"], k=random.choice([1, 1, 2]))
        chosen = {
            "title": "Kuormitustestin tehtävä",
            "type": random.choice(MANIFEST["type_pks"]),
            "service_area": random.choice(MANIFEST["service_area_pks"]),
            "date": day.isoformat(),
            "start_time": "10:00",
            "hours": "2",
            "location": "Etäyhteys",
            "description": marker,
        } | {f"experts-{row}-expert": pk for row, pk in enumerate(experts)}
        data = _submit(form.text, chosen)
        with self.client.post(
            "/tehtavat/uusi/",
            data=data,
            name="/tehtavat/uusi/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"create refused: {response.status_code} {_errors(response.text)}")
                return
            pk = _assignment_pk(response.headers.get("Location", ""))
            _record({"marker": marker, "pk": pk, "hours": "2"})
            if pk:
                self.created.append({"pk": pk, "marker": marker})

    @tag("write")
    @task(1)
    def edit_assignment(self):
        if not self.created:
            return
        mine = random.choice(self.created)
        template = "/tehtavat/{pk}/muokkaa/"
        form = self.open(template, pk=mine["pk"])
        if form is None or form.status_code != 200:
            return
        hours = random.choice(["1.5", "3", "4"])
        data = _submit(form.text, {"hours": hours})  # with the version it was opened with
        with self.client.post(
            template.format(pk=mine["pk"]),
            data=data,
            name=template,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"edit refused: {response.status_code} {_errors(response.text)}")
                return
            _record({"marker": mine["marker"], "pk": mine["pk"], "hours": hours})


class Evaluation(KokemusUser):
    """Reads the monthly follow-up and exports it."""

    weight = 3
    role = "evaluation"

    @task(6)
    def report(self):
        self.open(
            "/raportit/?year={year}", year=random.choice([MANIFEST["year"], MANIFEST["year"] - 1])
        )

    @tag("export")
    @task(2)
    def export_xlsx(self):
        self.open("/raportit/vienti/xlsx/?year={year}", year=MANIFEST["year"])

    @tag("export")
    @task(1)
    def export_pdf(self):
        self.open("/raportit/vienti/pdf/?year={year}", year=MANIFEST["year"])

    @task(1)
    def home(self):
        self.open("/")


class Expert(KokemusUser):
    """Opens My page, an own assignment, fees and agreements; the calendar app polls the feed."""

    weight = 11
    role = "expert"

    @task(5)
    def my_page(self):
        self.open("/oma/")

    @task(2)
    def own_assignment(self):
        if self.login["assignment_pk"]:
            self.open(
                "/oma/tehtavat/{own_assignment_pk}/", own_assignment_pk=self.login["assignment_pk"]
            )

    @task(1)
    def fees(self):
        self.open("/oma/palkkiot/")

    @task(1)
    def agreements(self):
        self.open("/oma/sopimukset/")

    @task(1)
    def supervision(self):
        self.open("/oma/tyonohjaus/")

    @task(1)
    def offer(self):
        if self.login["offer_pks"]:
            self.open(
                "/oma/tarjoukset/{offer_pk}/", offer_pk=random.choice(self.login["offer_pks"])
            )

    @task(1)
    def periods(self):
        if self.login["period_pk"]:
            self.open("/kokemusohjaus/{own_period_pk}/", own_period_pk=self.login["period_pk"])

    @tag("write")
    @task(2)
    def report_hours(self):
        """Opens done work of their own and reports (or corrects) its hours."""
        if not hasattr(self, "reportable"):
            self.reportable = _claim_reports(self.login)
        if not self.reportable:
            return
        pk = random.choice(self.reportable)
        page = self.open("/oma/tehtavat/{reportable_assignment_pk}/", reportable_assignment_pk=pk)
        if page is None or page.status_code != 200:
            return
        marker = f"{MARKER_PREFIX}-{uuid.uuid4().hex[:16]}"
        hours = random.choice(["1", "1.5", "2", "3"])
        action = f"/oma/tehtavat/{pk}/raportti/"
        chosen = {"hours": hours, "kilometres": "0", "comment": marker}
        data = _submit(page.text, chosen, action=action)
        with self.client.post(
            action,
            data=data,
            name="/oma/tehtavat/{pk}/raportti/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"report refused: {response.status_code} {_errors(response.text)}")
                return
            _record(
                {
                    "kind": "hours_report",
                    "marker": marker,
                    "expert_pk": self.login["expert_pk"],
                    "assignment_pk": pk,
                    "hours": hours,
                }
            )

    @task(3)
    def calendar_feed(self):
        # As calendar apps do: send the last ETag; 304 means "no change" and is success.
        etag = getattr(self, "calendar_etag", None)
        response = self.open(
            "/oma/kalenteri/{calendar_token}.ics",
            calendar_token=self.login["calendar_token"],
            headers={"If-None-Match": etag} if etag else None,
            ok=(200, 304),
        )
        if response.status_code == 200:
            self.calendar_etag = response.headers.get("ETag")


class Requester(HttpUser):
    """A service's employee, without an account, fills in the public request form."""

    weight = 1
    wait_time = paced_wait

    @task(2)
    def form(self):
        with self.client.get("/tilaa/", name="/tilaa/", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for /tilaa/")

    @tag("write")
    @task(1)
    def send_request(self):
        page = self.client.get("/tilaa/", name="/tilaa/")
        if page.status_code != 200:
            return
        marker = f"{MARKER_PREFIX}-{uuid.uuid4().hex[:16]}"
        day = datetime.date.fromisoformat(MANIFEST["today"]) + datetime.timedelta(
            days=random.randint(14, 60)
        )
        chosen = {
            "type": random.choice(MANIFEST["type_pks"]),
            "audience": "Kuormitustestin opiskelijat",
            "service_area": random.choice(MANIFEST["service_area_pks"]),
            "date": day.isoformat(),
            "start_time": "13:00",
            "hours": "2",
            "mode": "remote",
            "experts_needed": "1",
            "description": marker,
            "requester_first_name": "Kuorma",
            "requester_last_name": "Testaaja",
            "requester_unit": "Kuormitustesti",
            "requester_email": "kuorma@example.fi",
        }
        with self.client.post(
            "/tilaa/",
            data=_submit(page.text, chosen),
            name="/tilaa/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(
                    f"request refused: {response.status_code} {_errors(response.text)}"
                )
                return
            _record({"kind": "request", "marker": marker})


def _claim_reports(login: dict) -> list[int]:
    """Up to REPORTS_PER_USER of the login's reportable assignments no other user reports."""
    free = [
        pk
        for pk in login["reportable_assignment_pks"]
        if (login["username"], pk) not in _claimed_reports
    ][:REPORTS_PER_USER]
    _claimed_reports.update((login["username"], pk) for pk in free)
    return free


def _submit(html: str, chosen: dict, action: str | None = None) -> list[tuple[str, str]]:
    """What a browser posts from the page's form after the user filled in ``chosen``."""
    kept = [(name, value) for name, value in form_fields(html, action) if name not in chosen]
    return kept + [(name, str(value)) for name, value in chosen.items()]


def _assignment_pk(location: str) -> int | None:
    match = re.search(r"/tehtavat/(\d+)/", location)
    return int(match.group(1)) if match else None


def _errors(html: str) -> str:
    """The form's error messages, short, for the failure statistics."""
    messages = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?([^<]+)', html)
    return "; ".join(message.strip() for message in messages)[:200]


def _record(entry: dict) -> None:
    with CREATED_LOG.open("a") as log:
        log.write(json.dumps(entry) + "\n")
