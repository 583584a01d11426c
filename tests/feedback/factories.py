"""factory_boy factories for reflections, feedback links and professionals' feedback."""

import datetime

import factory

from agreements.models import AssignmentStatus
from feedback.models import FeedbackLink, ProfessionalFeedback, Reflection
from tests.factories import AssignmentFactory, ParticipationFactory, ProfessionalFactory

FAR_FUTURE = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection

    participation = factory.SubFactory(
        ParticipationFactory, assignment__status=AssignmentStatus.DONE
    )
    how_it_went = "Hyvin meni, mutta jännitti."
    load = 2
    wants_talk = False


class FeedbackLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackLink

    assignment = factory.SubFactory(AssignmentFactory, status=AssignmentStatus.DONE)
    professional = factory.SubFactory(ProfessionalFactory, email="ammattilainen@example.fi")
    token = factory.Sequence(lambda n: f"palautelinkki-{n:04}-abcdefghijklmnopqrstuvwxyz")
    expires_at = FAR_FUTURE


class ProfessionalFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalFeedback

    link = factory.SubFactory(FeedbackLinkFactory)
    assignment = factory.SelfAttribute("link.assignment")
    rating = 4
