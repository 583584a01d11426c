"""Fill an empty database with a believable Finnish demo and one login per role.

The demo is a year and a half of a county's lived-experience work, laid out around today: a
group of experienced experts whose yearly agreements are renewed through the year, a training
cohort that signs its agreements in the spring and another in the autumn, two experts who left,
and three newly trained waiting for signatures. The work follows the seasons (a quiet July and
Christmas, busy autumns and springs, lectures in term time) and grows as experts join, mostly
in each expert's own service division. Supervision groups meet in their own divisions.

Idempotent: when the demo experts exist it only makes sure the demo logins exist. Every
assignment goes through the same service as the coordinator's form, so the demo obeys the
SPEC's rules (each expert covered by a signed agreement on the assignment's date).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
    ReachedGroup,
)
from agreements.services import assignment_save
from feedback.models import FeedbackLink, Reflection
from feedback.services import ask_for_feedback, professional_feedback_give, reflection_save
from guidance import services as guidance
from guidance.models import Meeting, Period, Place
from kokemus.access import Role
from notifications.models import Message
from pairs.models import DoneBy, WorkPair
from pairs.services import pair_save
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
    Seniority,
    SessionSeries,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
    TopicProposal,
    Weekday,
)
from supervision.services import series_save

DEMO_PASSWORD = "kokemus-demo-2026"
DEMO_PREFIX = "DEMO-"
# Whom the types that record it reached, and at most how many.
REACH = {
    "client_panel": (ReachedGroup.CLIENTS, 12),
    "training": (ReachedGroup.STUDENTS, 60),
    "communication": (ReachedGroup.RESIDENTS, 200),
    "development": (ReachedGroup.STAFF, 20),
}
REFLECTIONS = [
    "Meni hyvin, kuulijat kysyivät paljon.",
    "Hyvä keskustelu, tunsin olevani kuultu.",
    "Tuttu ryhmä, sujui luontevasti.",
    "Jännitti aluksi, mutta sain kerrottua tärkeimmän.",
    "Aihe oli raskas; olisin kaivannut purkua heti perään.",
    "",
]
GUIDANCE_GOALS = [
    "Arjen rytmi",
    "Oma asunto",
    "Velkojen järjestely",
    "Vertaisryhmään mukaan",
    "Liikuntaa viikoittain",
    "Yhteys omaisiin",
    "Työkokeilu",
]
FIRST_NAMES = [
    "Aino",
    "Eeva",
    "Helmi",
    "Kaisa",
    "Liisa",
    "Maija",
    "Noora",
    "Pirjo",
    "Sanna",
    "Tuula",
    "Anneli",
    "Johanna",
    "Eero",
    "Jari",
    "Juha",
    "Kalle",
    "Lauri",
    "Markku",
    "Mikko",
    "Pekka",
    "Sami",
    "Timo",
    "Ville",
    "Antti",
    "Heikki",
    "Ilkka",
    "Jukka",
    "Leena",
    "Riikka",
    "Satu",
]
LAST_NAMES = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
]
MUNICIPALITIES = ["Kokkola", "Kannus", "Kaustinen", "Veteli", "Toholampi", "Perho", "Halsua"]
TITLES = {
    "client_support": "Asiakkaan tukena vastaanotolla",
    "development": "Palvelun yhteiskehittämispaja",
    "communication": "Kokemustarina tiedotteeseen",
    "evaluation": "Palvelun arviointihaastattelu",
    "training": "Luento opiskelijoille: toipumisen polku",
    "peer_group": "Vertaisryhmän ohjaus",
    "experience_guidance": "Kokemusohjaus asiakkaan kanssa",
    "client_panel": "Asiakasraadin kokous",
    "other": "Messupäivä",
}
# More titles per type, so that a list of assignments reads like a real one (none names a
# service: an assignment's service area is drawn apart from its title).
MORE_TITLES = {
    "client_support": ["Tukena palveluohjauksessa", "Asiakkaan tukena verkostopalaverissa"],
    "development": ["Asiakaspolun kehittäminen", "Palvelukuvauksen kommentointi"],
    "communication": ["Haastattelu paikallislehteen", "Kokemuspuheenvuoro somekampanjaan"],
    "evaluation": ["Asiakaskyselyn tulosten arviointi", "Arviointikäynti palvelussa"],
    "training": ["Luento hoitotyön opiskelijoille", "Kokemuspuheenvuoro henkilöstökoulutuksessa"],
    "peer_group": ["Toipujien vertaisryhmä", "Omaisten vertaisryhmä"],
    "experience_guidance": ["Kokemusohjauksen tapaaminen", "Kokemusohjaus kotikäynnillä"],
    "client_panel": ["Asiakasraati: selkokieliset esitteet", "Asiakasraati: palautteen käsittely"],
    "other": ["Hyvinvointimessut", "Järjestöjen yhteinen tapahtuma"],
}
# Division code, professional: first name, last name, title, service area code.
PROFESSIONALS = [
    ("Hanna", "Kallio", "sosiaaliohjaaja", "adult_social_work"),
    ("Olli", "Peltonen", "psykiatrinen sairaanhoitaja", "mh_outpatient"),
    ("Marja", "Hiltunen", "palveluesihenkilö", "home_care"),
    ("Petri", "Seppälä", "sosiaalityöntekijä", "family_services"),
    ("Kirsi", "Väisänen", "terveydenhoitaja", "primary_care"),
    ("Jussi", "Aaltonen", "kehittämissuunnittelija", "disability"),
    ("Tiina", "Oksanen", "lastensuojelun työntekijä", "child_welfare"),
    ("Harri", "Lindholm", "päihdetyöntekijä", "substance_services"),
]
# How busy each calendar month is, January to December: a quiet July and Christmas, busy
# autumns and springs.
SEASON = [0.9, 1.1, 1.25, 1.15, 1.0, 0.65, 0.3, 0.8, 1.2, 1.35, 1.25, 0.75]
# What each kind of expert mostly does (type code: weight).
WORK_BY_KIND = {
    ExpertKind.EXPERT: {
        "training": 4,
        "development": 4,
        "client_support": 3,
        "client_panel": 3,
        "evaluation": 2,
        "communication": 1,
        "other": 1,
    },
    ExpertKind.GUIDE: {"experience_guidance": 8, "client_support": 3, "training": 1},
    ExpertKind.PEER: {"peer_group": 8, "client_support": 2, "other": 1},
    ExpertKind.OTHER: {"client_panel": 4, "communication": 2, "other": 3},
}
LECTURE_TYPES = {"training"}  # in term time only
TERM_MONTHS = {1, 2, 3, 4, 5, 9, 10, 11, 12}
TEAM_SIZES = {"training": [1, 2], "development": [2, 3], "client_panel": [2, 3], "other": [1, 2]}
HOURS = {
    "client_support": ["1.5", "2"],
    "development": ["3", "3", "4"],
    "communication": ["1", "1.5"],
    "evaluation": ["2", "3"],
    "training": ["1.5", "2", "3"],
    "peer_group": ["2"],
    "experience_guidance": ["1", "1.5", "2"],
    "client_panel": ["2", "2.5"],
    "other": ["4", "6"],
}
ASSIGNMENTS = 480
# Each expert's service division, in the order of FIRST_NAMES (mental health is the largest).
EXPERT_DIVISIONS = (
    ["mental_health"] * 5 + ["family_social"] * 2 + ["health", "elderly", "disability"]
    + ["mental_health"] * 2  # the veterans end here (12)
    + ["mental_health"] * 3 + ["family_social"] * 2 + ["health"] * 2 + ["disability"] * 2
    + ["elderly"]  # the spring cohort (10)
    + ["mental_health", "family_social", "health", "elderly", "disability"]  # autumn cohort
    + ["mental_health", "family_social", "disability"]  # newly trained: drafts
)  # fmt: skip
VETERANS, SPRING_COHORT, AUTUMN_COHORT = range(0, 12), range(12, 22), range(22, 27)
# The groups' supervisors: seed 000 asks for earlier experience of peer work.
SUPERVISORS = [
    ("Raija", "Rinne", "Vertaistyön ohjaajana vuodesta 2015."),
    ("Jouni", "Juntunen", "Kokemusasiantuntijoiden työnohjaaja vuodesta 2018."),
]
LEFT = {10: 5, 11: 3}  # veterans who terminated their agreement this many months ago


@dataclass
class Login:
    username: str
    role: str
    first_name: str
    last_name: str


LOGINS = [
    Login("admin", "admin", "Pää", "Käyttäjä"),
    Login("koordinaattori", Role.COORDINATOR, "Kaarina", "Koordinaattori"),
    Login("arvioija", Role.EVALUATION, "Arvo", "Arvioija"),
    Login("kokemus", Role.EXPERT, "", ""),
]


class Command(BaseCommand):
    help = "Fill an empty database with a Finnish demo and one login per role (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            if Expert.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
                self.stdout.write("The demo data is already there; nothing to add.")
            else:
                Demo(today=timezone.localdate(), rng=random.Random(2026)).build()
                # The demo's bookings are history, not news: nobody is e-mailed about them.
                Message.objects.all().delete()
                self.stdout.write(self.style.SUCCESS("Demo data created."))
            self._ensure_logins()
        self.stdout.write("Demo logins (username / password):")
        for login in LOGINS:
            self.stdout.write(f"  {login.role:<12} {login.username} / {DEMO_PASSWORD}")

    def _ensure_logins(self):
        for login in LOGINS:
            user, created = User.objects.get_or_create(
                username=login.username,
                defaults={"first_name": login.first_name, "last_name": login.last_name},
            )
            if not created:
                continue
            user.set_password(DEMO_PASSWORD)
            if login.role == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
            if login.role != "admin":
                user.groups.add(Group.objects.get(name=login.role))
            if login.role == Role.EXPERT:
                expert = Expert.objects.get(external_id=f"{DEMO_PREFIX}E001")
                expert.user = user
                expert.save(update_fields=["user"])
                user.first_name, user.last_name = expert.first_name, expert.last_name
                user.email = expert.email
                user.save()


# Each expert's kind, in the order of FIRST_NAMES, by its letter: every cohort has several.
KIND_LETTERS = {
    "E": ExpertKind.EXPERT,
    "G": ExpertKind.GUIDE,
    "P": ExpertKind.PEER,
    "O": ExpertKind.OTHER,
}
EXPERT_KINDS = [
    KIND_LETTERS[letter]
    for letter in "EEEGPEPEGEOP" + "EGEPEGEPEO" + "GEPEG" + "EPO"  # veterans, two cohorts, new
]


@dataclass
class Plan:
    """One assignment to make, before it is saved."""

    day: datetime.date
    team: list
    type: AssignmentType
    area: ServiceArea
    status: str


class Demo:
    """Builds the demo organisation, deterministic for a given day."""

    def __init__(self, *, today: datetime.date, rng: random.Random):
        self.today = today
        self.rng = rng
        self.start = (today - relativedelta(months=18)).replace(day=1)
        self.end = today + relativedelta(months=1)
        self.areas = {area.code: area for area in ServiceArea.objects.select_related("parent")}
        self.types = {kind.code: kind for kind in AssignmentType.objects.all()}

    def build(self):
        self.experts = self._experts()
        self.professionals = self._professionals()
        self.agreements = self._agreements()
        self._consents()
        self._assignments()
        self._people_reached()
        self._supervision()
        self._reflections_and_feedback()
        self._guidance_periods()
        self._work_pair()

    # --- people ---------------------------------------------------------------------------

    def _experts(self) -> list[Expert]:
        experts = []
        for number, (first, last, kind) in enumerate(
            zip(FIRST_NAMES, LAST_NAMES, EXPERT_KINDS, strict=True), start=1
        ):
            trained = kind in (ExpertKind.EXPERT, ExpertKind.GUIDE)
            experts.append(
                Expert(
                    external_id=f"{DEMO_PREFIX}E{number:03}",
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}.{last.lower()}@example.fi".replace("ä", "a").replace(
                        "ö", "o"
                    ),
                    phone=f"+358 40 {self.rng.randint(1000000, 9999999)}",
                    municipality=self.rng.choice(MUNICIPALITIES),
                    kind=kind,
                    trained=trained,
                    training_organisation="Kokemusasiantuntijakoulutus, Soite" if trained else "",
                    training_completed_on=self._trained_on(number - 1) if trained else None,
                    availability=self.rng.choice(
                        ["Arkipäivisin", "Iltaisin ja viikonloppuisin", "Tiistait ja torstait", ""]
                    ),
                )
            )
        experts = Expert.objects.bulk_create(experts)
        for expert, division in zip(experts, EXPERT_DIVISIONS, strict=True):
            expert.division = self.areas[division]  # the demo's own: where they mostly work
        return experts

    def _trained_on(self, index: int) -> datetime.date:
        """When the expert's training ended, or a peer worker joined with the cohort: the
        veterans years ago, the cohorts this year."""
        if index in VETERANS:
            return self.start - relativedelta(months=12 + index)
        if index in SPRING_COHORT:
            return self.today - relativedelta(months=9)
        if index in AUTUMN_COHORT:
            return self.today - relativedelta(months=3)
        return self.today - relativedelta(weeks=3)

    def _professionals(self) -> list[Professional]:
        return Professional.objects.bulk_create(
            Professional(
                first_name=first,
                last_name=last,
                title=title,
                email=f"{first.lower()}.{last.lower()}@soite.example.fi".replace("ä", "a"),
                service_area=self.areas[area],
            )
            for first, last, title, area in PROFESSIONALS
        )

    # --- agreements -------------------------------------------------------------------------

    def _agreements(self) -> list[Agreement]:
        """Yearly agreements signed through the year: the veterans' renewals fall in every
        month, each cohort signs after its training; two veterans left, three wait."""
        agreements = []
        for index, expert in enumerate(self.experts):
            if index in VETERANS:
                valid_from = self.start - relativedelta(months=index)
            elif index in SPRING_COHORT or index in AUTUMN_COHORT:
                weeks_after_training = 2 + 2 * (index % 4)
                valid_from = self._trained_on(index) + relativedelta(weeks=weeks_after_training)
            else:  # newly trained: a draft waiting for signature
                agreements.append(self._agreement(expert, self.today + relativedelta(weeks=2)))
                continue
            agreements += self._yearly_chain(expert, valid_from, LEFT.get(index))
        agreements = Agreement.objects.bulk_create(agreements)
        running = {}  # numbered as a coordinator would: TS-<year signed>-<running number>
        for agreement in sorted(agreements, key=_signed_first):
            year = (agreement.signed_on or self.today).year
            running[year] = running.get(year, 0) + 1
            agreement.number = f"TS-{year}-{running[year]:03}"
        Agreement.objects.bulk_update(agreements, ["number"])
        return agreements

    def _yearly_chain(self, expert, valid_from, left_months_ago) -> list[Agreement]:
        """One-year agreements, each renewed from the day after the last, up to today's."""
        chain = []
        left_on = self.today - relativedelta(months=left_months_ago) if left_months_ago else None
        while True:
            valid_until = valid_from + relativedelta(years=1) - datetime.timedelta(days=1)
            if left_on and valid_from <= left_on <= valid_until:
                chain.append(
                    self._agreement(expert, valid_from, left_on, AgreementStatus.TERMINATED)
                )
                return chain
            ended = valid_until < self.today
            status = AgreementStatus.ENDED if ended else AgreementStatus.ACTIVE
            chain.append(self._agreement(expert, valid_from, valid_until, status))
            if not ended:
                return chain
            valid_from = valid_until + datetime.timedelta(days=1)

    def _agreement(self, expert, valid_from, valid_until=None, status=AgreementStatus.DRAFT):
        signed = status != AgreementStatus.DRAFT
        hourly_fee = {ExpertKind.EXPERT: "30.00", ExpertKind.GUIDE: "28.00"}.get(
            expert.kind, "20.00"
        )
        return Agreement(
            number=f"{DEMO_PREFIX}{expert.external_id}-{valid_from}",  # numbered when all exist
            expert=expert,
            division=expert.division.parent or expert.division,
            status=status,
            signed_on=valid_from - datetime.timedelta(days=self.rng.randint(5, 20))
            if signed
            else None,
            valid_from=valid_from,
            valid_until=valid_until,
            hourly_fee=Decimal(hourly_fee),
            assignment_fee=Decimal("0.00"),
            travel_compensation=Decimal("0.25"),
            duties="Kokemusasiantuntijan tehtävät sovitusti: kokemuspuheenvuorot, asiakasraadit, "
            "vertaisryhmät ja palvelujen yhteiskehittäminen.",
        )

    def _consents(self):
        areas = list(ExperienceArea.objects.order_by("code"))
        for expert in self.experts[:20]:
            consent = ExperienceConsent.objects.create(
                expert=expert,
                purpose="Tehtävien sopiva kohdentaminen kokemusalueen mukaan.",
                given_on=self.start,
            )
            for area in self.rng.sample(areas, k=self.rng.randint(1, 2)):
                ExpertExperience.objects.create(expert=expert, area=area, consent=consent)

    # --- assignments ------------------------------------------------------------------------

    def _assignments(self):
        plans = []
        for first, count in self._assignments_per_month().items():
            for _ in range(count):
                plan = self._plan(first)
                if plan:
                    plans.append(plan)
        plans += self._own_page_of_the_demo_expert()
        self._use_every_type_and_area(plans)
        contacts_by_division = {}
        for professional in self.professionals:
            division = professional.service_area.parent or professional.service_area
            contacts_by_division.setdefault(division.code, []).append(professional)
        for number, plan in enumerate(sorted(plans, key=lambda p: p.day), start=1):
            code = plan.type.code
            division = plan.area.parent or plan.area
            contacts = contacts_by_division.get(division.code) or self.professionals
            assignment = Assignment(
                external_id=f"{DEMO_PREFIX}A{number:04}",
                title=self.rng.choice([TITLES[code], *MORE_TITLES[code]]),
                type=plan.type,
                service_area=plan.area,
                date=plan.day,
                start_time=datetime.time(self.rng.choice([9, 10, 12, 13, 14, 17]), 0),
                hours=Decimal(self.rng.choice(HOURS[code])),
                location=self.rng.choice(
                    ["Kokkola, sote-keskus", "Etäyhteys", "Kannus, terveysasema", "Kaustinen"]
                ),
                status=plan.status,
                contact=self.rng.choice(contacts),
            )
            assignment_save(assignment=assignment, experts=plan.team)

    def _assignments_per_month(self) -> dict[datetime.date, int]:
        """ASSIGNMENTS shared out over the months by season and by the experts at work."""
        weights = {}
        first = self.start
        while first < self.end:
            last = min(first + relativedelta(months=1), self.end) - datetime.timedelta(days=1)
            share = ((last - first).days + 1) / 30
            working = len(self._covered(first + datetime.timedelta(days=14)))
            weights[first] = SEASON[first.month - 1] * working * share
            first += relativedelta(months=1)
        total = sum(weights.values())
        counts = {first: int(ASSIGNMENTS * weight / total) for first, weight in weights.items()}
        remainders = sorted(weights, key=lambda f: ASSIGNMENTS * weights[f] / total - counts[f])
        for first in remainders[len(remainders) - (ASSIGNMENTS - sum(counts.values())) :]:
            counts[first] += 1
        return counts

    def _covered(self, day: datetime.date) -> list[Expert]:
        return [a.expert for a in self.agreements if a.covers(day)]

    def _plan(self, first: datetime.date) -> Plan | None:
        last = min(first + relativedelta(months=1), self.end) - datetime.timedelta(days=1)
        weekdays = [
            first + datetime.timedelta(days=n)
            for n in range((last - first).days + 1)
            if (first + datetime.timedelta(days=n)).weekday() < 5
        ]
        day = self.rng.choice(weekdays)
        covered = self._covered(day)
        if not covered:
            return None
        lead = self.rng.choice(covered)
        work = {
            code: weight
            for code, weight in WORK_BY_KIND[lead.kind].items()
            if code not in LECTURE_TYPES or day.month in TERM_MONTHS
        }
        code = self.rng.choices(list(work), weights=list(work.values()))[0]
        same_division = [e for e in covered if e is not lead and e.division == lead.division]
        others = same_division or [e for e in covered if e is not lead]
        size = self.rng.choice(TEAM_SIZES.get(code, [1]))
        team = [lead, *self.rng.sample(others, k=min(len(others), size - 1))]
        return Plan(day, team, self.types[code], self._area_for(lead), self._status(day))

    def _area_for(self, expert: Expert) -> ServiceArea:
        """Mostly the expert's own division or one of its services; now and then another."""
        if self.rng.random() < 0.8:
            division = expert.division.parent or expert.division
        else:
            division = self.rng.choice([a for a in self.areas.values() if a.parent is None])
        choices = [a for a in self.areas.values() if division in (a, a.parent)]
        return self.rng.choice(choices)

    def _status(self, day: datetime.date) -> str:
        if day > self.today:
            return AssignmentStatus.PLANNED
        recent = day > self.today - datetime.timedelta(days=7)  # not all marked done yet
        weights = [60, 5, 35] if recent else [88, 9, 3]
        return self.rng.choices(
            [AssignmentStatus.DONE, AssignmentStatus.CANCELLED, AssignmentStatus.PLANNED],
            weights=weights,
        )[0]

    def _own_page_of_the_demo_expert(self) -> list[Plan]:
        """The expert login's own page: work done today, work next week."""
        aino = self.experts[0]
        area = self.areas["mh_outpatient"]
        next_week = self.today + datetime.timedelta(days=7)
        return [
            Plan(self.today, [aino], self.types["client_support"], area, AssignmentStatus.DONE),
            Plan(next_week, [aino], self.types["training"], area, AssignmentStatus.PLANNED),
        ]

    def _use_every_type_and_area(self, plans: list[Plan]):
        """A demo shows every type and service area: one not drawn takes over a past plan."""
        past = [plan for plan in plans if plan.day < self.today]
        used_types = {plan.type.code for plan in plans}
        for code in sorted(set(self.types) - used_types):
            self.rng.choice(past).type = self.types[code]
        used_areas = {plan.area.code for plan in plans}
        for code in sorted(set(self.areas) - used_areas):
            self.rng.choice(past).area = self.areas[code]
        if not any(plan.status == AssignmentStatus.CANCELLED for plan in past):
            self.rng.choice(past).status = AssignmentStatus.CANCELLED

    def _people_reached(self):
        """Done client panels, lectures, workshops and communication say whom they reached."""
        reached = list(
            Assignment.objects.filter(
                external_id__startswith=DEMO_PREFIX,
                status=AssignmentStatus.DONE,
                type__records_reach=True,
            ).select_related("type")
        )
        for assignment in reached:
            group, most = REACH.get(assignment.type.code, (ReachedGroup.CLIENTS, 15))
            assignment.reached_group = group
            assignment.people_reached = self.rng.randint(most // 3, most)
        Assignment.objects.bulk_update(reached, ["people_reached", "reached_group"])

    # --- feedback, kokemusohjaus and work pairs ----------------------------------------------

    def _reflections_and_feedback(self):
        """Most experts reflect on their done work of the last half-year, a few wishing for a
        talk (the demo expert's latest among them: the dashboard shows it); professionals
        answer half of their links."""
        since = self.today - relativedelta(months=6)
        participations = Participation.objects.filter(
            assignment__external_id__startswith=DEMO_PREFIX,
            assignment__status=AssignmentStatus.DONE,
            assignment__date__gte=since,
        ).select_related("assignment", "expert")
        reflected = []
        for participation in participations.order_by("assignment__date", "pk"):
            if self.rng.random() < 0.3:
                continue
            load = self.rng.choices([1, 2, 3, 4, 5], weights=[10, 35, 35, 15, 5])[0]
            reflection = reflection_save(
                participation=participation,
                how_it_went=self.rng.choice(REFLECTIONS),
                load=load,
                wants_talk=load >= 4 and self.rng.random() < 0.5,
            )
            reflected.append((reflection, participation.assignment.date))
        for reflection, day in reflected:  # given the day after the work, and seen to
            reflection.created_at = _at_noon(day + datetime.timedelta(days=1))
            if day < self.today - datetime.timedelta(days=14):
                reflection.handled_at = reflection.created_at
        Reflection.objects.bulk_update(
            [reflection for reflection, _day in reflected], ["created_at", "handled_at"]
        )
        aino = self.experts[0]
        latest = Participation.objects.filter(expert=aino, assignment__status="done").latest(
            "assignment__date"
        )
        reflection_save(
            participation=latest,
            how_it_went="Raskas päivä, mutta ryhmä oli hyvä.",
            load=4,
            wants_talk=True,
        )
        done = Assignment.objects.filter(
            external_id__startswith=DEMO_PREFIX,
            status=AssignmentStatus.DONE,
            date__gte=since,
        ).order_by("date", "pk")
        for assignment in done[::2]:
            ask_for_feedback(assignment=assignment)  # the contact's link, as marking done does
        for link in FeedbackLink.objects.order_by("pk")[::2]:
            professional_feedback_give(
                link=link, rating=self.rng.choice([3, 4, 4, 5, 5]), comment=""
            )

    def _guidance_periods(self):
        """Each guide has had periods: ended ones over the months, one ongoing; the demo expert
        guides one ongoing period and has a new referral waiting for its start meeting."""
        guides = [e for e in self.experts if e.kind == ExpertKind.GUIDE] + [self.experts[0]]
        area = self.areas["adult_social_work"]
        number = 0
        for guide in guides:
            for months_ago in (10, 6, 2):
                number += 1
                referred_on = self.today - relativedelta(months=months_ago, days=number % 9)
                if not any(a.expert_id == guide.pk for a in self._covering(referred_on)):
                    continue
                period = self._period(guide, referred_on, area, number)
                days = [referred_on + datetime.timedelta(days=d) for d in (7, 21, 35, 49)]
                days = [day for day in days if day <= self.today]
                guidance.period_start(
                    period=period, meeting=self._meeting(days[0]), goals=self._goals()
                )
                for day in days[1:]:
                    guidance.meeting_save(period=period, meeting=self._meeting(day))
                if months_ago > 2:
                    outcomes = {
                        goal.pk: self.rng.choice(["reached", "reached", "partly", "not"])
                        for goal in period.goals.all()
                    }
                    guidance.period_end(
                        period=period,
                        ended_on=days[-1],
                        outcomes=outcomes,
                        closing_note="Jakso päättyi suunnitellusti.",
                    )
        self._period(self.experts[0], self.today - datetime.timedelta(days=3), area, number + 1)

    def _covering(self, day: datetime.date) -> list[Agreement]:
        return [a for a in self.agreements if a.status != AgreementStatus.DRAFT and a.covers(day)]

    def _period(self, guide, referred_on, area, number) -> Period:
        return guidance.period_save(
            period=Period(
                guide=guide,
                client_code=f"KO-{referred_on:%Y}-{number:02}",
                referred_by=self.professionals[0],
                referred_on=referred_on,
                service_area=area,
            )
        )

    def _meeting(self, day: datetime.date) -> Meeting:
        return Meeting(
            date=day,
            start_time=datetime.time(self.rng.choice([10, 13])),
            hours=Decimal("1.50"),
            place=self.rng.choice(list(Place)),
        )

    def _goals(self) -> list[str]:
        return self.rng.sample(GUIDANCE_GOALS, k=self.rng.choice([2, 3]))

    def _work_pair(self):
        """The demo expert works in a pair with a professional, half-way through the plan."""
        started_on = self.today - datetime.timedelta(days=30)
        pair = pair_save(
            pair=WorkPair(
                expert=self.experts[0],
                professional=self.professionals[1],
                mentor_professional=self.professionals[0],
                started_on=started_on,
            ),
            default_plan=True,
        )
        for step in pair.steps.filter(due_on__lte=self.today):
            step.done_on, step.done_by = step.due_on, DoneBy.EXPERT
            step.save(update_fields=["done_on", "done_by"])

    # --- supervision ------------------------------------------------------------------------

    def _supervision(self):
        """Groups in their own divisions; the second cohort has not found one yet (the
        coordinator sees them on the coverage page)."""
        topics = list(SupervisionTopic.objects.order_by("code"))
        in_groups = [e for i, e in enumerate(self.experts) if i < AUTUMN_COHORT.start]

        def of_division(*codes):
            return [e for e in in_groups if (e.division.parent or e.division).code in codes]

        def professionals(*last_names):
            return [p for p in self.professionals if p.last_name in last_names]

        guide = next(e for e in in_groups if e.kind == ExpertKind.GUIDE)
        plans = [
            ("Yhteinen työnohjaus, mielenterveys- ja päihdepalvelut", GroupKind.JOINT,
             "mental_health", of_division("mental_health"),
             professionals("Peltonen", "Lindholm"), 1),
            ("Kokemustoimijoiden vertaisryhmä", GroupKind.PEER, None,
             self.rng.sample(in_groups, k=9), [], 1),
            ("Työnohjauksellinen iltapäivä, perhe- ja sosiaalipalvelut", GroupKind.INFORMAL,
             "family_social", of_division("family_social"), professionals("Kallio", "Oksanen"), 2),
            ("Työparin työnohjaus: kokemusohjaus", GroupKind.PAIR, "mental_health", [guide],
             professionals("Peltonen"), 1),
            ("Yhteinen työnohjaus, vammais- ja ikääntyneiden palvelut", GroupKind.JOINT,
             "disability", of_division("disability", "elderly"),
             professionals("Aaltonen", "Hiltunen"), 1),
        ]  # fmt: skip
        supervisors = [
            Professional.objects.create(
                first_name=first,
                last_name=last,
                title="työnohjaaja",
                peer_work_experience=experience,
            )
            for first, last, experience in SUPERVISORS
        ]
        for index, (name, kind, division, experts, staff, every) in enumerate(plans):
            group = SupervisionGroup.objects.create(
                name=name,
                kind=kind,
                division=self.areas[division] if division else None,
                supervisor=supervisors[index % 2],
                started_on=self.start,
                target_interval_weeks=8 * every,
            )
            members = [self._member(group, expert) for expert in experts] + [
                GroupMembership.objects.create(group=group, professional=p, joined_on=self.start)
                for p in staff
            ]
            self._sessions(group, members, topics, offset=7 + index * 3, every=every)
            if index == 0:
                self._planned_series(group, members)

    def _planned_series(self, group, members):
        """The first group goes on every fourth Tuesday at 14; its members are marked new or
        experienced (the spring and autumn cohorts are new) and one proposed a topic."""
        for member in members:
            if member.expert_id:
                index = self.experts.index(member.expert)
                member.seniority = Seniority.EXPERIENCED if index in VETERANS else Seniority.NEW
                member.save(update_fields=["seniority"])
        series = series_save(
            series=SessionSeries(
                group=group,
                weekday=Weekday.TUESDAY,
                interval_weeks=4,
                start_time=datetime.time(14, 0),
                duration_minutes=90,
                first_date=self.today + datetime.timedelta(days=1),
                count=6,
                location="Kokkola, sote-keskus, neuvotteluhuone 2",
            ),
            today=self.today,
        )
        proposer = next(m.expert for m in members if m.expert_id and m.left_on is None)
        TopicProposal.objects.create(
            session=series.sessions.order_by("date").first(),
            proposed_by=proposer,
            text="Miten kerron omasta kokemuksesta niin, että oma raja pitää?",
        )

    def _member(self, group, expert) -> GroupMembership:
        mine = [a for a in self.agreements if a.expert_id == expert.pk and a.signed_on]
        joined = max(self.start, min(a.valid_from for a in mine))
        left = [a.valid_until for a in mine if a.status == AgreementStatus.TERMINATED]
        return GroupMembership.objects.create(
            group=group, expert=expert, joined_on=joined, left_on=left[0] if left else None
        )

    def _sessions(self, group, members, topics, *, offset: int, every: int):
        month = self.start
        while (day := month + datetime.timedelta(days=offset)) <= self.today:
            month += relativedelta(months=every)
            if day.month == 7:  # no supervision in the summer holiday
                continue
            session = SupervisionSession.objects.create(
                group=group,
                date=day,
                start_time=datetime.time(13, 0),
                duration_minutes=90,
                facilitator="Vieraileva alustaja"
                if group.kind == GroupKind.INFORMAL
                else f"{group.supervisor.first_name} {group.supervisor.last_name}",
            )
            session.topics.set(self.rng.sample(topics, k=2))
            Attendance.objects.bulk_create(
                Attendance(session=session, membership=m, present=self.rng.random() < 0.8)
                for m in members
                if (m.joined_on is None or m.joined_on <= day)
                and (m.left_on is None or day <= m.left_on)
            )


def _at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _signed_first(agreement: Agreement):
    """Agreements are numbered in the order they were signed; drafts last."""
    return (agreement.signed_on or datetime.date.max, agreement.valid_from, agreement.expert_id)
