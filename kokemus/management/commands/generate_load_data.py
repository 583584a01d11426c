"""Fill a database with a county-sized data set for load tests (bench/served.sh).

Default: 500 experts, 100 000 assignments over 5 years, their agreements, participations and
supervision, requests (one per 50 assignments) with offers to experts, hours reports of the
last three months' done work (approved, or waiting for approval) and a payroll run for each
of the last twelve months, and logins per role that share one known password. The rows go in with
bulk_create in batches, not through the services (the services take minutes for this much),
so the command builds them the way the services would: each participation carries the signed
agreement that covers the assignment's date. The same seed and day give the same data.

``--manifest FILE`` writes what the load test needs to know (logins, ids, the calendar tokens)
as JSON; it is written also when the data was already there.
"""

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
)
from guidance import services as guidance
from guidance.models import Meeting, Outcome, Period, Place
from kokemus.access import Role
from kokemus.management.commands.load_demo import (
    FIRST_NAMES,
    LAST_NAMES,
    MUNICIPALITIES,
    TITLES,
)
from orders.models import Mode, Offer, OfferStatus, Request, RequestStatus
from payroll.models import LineStatus, PayrollRun, ReportLine, RunStatus
from payroll.selectors import class_sums
from portal.models import CalendarToken
from registry.models import (
    AssignmentType,
    ExperienceArea,
    ExperienceConsent,
    Expert,
    ExpertExperience,
    ExpertKind,
    Professional,
    ServiceArea,
)
from supervision.models import (
    Attendance,
    GroupKind,
    GroupMembership,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
)

LOAD_PREFIX = "LOAD-"
LOAD_PASSWORD = "kokemus-load-2026"
BATCH_SIZE = 5000
HOURS = [Decimal(h) for h in ("1", "1.5", "2", "2", "3", "4", "6")]
# How many logins of each role the load test may use.
LOGIN_COUNTS = {Role.COORDINATOR: 10, Role.EVALUATION: 5, Role.EXPERT: 20}


@dataclass(frozen=True)
class Cover:
    """An expert's two signed agreements: the first covers dates up to ``switch``."""

    expert_id: int
    ended_id: int
    active_id: int
    switch: datetime.date

    def agreement_for(self, day: datetime.date) -> int:
        return self.ended_id if day <= self.switch else self.active_id


# Requests: one per this many assignments; their statuses, by weight.
ASSIGNMENTS_PER_REQUEST = 50
REQUEST_STATUSES = {
    RequestStatus.RECEIVED: 10,
    RequestStatus.OFFERED: 10,
    RequestStatus.BOOKED: 60,
    RequestStatus.DECLINED: 10,
    RequestStatus.WITHDRAWN: 10,
}
# Hours reports: done work of this many days back is reported (the rest came before them).
REPORTED_DAYS = 90
# The expert logins' own done work of this many days back stays unreported, so that the load
# test has something for them to report (bench/locustfile.py).
UNREPORTED_DAYS = 60
PAYROLL_MONTHS = 12
WAITING_DAYS = 7
# Kokemusohjaus: a period per this many assignments, the expert logins' first; every other
# one ended. Made through guidance.services, so each meeting is its guide's assignment.
ASSIGNMENTS_PER_PERIOD = 500
PERIOD_GOALS = ["Arjen rytmi", "Oma asunto", "Vertaistuki"]
RECENT_WORK_PER_LOGIN = 5


class Command(BaseCommand):
    help = "Generate a large deterministic data set and load-test logins (bench/served.sh)."

    def add_arguments(self, parser):
        parser.add_argument("--assignments", type=int, default=100_000)
        parser.add_argument("--experts", type=int, default=500)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--manifest", type=Path, help="write logins and ids here (JSON)")

    def handle(self, *args, **options):
        if options["experts"] < LOGIN_COUNTS[Role.EXPERT] or options["assignments"] < 1:
            raise CommandError(
                f"Use at least {LOGIN_COUNTS[Role.EXPERT]} experts and one assignment."
            )
        if Expert.objects.filter(external_id__startswith=LOAD_PREFIX).exists():
            self.stdout.write("The load data is already there; nothing to add.")
        else:
            generator = LoadData(
                today=timezone.localdate(),
                rng=random.Random(options["seed"]),
                years=options["years"],
                stdout=self.stdout,
            )
            with transaction.atomic():
                generator.build(experts=options["experts"], assignments=options["assignments"])
            # Fresh statistics for the planner: before autovacuum gets to the new rows, it
            # guesses "1 row" for 80 000 and picks nested loops (an expert's fees: 1 s, not 0.1).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(self.style.SUCCESS("Load data created."))
        if options["manifest"]:
            options["manifest"].parent.mkdir(parents=True, exist_ok=True)
            options["manifest"].write_text(json.dumps(manifest(), indent=1, default=str))
            self.stdout.write(f"Manifest written to {options['manifest']}.")


class LoadData:
    def __init__(self, *, today: datetime.date, rng: random.Random, years: int, stdout):
        self.today = today
        self.rng = rng
        self.stdout = stdout
        self.start = (today - relativedelta(years=years)).replace(day=1)
        self.end = today + relativedelta(months=2)
        self.service_areas = list(ServiceArea.objects.all())
        self.divisions = [area for area in self.service_areas if area.parent_id is None]
        self.types = list(AssignmentType.objects.all())

    def build(self, *, experts: int, assignments: int) -> None:
        self.experts = self._experts(experts)
        self.professionals = self._professionals(max(10, experts // 5))
        self.covers = self._agreements()
        self._consents()
        self._assignments(assignments)
        self._recent_work_for_logins()
        self._supervision()
        self._requests_and_offers(max(20, assignments // ASSIGNMENTS_PER_REQUEST))
        self._guidance_periods(
            max(LOGIN_COUNTS[Role.EXPERT], assignments // ASSIGNMENTS_PER_PERIOD)
        )
        self._logins()
        self._hours_reports_and_runs()

    def _experts(self, count: int) -> list[Expert]:
        kinds = list(ExpertKind)
        experts = []
        for number in range(1, count + 1):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            trained = self.rng.random() < 0.7
            experts.append(
                Expert(
                    external_id=f"{LOAD_PREFIX}E{number:05}",
                    first_name=first,
                    last_name=last,
                    email=f"kokemus.{number:05}@example.fi",
                    phone=f"+358 40 {self.rng.randint(1000000, 9999999)}",
                    municipality=self.rng.choice(MUNICIPALITIES),
                    kind=self.rng.choice(kinds),
                    trained=trained,
                    training_completed_on=self.start - datetime.timedelta(days=number)
                    if trained
                    else None,
                )
            )
        return Expert.objects.bulk_create(experts, batch_size=BATCH_SIZE)

    def _professionals(self, count: int) -> list[Professional]:
        return Professional.objects.bulk_create(
            Professional(
                first_name=self.rng.choice(FIRST_NAMES),
                last_name=self.rng.choice(LAST_NAMES),
                title="sosiaaliohjaaja",
                email=f"ammattilainen.{number:04}@example.fi",
                service_area=self.rng.choice(self.service_areas),
            )
            for number in range(1, count + 1)
        )

    def _agreements(self) -> list[Cover]:
        """Each expert: an ended agreement, then an active one until next year; a few drafts."""
        span = (self.end - self.start).days
        pairs = []
        for number, expert in enumerate(self.experts, start=1):
            switch = self.start + datetime.timedelta(days=int(span * self.rng.uniform(0.3, 0.7)))
            fee = self.rng.choice([Decimal("20.00"), Decimal("25.00"), Decimal("30.00")])
            ended = self._agreement(f"{number:05}-1", expert, AgreementStatus.ENDED, fee)
            ended.valid_from, ended.valid_until = self.start, switch
            active = self._agreement(f"{number:05}-2", expert, AgreementStatus.ACTIVE, fee)
            active.valid_from = switch + datetime.timedelta(days=1)
            active.valid_until = self.end + relativedelta(years=1)
            pairs.append((expert, ended, active, switch))
        drafts = [
            self._agreement(f"{number:05}-3", expert, AgreementStatus.DRAFT, Decimal("25.00"))
            for number, expert in enumerate(self.experts[::25], start=1)
        ]
        for draft in drafts:
            draft.valid_from, draft.signed_on = self.today, None
        rows = [a for _, ended, active, _ in pairs for a in (ended, active)] + drafts
        for agreement in rows:
            if agreement.status != AgreementStatus.DRAFT:
                agreement.signed_on = agreement.valid_from - datetime.timedelta(days=7)
        Agreement.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return [
            Cover(expert.pk, ended.pk, active.pk, switch) for expert, ended, active, switch in pairs
        ]

    def _agreement(self, suffix, expert, status, fee) -> Agreement:
        return Agreement(
            number=f"{LOAD_PREFIX}TS-{suffix}",
            expert=expert,
            division=self.rng.choice(self.divisions),
            status=status,
            valid_from=self.start,
            hourly_fee=fee,
            travel_compensation=Decimal("0.25"),
        )

    def _consents(self) -> None:
        areas = list(ExperienceArea.objects.all())
        consents = ExperienceConsent.objects.bulk_create(
            ExperienceConsent(
                expert=expert, purpose="Tehtävien kohdentaminen.", given_on=self.start
            )
            for expert in self.experts[::3]
        )
        ExpertExperience.objects.bulk_create(
            ExpertExperience(
                expert_id=consent.expert_id, area=self.rng.choice(areas), consent=consent
            )
            for consent in consents
        )

    def _assignments(self, count: int) -> None:
        span = (self.end - self.start).days
        for first in range(1, count + 1, BATCH_SIZE):
            numbers = range(first, min(first + BATCH_SIZE, count + 1))
            batch = [self._assignment(number, span) for number in numbers]
            Assignment.objects.bulk_create(batch)
            participations = []
            for assignment in batch:
                team = self.rng.sample(self.covers, k=self.rng.choice([1, 1, 1, 2, 2, 3]))
                participations += [
                    Participation(
                        assignment=assignment,
                        expert_id=cover.expert_id,
                        agreement_id=cover.agreement_for(assignment.date),
                        # given, as the import does: the database's trigger would look
                        # each one up (agreements migration 0007)
                        first_day=assignment.date,
                        last_day=assignment.end_date or assignment.date,
                    )
                    for cover in team
                ]
            Participation.objects.bulk_create(participations)
            self.stdout.write(f"  assignments {numbers[-1]}/{count}")

    def _recent_work_for_logins(self) -> None:
        """Each expert login on a few more done assignments of the last UNREPORTED_DAYS, so
        each has work of its own to report in the load test, however small the data set."""
        recent = list(
            Assignment.objects.filter(
                status=AssignmentStatus.DONE,
                date__gt=self.today - datetime.timedelta(days=UNREPORTED_DAYS),
                date__lt=self.today,
            ).values_list("pk", "date")
        )
        covers = {cover.expert_id: cover for cover in self.covers}
        taken = set(
            Participation.objects.filter(assignment__in=[pk for pk, _ in recent]).values_list(
                "assignment_id", "expert_id"
            )
        )
        added = []
        for expert in self.experts[: LOGIN_COUNTS[Role.EXPERT]]:
            for pk, day in self.rng.sample(recent, k=min(RECENT_WORK_PER_LOGIN, len(recent))):
                if (pk, expert.pk) not in taken:
                    added.append(
                        Participation(
                            assignment_id=pk,
                            expert=expert,
                            agreement_id=covers[expert.pk].agreement_for(day),
                        )
                    )
        Participation.objects.bulk_create(added)

    def _assignment(self, number: int, span: int) -> Assignment:
        day = self.start + datetime.timedelta(days=self.rng.randrange(span))
        kind = self.rng.choice(self.types)
        if day > self.today:
            status = AssignmentStatus.PLANNED
        else:
            status = self.rng.choices(
                [AssignmentStatus.DONE, AssignmentStatus.CANCELLED, AssignmentStatus.PLANNED],
                weights=[85, 10, 5],
            )[0]
        return Assignment(
            external_id=f"{LOAD_PREFIX}A{number:07}",
            title=TITLES.get(kind.code, kind.name),
            type=kind,
            service_area=self.rng.choice(self.service_areas),
            date=day,
            start_time=datetime.time(self.rng.choice([9, 10, 13, 14, 17]), 0),
            hours=self.rng.choice(HOURS),
            location=self.rng.choice(["Kokkola, sote-keskus", "Etäyhteys", "Kannus"]),
            status=status,
            contact=self.rng.choice(self.professionals),
        )

    def _supervision(self) -> None:
        """One group per 20 experts, a session a month since the start."""
        topics = list(SupervisionTopic.objects.all())
        kinds = list(GroupKind)
        supervisor = Professional.objects.create(
            first_name="Raija",
            last_name="Rinne",
            title="työnohjaaja",
            peer_work_experience="Vertaistyön ohjaajana vuodesta 2015.",
        )
        groups = SupervisionGroup.objects.bulk_create(
            SupervisionGroup(
                name=f"Työnohjausryhmä {number}",
                kind=kinds[number % len(kinds)],
                division=self.rng.choice(self.divisions),
                supervisor=supervisor,
                started_on=self.start,
            )
            for number in range(1, max(1, len(self.experts) // 20) + 1)
        )
        memberships, sessions = [], []
        for group in groups:
            experts = self.rng.sample(self.experts, k=min(8, len(self.experts)))
            memberships += [
                GroupMembership(group=group, expert=expert, joined_on=self.start)
                for expert in experts
            ] + [GroupMembership(group=group, professional=self.rng.choice(self.professionals))]
            month = self.start
            while (day := month + datetime.timedelta(days=self.rng.randrange(20))) <= self.today:
                sessions.append(
                    SupervisionSession(group=group, date=day, facilitator="Raija Rinne")
                )
                month += relativedelta(months=1)
        GroupMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
        members_by_group = {}
        for membership in memberships:
            members_by_group.setdefault(membership.group_id, []).append(membership)
        Attendance.objects.bulk_create(
            (
                Attendance(session=session, membership=m, present=self.rng.random() < 0.8)
                for session in sessions
                for m in members_by_group[session.group_id]
            ),
            batch_size=BATCH_SIZE,
        )
        SupervisionSession.topics.through.objects.bulk_create(
            (
                SupervisionSession.topics.through(supervisionsession=session, supervisiontopic=t)
                for session in sessions
                for t in self.rng.sample(topics, k=min(2, len(topics)))
            ),
            batch_size=BATCH_SIZE,
        )

    def _guidance_periods(self, count: int) -> None:
        professional = self.professionals[0]
        for number in range(count):
            guide = self.experts[number % len(self.experts)]
            referred_on = self.today - datetime.timedelta(days=70 + number % 300)
            period = guidance.period_save(
                period=Period(
                    external_id=f"{LOAD_PREFIX}P{number:05}",
                    guide=guide,
                    client_code=f"KO-{number:05}",
                    referred_by=professional,
                    referred_on=referred_on,
                    service_area=self.rng.choice(self.service_areas),
                )
            )
            days = [referred_on + datetime.timedelta(days=d) for d in (10, 30, 50)]
            guidance.period_start(period=period, meeting=self._meeting(days[0]), goals=PERIOD_GOALS)
            for day in days[1:]:
                guidance.meeting_save(period=period, meeting=self._meeting(day))
            if number % 2:
                outcomes = {goal.pk: self.rng.choice(Outcome.values) for goal in period.goals.all()}
                guidance.period_end(
                    period=period, ended_on=days[-1], outcomes=outcomes, closing_note=""
                )
        self.stdout.write(f"  kokemusohjaus periods {count}")

    def _meeting(self, day: datetime.date) -> Meeting:
        return Meeting(date=day, hours=Decimal("1.50"), place=self.rng.choice(Place.values))

    def _requests_and_offers(self, count: int) -> None:
        """Requests received over the last two years, the open ones newest; pending offers on
        the offered ones, every expert login among those offered (their offer pages)."""
        now = timezone.now()
        statuses = self.rng.choices(
            list(REQUEST_STATUSES), weights=list(REQUEST_STATUSES.values()), k=count
        )
        statuses[:3] = [RequestStatus.OFFERED] * 3  # offers for every expert login, however few
        requests = []
        for number, status in enumerate(statuses, start=1):
            is_open = status in (RequestStatus.RECEIVED, RequestStatus.OFFERED)
            received = now - datetime.timedelta(
                days=self.rng.randrange(1, 30 if is_open else 730), minutes=number
            )
            remote = self.rng.random() < 0.4
            requests.append(
                Request(
                    type=self.rng.choice(self.types),
                    audience="Sairaanhoitajaopiskelijat",
                    service_area=self.rng.choice(self.service_areas),
                    date=self.today + datetime.timedelta(days=self.rng.randrange(7, 90))
                    if is_open
                    else received.date() + datetime.timedelta(days=30),
                    hours=self.rng.choice(HOURS),
                    mode=Mode.REMOTE if remote else Mode.ON_SITE,
                    municipality="" if remote else self.rng.choice(MUNICIPALITIES),
                    description=f"{LOAD_PREFIX}R{number:06} Kokemuspuheenvuoro.",
                    requester_first_name=self.rng.choice(FIRST_NAMES),
                    requester_last_name=self.rng.choice(LAST_NAMES),
                    requester_unit="Kokkolan sote-keskus",
                    requester_email=f"tilaaja.{number:06}@example.fi",
                    status=status,
                    received_at=received,
                    booked_at=received + datetime.timedelta(days=2)
                    if status == RequestStatus.BOOKED
                    else None,
                    closed_at=received + datetime.timedelta(days=3)
                    if status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN)
                    else None,
                )
            )
        Request.objects.bulk_create(requests, batch_size=BATCH_SIZE)
        offered = [r for r in requests if r.status == RequestStatus.OFFERED]
        logins = self.experts[: LOGIN_COUNTS[Role.EXPERT]]
        pairs = {
            (request, expert)
            for request in offered
            for expert in self.rng.sample(self.experts, k=2)
        }
        pairs |= {
            (request, expert)
            for expert in logins
            for request in self.rng.sample(offered, k=min(3, len(offered)))
        }
        offers = [
            Offer(
                request=request,
                expert=expert,
                status=OfferStatus.PENDING,
                deadline=now + datetime.timedelta(days=self.rng.randrange(2, 10)),
            )
            for request, expert in sorted(pairs, key=lambda pair: (pair[0].pk, pair[1].pk))
        ]
        Offer.objects.bulk_create(offers, batch_size=BATCH_SIZE)

    def _hours_reports_and_runs(self) -> None:
        """The last REPORTED_DAYS' done work reported: before this month approved and paid in
        a run per month (exported); this month's and the last WAITING_DAYS' waiting for
        approval (so there is some on the first of a month too). The expert logins' own work of
        the last UNREPORTED_DAYS stays unreported (the load test reports it)."""
        this_month = self.today.replace(day=1)
        coordinator = User.objects.get(username=f"load-{Role.COORDINATOR}-01")
        runs = PayrollRun.objects.bulk_create(
            PayrollRun(
                month=this_month - relativedelta(months=back),
                status=RunStatus.EXPORTED,
                created_by=coordinator,
                exported_by=coordinator,
                exported_at=timezone.now(),
            )
            for back in range(1, PAYROLL_MONTHS + 1)
        )
        run_by_month = {run.month: run for run in runs}
        login_ids = {expert.pk for expert in self.experts[: LOGIN_COUNTS[Role.EXPERT]]}
        kept_for_logins = self.today - datetime.timedelta(days=UNREPORTED_DAYS)
        waiting_since = self.today - datetime.timedelta(days=WAITING_DAYS)
        participations = Participation.objects.filter(
            assignment__status=AssignmentStatus.DONE,
            assignment__date__gt=self.today - datetime.timedelta(days=REPORTED_DAYS),
            assignment__date__lte=self.today,
        ).select_related("assignment__type", "agreement")
        lines = []
        for participation in participations.iterator(chunk_size=BATCH_SIZE):
            day = participation.assignment.date
            if participation.expert_id in login_ids and day > kept_for_logins:
                continue
            month = day.replace(day=1)
            approved = month < this_month and day <= waiting_since
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
            lines.append(
                ReportLine(
                    participation=participation,
                    agreement=participation.agreement,
                    status=LineStatus.APPROVED if approved else LineStatus.SUBMITTED,
                    hours=participation.assignment.hours,
                    kilometres=Decimal(self.rng.choice([0, 0, 12, 40])),
                    hourly_fee=participation.agreement.hourly_fee,
                    assignment_fee=participation.agreement.assignment_fee,
                    kilometre_rate=participation.agreement.travel_compensation,
                    payroll_class=participation.assignment.type.payroll_class if approved else "",
                    run=run_by_month.get(month) if approved else None,
                    reported_at=moment,
                    decided_at=moment + datetime.timedelta(days=2) if approved else None,
                )
            )
        ReportLine.objects.bulk_create(lines, batch_size=BATCH_SIZE)
        for run in runs:  # as their export keeps them
            run.sums = class_sums(run.lines.all())
        PayrollRun.objects.bulk_update(runs, ["sums"])

    def _logins(self) -> None:
        """Load-test logins per role; experts' logins are the first experts, with a feed."""
        password = make_password(LOAD_PASSWORD)  # one Argon2 hash, shared: saves seconds
        users = []
        for role, count in LOGIN_COUNTS.items():
            users += [
                User(username=f"load-{role}-{number:02}", password=password, first_name="Kuorma")
                for number in range(1, count + 1)
            ]
        User.objects.bulk_create(users)
        groups = {group.name: group for group in Group.objects.all()}
        User.groups.through.objects.bulk_create(
            User.groups.through(user=user, group=groups[user.username.split("-")[1]])
            for user in users
        )
        expert_users = [user for user in users if user.username.startswith(f"load-{Role.EXPERT}")]
        for user, expert in zip(expert_users, self.experts, strict=False):
            expert.user = user
        Expert.objects.bulk_update(self.experts[: len(expert_users)], ["user"])
        CalendarToken.objects.bulk_create(
            CalendarToken(expert=expert, token=f"load{self.rng.getrandbits(128):032x}")
            for expert in self.experts[: len(expert_users)]
        )


def manifest() -> dict:
    """What the load test needs: logins, a few ids of each kind, and where experts can work."""
    experts = Expert.objects.filter(external_id__startswith=LOAD_PREFIX).order_by("pk")
    today = timezone.localdate()
    expert_logins = []
    for expert in experts.filter(user__isnull=False).select_related("user", "calendar_token"):
        own = expert.participations.order_by("-assignment__date").values_list(
            "assignment_id", "agreement_id"
        )
        assignment_id, agreement_id = own.first() or (None, None)
        reportable = expert.participations.filter(
            assignment__status=AssignmentStatus.DONE,
            assignment__date__lte=today,
            assignment__date__gt=today - datetime.timedelta(days=UNREPORTED_DAYS),
        ).exclude(report_lines__status=LineStatus.APPROVED)
        offers = Offer.objects.filter(expert=expert, status=OfferStatus.PENDING)
        period = Period.objects.filter(guide=expert).order_by("pk").values_list("pk", flat=True)
        expert_logins.append(
            {
                "username": expert.user.username,
                "expert_pk": expert.pk,
                "calendar_token": expert.calendar_token.token,
                "assignment_pk": assignment_id,
                "agreement_pk": agreement_id,
                # done work of their own to report (the hours report form) and their offers
                "reportable_assignment_pks": list(
                    reportable.order_by("-assignment__date").values_list(
                        "assignment_id", flat=True
                    )[:20]
                ),
                "offer_pks": list(offers.order_by("pk").values_list("pk", flat=True)[:20]),
                "period_pk": period.first(),  # their own kokemusohjaus period
            }
        )
    active = Agreement.objects.filter(
        number__startswith=LOAD_PREFIX, status=AgreementStatus.ACTIVE, valid_from__lte=today
    )
    return {
        "password": LOAD_PASSWORD,
        "today": today.isoformat(),
        "logins": {
            Role.COORDINATOR: _usernames(Role.COORDINATOR),
            Role.EVALUATION: _usernames(Role.EVALUATION),
            Role.EXPERT: expert_logins,
        },
        "expert_pks": list(experts.values_list("pk", flat=True)[:200]),
        "assignment_pks": list(
            Assignment.objects.filter(external_id__startswith=LOAD_PREFIX)
            .order_by("-date")
            .values_list("pk", flat=True)[:200]
        ),
        # experts who may be booked today and for the next weeks (their agreement covers it)
        "bookable_expert_pks": list(active.values_list("expert_id", flat=True)[:200]),
        "type_pks": list(AssignmentType.objects.values_list("pk", flat=True)),
        "request_pks": list(
            Request.objects.filter(description__startswith=LOAD_PREFIX)
            .order_by("-received_at")
            .values_list("pk", flat=True)[:200]
        ),
        "run_pks": list(PayrollRun.objects.order_by("-month").values_list("pk", flat=True)),
        "period_pks": list(
            Period.objects.filter(external_id__startswith=LOAD_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        ),
        "service_area_pks": list(ServiceArea.objects.values_list("pk", flat=True)),
        "months": _months(today),
        "year": today.year,
    }


def _usernames(role: str) -> list[str]:
    return list(
        User.objects.filter(username__startswith=f"load-{role}-")
        .order_by("username")
        .values_list("username", flat=True)
    )


def _months(today: datetime.date) -> list[str]:
    first = today.replace(day=1)
    return [(first - relativedelta(months=back)).strftime("%Y-%m") for back in range(24)]
