"""Where each page of bench/pages.txt spends its time: median ms, SQL queries, slowest query.

Requests every page (and the load test's hours report POST) with Django's test client, in
this process, against the database of DATABASE_URL as generate_load_data filled it, logged in
as the manifest's load-test users of each role (DEBUG off, as served). Not a test: prepare
the data as bench/served.sh does, then

    createdb -h 127.0.0.1 -U postgres kokemus_prof
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kokemus_prof
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_load_data --assignments 100000 \\
        --manifest /tmp/prof_manifest.json
    vacuumdb --analyze -h 127.0.0.1 -U postgres kokemus_prof
    .venv/bin/python bench/profile_pages.py --manifest /tmp/prof_manifest.json [-n 10]
        [--only /oma/] [--queries /oma/]

Each page is requested once to warm up, then ``-n`` times timed (the median is printed), then
once more with its queries captured: their number and the slowest one's ms (capturing costs a
little, so it is not in the median). ``--only`` keeps the pages whose template contains the
text; ``--queries`` also prints the captured queries of those pages, slowest first, and
``--profile`` where their time goes in Python (cProfile of one more request). The
"weight" column is how often the load test (bench/locustfile.py) opens the page per hour of a
user of its role (its task weights, not its think time), to rank pages by what they cost the
mix. The hours report POST is written and then corrected again on the next round, as experts
do in the load test; it leaves report lines in the database.
"""

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokemus.settings")
# As bench/served.sh serves it: production settings but plain HTTP, and the hashed static
# files (collected once into STATIC_ROOT, by default a directory under /tmp).
os.environ["DEBUG"] = "false"
os.environ.update(SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false")
os.environ.update(CSRF_COOKIE_SECURE="false", SECURE_HSTS_SECONDS="0", LOG_LEVEL="WARNING")
os.environ.setdefault("STATIC_ROOT", "/tmp/kokemus_profile_static")

import django  # noqa: E402

django.setup()

from common import form_fields, load_manifest, placeholders, read_pages, usernames_by_role  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# How often the load test's mix opens a page: (its class's weight × the task's share of the
# class's tasks), from bench/locustfile.py, in "per 100 requests of the mix" roughly. Pages
# the mix does not open have no weight.
MIX = {
    ("coordinator", "/"): 6 * 1 / 31,
    ("evaluation", "/"): 3 * 1 / 10,
    ("expert", "/oma/"): 11 * 5 / 18,
    ("expert", "/oma/tehtavat/{own_assignment_pk}/"): 11 * 2 / 18,
    ("expert", "/oma/sopimukset/"): 11 * 1 / 18,
    ("expert", "/oma/tyonohjaus/"): 11 * 1 / 18,
    ("expert", "/oma/palkkiot/"): 11 * 1 / 18,
    ("expert", "/oma/tarjoukset/{offer_pk}/"): 11 * 1 / 18,
    ("expert", "/kokemusohjaus/{own_period_pk}/"): 11 * 1 / 18,
    ("expert", "/oma/tehtavat/{reportable_assignment_pk}/"): 11 * 2 / 18,
    ("expert", "POST /oma/tehtavat/{reportable_assignment_pk}/raportti/"): 11 * 2 / 18,
    ("anonymous", "/oma/kalenteri/{calendar_token}.ics"): 11 * 3 / 18,
    ("coordinator", "/kokemustoimijat/"): 6 * 4 / 31,
    ("coordinator", "/kokemustoimijat/{expert_pk}/"): 6 * 3 / 31,
    ("coordinator", "/tehtavat/?month={month}"): 6 * 4 / 31,
    ("coordinator", "/tehtavat/"): 6 * 2 / 31,
    ("coordinator", "/sopimukset/"): 6 * 2 / 31,
    ("coordinator", "/tyonohjaus/"): 6 * 0.5 / 31,
    ("coordinator", "/tyonohjaus/kattavuus/"): 6 * 0.5 / 31,
    ("coordinator", "/tilaukset/"): 6 * 2 / 31,
    ("coordinator", "/tilaukset/{request_pk}/"): 6 * 2 / 31,
    ("coordinator", "/palkkiot/"): 6 * 2 / 31,
    ("coordinator", "/palkkiot/ajot/"): 6 * 1 / 31,
    ("coordinator", "/palkkiot/ajot/{run_pk}/"): 6 * 1 / 31,
    ("coordinator", "/kokemusohjaus/"): 6 * 0.5 / 31,
    ("coordinator", "/kokemusohjaus/{period_pk}/"): 6 * 0.5 / 31,
    ("coordinator", "/tehtavat/uusi/"): 6 * 2 / 31,
    ("evaluation", "/raportit/?year={year}"): 3 * 6 / 10,
    ("evaluation", "/raportit/vienti/xlsx/?year={year}"): 3 * 2 / 10,
    ("evaluation", "/raportit/vienti/pdf/?year={year}"): 3 * 1 / 10,
    ("anonymous", "/tilaa/"): 1 * 2 / 3,
}
REPORT_POST = "POST /oma/tehtavat/{reportable_assignment_pk}/raportti/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("-n", type=int, default=10, help="timed requests per page")
    parser.add_argument("--only", action="append", default=[], help="text in the template")
    parser.add_argument("--queries", action="append", default=[], help="print their SQL")
    parser.add_argument(
        "--profile", action="append", default=[], help="cProfile those pages (once)"
    )
    parser.add_argument("--no-post", action="store_true", help="skip the hours report POST")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    manifest = load_manifest(args.manifest)
    expert = manifest["logins"]["expert"][0]
    values = placeholders(manifest, expert)
    usernames = usernames_by_role(manifest)
    clients = {"anonymous": Client()}
    for role, username in usernames.items():
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(username=username))

    pages = [(page.role, page.template) for page in read_pages()]
    if not args.no_post and values["reportable_assignment_pk"] != "none":
        pages.append(("expert", REPORT_POST))
    if args.only:
        pages = [p for p in pages if any(text in p[1] for text in args.only)]

    print(f"load average: {' '.join(os.getloadavg().__str__().strip('()').split(', '))}")
    print(f"{'median ms':>9} {'queries':>7} {'slowest q ms':>12} {'weight':>6} {'ms×w':>6}  page")
    for role, template in pages:
        request = _request_for(clients[role], template, values)
        times = []
        request()  # warm up: templates, the connection, caches
        for _ in range(args.n):
            started = time.perf_counter()
            request()
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            status = request()
        median = statistics.median(times)
        slowest = max((float(q["time"]) * 1000 for q in captured.captured_queries), default=0)
        weight = MIX.get((role, template), 0)
        print(
            f"{median:9.1f} {len(captured):7d} {slowest:12.1f} {weight:6.2f} "
            f"{median * weight:6.0f}  {role:<11} {template}"
            + ("" if status in (200, 302, 304) else f"  (status {status})")
        )
        if any(text in template for text in args.profile):
            _print_profile(request)
        if any(text in template for text in args.queries):
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}")
    return 0


def _print_profile(request) -> None:
    """The functions the request spends its time in (cProfile), by their own time."""
    profile = cProfile.Profile()
    profile.runcall(request)
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def _request_for(client: Client, template: str, values: dict):
    """A function that makes the page's request and returns its status code."""
    if template == REPORT_POST:
        return _hours_report(client, values["reportable_assignment_pk"])
    path = template.format(**values)

    def get():
        return client.get(path).status_code

    return get


def _hours_report(client: Client, assignment_pk: int):
    """POST the assignment page's hours report form with alternating hours (as corrections).

    Only the POST is timed: the form is read from the page once, and the page's GET has its
    own line.
    """
    page_path = f"/oma/tehtavat/{assignment_pk}/"
    action = f"{page_path}raportti/"
    fields = dict(form_fields(client.get(page_path).content.decode(), action))
    hours = itertools.cycle(["1", "1.5", "2", "3"])

    def post():
        data = fields | {"hours": next(hours), "kilometres": "0", "comment": "profile_pages"}
        return client.post(action, data).status_code

    return post


if __name__ == "__main__":
    sys.exit(main())
