"""Fill an empty database with a realistic Finnish demo and one login per role.

Idempotent: when the demo experts exist it only makes sure the demo logins exist.
Every assignment goes through the same service as the coordinator's form, so the demo obeys
the SPEC's rules (each expert covered by a signed agreement on the assignment's date).
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

from agreements.models import Agreement, AgreementStatus, Assignment, AssignmentStatus
from agreements.services import assignment_save
from kokemus.access import Role
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

DEMO_PASSWORD = "kokemus-demo-2026"
DEMO_PREFIX = "DEMO-"
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
PROFESSIONALS = [
    ("Hanna", "Kallio", "sosiaaliohjaaja"),
    ("Olli", "Peltonen", "psykiatrinen sairaanhoitaja"),
    ("Marja", "Hiltunen", "palveluesihenkilö"),
    ("Petri", "Seppälä", "sosiaalityöntekijä"),
    ("Kirsi", "Väisänen", "terveydenhoitaja"),
    ("Jussi", "Aaltonen", "kehittämissuunnittelija"),
    ("Tiina", "Oksanen", "lastensuojelun työntekijä"),
    ("Harri", "Lindholm", "päihdetyöntekijä"),
]


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


class Demo:
    """Builds the demo organisation, deterministic for a given day."""

    def __init__(self, *, today: datetime.date, rng: random.Random):
        self.today = today
        self.rng = rng
        self.start = (today - relativedelta(months=18)).replace(day=1)
        self.divisions = list(ServiceArea.objects.filter(parent__isnull=True))
        self.service_areas = list(ServiceArea.objects.all())
        self.types = list(AssignmentType.objects.all())

    def build(self):
        self.experts = self._experts()
        self.professionals = self._professionals()
        self.agreements = self._agreements()
        self._consents()
        self._assignments()
        self._supervision()

    def _experts(self) -> list[Expert]:
        kinds = [ExpertKind.EXPERT] * 14 + [ExpertKind.GUIDE] * 7 + [ExpertKind.PEER] * 6
        kinds += [ExpertKind.OTHER] * 3
        experts = []
        for number, (first, last, kind) in enumerate(
            zip(FIRST_NAMES, LAST_NAMES, kinds, strict=True), start=1
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
                    training_completed_on=self.start - relativedelta(months=number)
                    if trained
                    else None,
                    availability=self.rng.choice(
                        ["Arkipäivisin", "Iltaisin ja viikonloppuisin", "Tiistait ja torstait", ""]
                    ),
                )
            )
        return Expert.objects.bulk_create(experts)

    def _professionals(self) -> list[Professional]:
        return Professional.objects.bulk_create(
            Professional(
                first_name=first,
                last_name=last,
                title=title,
                email=f"{first.lower()}.{last.lower()}@soite.example.fi".replace("ä", "a"),
                service_area=self.rng.choice(self.service_areas),
            )
            for first, last, title in PROFESSIONALS
        )

    def _agreements(self) -> list[Agreement]:
        """Every state: most experts have an ended and an active agreement; some are drafts."""
        agreements = []
        number = 0

        def add(expert, status, valid_from, valid_until, signed=True):
            nonlocal number
            number += 1
            agreements.append(
                Agreement(
                    number=f"TS-DEMO-{number:04}",
                    expert=expert,
                    division=self.rng.choice(self.divisions),
                    status=status,
                    signed_on=valid_from - datetime.timedelta(days=7) if signed else None,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    hourly_fee=self.rng.choice(
                        [Decimal("20.00"), Decimal("25.00"), Decimal("30.00")]
                    ),
                    assignment_fee=Decimal("0.00"),
                    travel_compensation=Decimal("0.25"),
                    duties="Kokemusasiantuntijan tehtävät sovitusti.",
                )
            )

        middle = self.today - relativedelta(months=7)
        for index, expert in enumerate(self.experts):
            if index >= 27:  # newly trained: a draft waiting for signature
                add(expert, AgreementStatus.DRAFT, self.today, None, signed=False)
            elif index >= 24:  # terminated a few months ago
                add(
                    expert,
                    AgreementStatus.TERMINATED,
                    self.start,
                    self.today - relativedelta(months=3),
                )
            else:
                add(expert, AgreementStatus.ENDED, self.start, middle)
                until = self.today + relativedelta(days=20 if index < 3 else 240)
                add(expert, AgreementStatus.ACTIVE, middle + datetime.timedelta(days=1), until)
        return Agreement.objects.bulk_create(agreements)

    def _consents(self):
        areas = list(ExperienceArea.objects.all())
        for expert in self.experts[:20]:
            consent = ExperienceConsent.objects.create(
                expert=expert,
                purpose="Tehtävien sopiva kohdentaminen kokemusalueen mukaan.",
                given_on=self.start,
            )
            for area in self.rng.sample(areas, k=self.rng.randint(1, 2)):
                ExpertExperience.objects.create(expert=expert, area=area, consent=consent)

    def _assignments(self):
        end = self.today + relativedelta(months=1)
        span = (end - self.start).days
        contacts = self.professionals
        for number in range(1, 501):
            day = self.start + datetime.timedelta(days=self.rng.randrange(span))
            covered = [a.expert for a in self.agreements if a.covers(day)]
            if not covered:
                continue
            kind = self.rng.choice(self.types)
            team = self.rng.sample(covered, k=min(len(covered), self.rng.choice([1, 1, 1, 2, 3])))
            if day > self.today:
                status = AssignmentStatus.PLANNED
            else:
                status = self.rng.choices(
                    [AssignmentStatus.DONE, AssignmentStatus.CANCELLED, AssignmentStatus.PLANNED],
                    weights=[85, 10, 5],
                )[0]
            assignment = Assignment(
                external_id=f"{DEMO_PREFIX}A{number:04}",
                title=TITLES.get(kind.code, kind.name),
                type=kind,
                service_area=self.rng.choice(self.service_areas),
                date=day,
                start_time=datetime.time(self.rng.choice([9, 10, 13, 14, 17]), 0),
                hours=self.rng.choice([Decimal(h) for h in ("1", "1.5", "2", "3", "4", "6")]),
                location=self.rng.choice(["Kokkola, sote-keskus", "Etäyhteys", "Kannus"]),
                status=status,
                contact=self.rng.choice(contacts),
            )
            assignment_save(assignment=assignment, experts=team)

    def _supervision(self):
        topics = list(SupervisionTopic.objects.all())
        plans = [
            ("Yhteinen työnohjaus, mielenterveyspalvelut", GroupKind.JOINT, 8, 3),
            ("Kokemustoimijoiden vertaisryhmä", GroupKind.PEER, 10, 0),
            ("Työnohjauksellinen iltapäivä", GroupKind.INFORMAL, 8, 2),
            ("Työparin työnohjaus: kokemusohjaus", GroupKind.PAIR, 1, 1),
        ]
        experts = self.experts[:24]
        for index, (name, kind, expert_count, professional_count) in enumerate(plans):
            group = SupervisionGroup.objects.create(
                name=name,
                kind=kind,
                division=self.divisions[index % len(self.divisions)],
                supervisor_name="Raija Rinne",
                supervisor_peer_experience="Vertaistyön ohjaajana vuodesta 2015.",
                started_on=self.start,
            )
            members = [
                GroupMembership.objects.create(group=group, expert=expert, joined_on=self.start)
                for expert in self.rng.sample(experts, k=expert_count)
            ] + [
                GroupMembership.objects.create(group=group, professional=professional)
                for professional in self.rng.sample(self.professionals, k=professional_count)
            ]
            month = self.start
            while (day := month + datetime.timedelta(days=7 + index * 3)) <= self.today:
                session = SupervisionSession.objects.create(
                    group=group,
                    date=day,
                    start_time=datetime.time(13, 0),
                    duration_minutes=90,
                    facilitator="Raija Rinne"
                    if kind != GroupKind.INFORMAL
                    else "Vieraileva alustaja",
                )
                session.topics.set(self.rng.sample(topics, k=2))
                Attendance.objects.bulk_create(
                    Attendance(session=session, membership=m, present=self.rng.random() < 0.8)
                    for m in members
                )
                month += relativedelta(months=1)
