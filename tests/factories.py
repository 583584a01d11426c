"""factory_boy factories for every model, with Finnish fake data."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from agreements.models import Agreement, AgreementStatus, Assignment, Participation
from registry.models import (
    AssignmentType,
    ExperienceArea,
    ExperienceConsent,
    Expert,
    ExpertExperience,
    Professional,
    ServiceArea,
)
from supervision.models import (
    Attendance,
    GroupKind,
    GroupMembership,
    SessionSeries,
    SupervisionGroup,
    SupervisionSession,
    TopicProposal,
)

factory.Faker._DEFAULT_LOCALE = "fi_FI"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.fi")
    password = factory.django.Password("salasana-testiin-123")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"area_{n}")
    name = factory.Faker("job")
    parent = None


class AssignmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"type_{n}")
    name = factory.Faker("word")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    external_id = factory.Sequence(lambda n: f"EXP-{n:04}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"asiantuntija{n}@example.fi")
    phone = factory.Faker("phone_number")
    municipality = factory.Faker("city")


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    title = "sosiaaliohjaaja"


class ExperienceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExperienceArea
        django_get_or_create = ["code"]

    code = "mental_health"
    name = "Mielenterveys"


class ExperienceConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExperienceConsent

    expert = factory.SubFactory(ExpertFactory)
    purpose = "Tehtävien kohdentaminen"
    given_on = datetime.date(2025, 1, 1)


class ExpertExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertExperience

    consent = factory.SubFactory(ExperienceConsentFactory)
    expert = factory.SelfAttribute("consent.expert")
    area = factory.SubFactory(ExperienceAreaFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    """A signed, active agreement for 2025 unless told otherwise."""

    class Meta:
        model = Agreement

    number = factory.Sequence(lambda n: f"TS-{n:05}")
    expert = factory.SubFactory(ExpertFactory)
    division = factory.SubFactory(ServiceAreaFactory)
    status = AgreementStatus.ACTIVE
    signed_on = datetime.date(2024, 12, 15)
    valid_from = datetime.date(2025, 1, 1)
    valid_until = datetime.date(2025, 12, 31)
    hourly_fee = Decimal("25.00")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    title = "Luento opiskelijoille"
    type = factory.SubFactory(AssignmentTypeFactory)
    service_area = factory.SubFactory(ServiceAreaFactory)
    date = datetime.date(2025, 3, 10)
    hours = Decimal("2.00")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    assignment = factory.SubFactory(AssignmentFactory)
    agreement = factory.SubFactory(AgreementFactory)
    expert = factory.SelfAttribute("agreement.expert")


class SupervisionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionGroup

    name = factory.Sequence(lambda n: f"Työnohjausryhmä {n}")
    kind = GroupKind.JOINT
    supervisor = factory.SubFactory(ProfessionalFactory)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(SupervisionGroupFactory)
    expert = factory.SubFactory(ExpertFactory)


class SupervisionSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionSession

    group = factory.SubFactory(SupervisionGroupFactory)
    date = datetime.date(2025, 3, 12)
    duration_minutes = 90


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SupervisionSessionFactory)
    membership = factory.SubFactory(
        GroupMembershipFactory, group=factory.SelfAttribute("..session.group")
    )
    present = True


class SessionSeriesFactory(factory.django.DjangoModelFactory):
    """A series record alone; supervision.services.series_save makes its sessions."""

    class Meta:
        model = SessionSeries

    group = factory.SubFactory(SupervisionGroupFactory)
    weekday = 1  # Tuesday
    interval_weeks = 4
    start_time = datetime.time(14, 0)
    first_date = datetime.date(2025, 3, 4)
    count = 6


class TopicProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicProposal

    session = factory.SubFactory(SupervisionSessionFactory)
    proposed_by = factory.SubFactory(ExpertFactory)
    text = "Omat rajat asiakastyössä"
