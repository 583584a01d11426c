"""factory_boy factories for work pairs, their plan steps and private links."""

import datetime

import factory

from pairs.models import PairLink, PlanStep, StepKind, WorkPair
from tests.factories import ExpertFactory, ProfessionalFactory


class WorkPairFactory(factory.django.DjangoModelFactory):
    """A pair that started on Monday 3.3.2025 and goes on."""

    class Meta:
        model = WorkPair

    expert = factory.SubFactory(ExpertFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    started_on = datetime.date(2025, 3, 3)


class PlanStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStep

    pair = factory.SubFactory(WorkPairFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = StepKind.INDUCTION
    title = factory.Sequence(lambda n: f"Perehdytysaihe {n}")
    due_on = datetime.date(2025, 3, 17)


class PairLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairLink

    pair = factory.SubFactory(WorkPairFactory)
    token = factory.Sequence(lambda n: f"tyoparilinkki-{n:04}-abcdefghijklmnopqrstuvwxyz")
    expires_at = datetime.datetime(2025, 9, 1, 0, 0, tzinfo=datetime.UTC)
