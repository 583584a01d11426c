"""Asking for feedback when an assignment is done, once; the expert's reflection; the
professional's one answer."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import AssignmentStatus
from feedback import services
from feedback.models import FeedbackLink, Reflection
from notifications.models import Kind, Message
from tests.factories import (
    AssignmentFactory,
    ExpertFactory,
    ParticipationFactory,
    ProfessionalFactory,
)
from tests.feedback.factories import FeedbackLinkFactory, ReflectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    """Planned on 10.3.2025 with two experts (one without e-mail) and a contact with e-mail."""
    assignment = AssignmentFactory(
        title="Asiakasraati",
        contact=ProfessionalFactory(first_name="Pirjo", email="pirjo.ammattilainen@example.fi"),
    )
    ParticipationFactory(assignment=assignment, expert=ExpertFactory(email="aino@example.fi"))
    ParticipationFactory(assignment=assignment, expert=ExpertFactory(email=""))
    return assignment


def _mark_done(assignment):
    agreement_services.assignment_set_status(
        assignment=assignment, status=AssignmentStatus.DONE, today=datetime.date(2025, 3, 11)
    )


def test_marking_done_asks_each_expert_and_the_contact_once(assignment):
    _mark_done(assignment)
    reflection = Message.objects.get(kind=Kind.REFLECTION)
    assert reflection.to == "aino@example.fi"  # the expert without e-mail cannot be asked
    assert f"/oma/palaute/{assignment.pk}/" in reflection.text
    request = Message.objects.get(kind=Kind.FEEDBACK_REQUEST)
    link = FeedbackLink.objects.get(assignment=assignment)
    assert request.to == "pirjo.ammattilainen@example.fi"
    assert f"/arvio/{link.token}/" in request.text
    assert request.language == "fi"
    # back to planned and done again, and saved once more: nobody is asked twice
    agreement_services.assignment_set_status(assignment=assignment, status=AssignmentStatus.PLANNED)
    _mark_done(assignment)
    assert services.ask_for_feedback(assignment=assignment) == 0
    assert Message.objects.count() == 2
    assert FeedbackLink.objects.count() == 1


def test_a_planned_assignment_asks_nobody(assignment):
    assert services.ask_for_feedback(assignment=assignment) == 0
    assert not Message.objects.exists() and not FeedbackLink.objects.exists()


def test_a_contact_without_e_mail_gets_no_link(assignment):
    assignment.contact.email = ""
    assignment.contact.save()
    _mark_done(assignment)
    assert not FeedbackLink.objects.exists()
    assert not Message.objects.filter(kind=Kind.FEEDBACK_REQUEST).exists()


@time_machine.travel(datetime.datetime(2025, 3, 11, 12, tzinfo=datetime.UTC), tick=False)
def test_the_link_works_for_30_days(assignment):
    _mark_done(assignment)
    link = FeedbackLink.objects.get()
    assert link.last_day == datetime.date(2025, 4, 10)


def test_an_expert_added_to_a_done_assignment_is_asked_when_it_is_saved(assignment):
    _mark_done(assignment)
    later = ParticipationFactory(assignment=assignment, expert=ExpertFactory(email="uusi@ex.fi"))
    services.ask_for_feedback(assignment=assignment)
    assert Message.objects.filter(kind=Kind.REFLECTION, to="uusi@ex.fi").count() == 1
    assert later.expert.email == "uusi@ex.fi"


def test_a_stopped_link_is_not_made_again(assignment):
    _mark_done(assignment)
    services.links_revoke(assignment=assignment)
    services.ask_for_feedback(assignment=assignment)
    assert FeedbackLink.objects.count() == 1
    assert FeedbackLink.objects.get().revoked_at is not None


def test_a_former_contacts_link_stops_and_their_answer_stays(assignment):
    _mark_done(assignment)
    answered = FeedbackLinkFactory(assignment=assignment)
    services.professional_feedback_give(link=answered, rating=4, comment="Hyvä")
    first = FeedbackLink.objects.get(professional=assignment.contact)
    assignment.contact = ProfessionalFactory(email="oikea@example.fi")
    assignment.save()

    services.ask_for_feedback(assignment=assignment)

    first.refresh_from_db()
    answered.refresh_from_db()
    assert first.revoked_at is not None and answered.revoked_at is not None
    assert answered.answer.comment == "Hyvä"
    current = FeedbackLink.objects.get(professional=assignment.contact)
    assert current.revoked_at is None
    assert Message.objects.filter(kind=Kind.FEEDBACK_REQUEST, to="oikea@example.fi").exists()


def test_removing_the_contact_stops_their_link(assignment):
    _mark_done(assignment)
    assignment.contact = None
    assignment.save()

    services.ask_for_feedback(assignment=assignment)

    assert FeedbackLink.objects.get().revoked_at is not None


# --- the reflection ---------------------------------------------------------------------------


def test_a_reflection_is_given_on_done_work_only():
    participation = ParticipationFactory()  # planned
    with pytest.raises(ValidationError):
        services.reflection_save(
            participation=participation, how_it_went="", load=3, wants_talk=False
        )


def test_a_reflection_can_be_changed_for_14_days():
    reflection = ReflectionFactory()
    given = reflection.created_at
    services.reflection_save(
        participation=reflection.participation,
        how_it_went="Raskas päivä",
        load=5,
        wants_talk=True,
        now=given + datetime.timedelta(days=13),
    )
    assert Reflection.objects.get().load == 5
    with pytest.raises(ValidationError, match="14 days"):
        services.reflection_save(
            participation=reflection.participation,
            how_it_went="",
            load=1,
            wants_talk=False,
            now=given + datetime.timedelta(days=14),
        )


def test_a_changed_reflection_that_calls_for_attention_comes_back_to_the_dashboard(coordinator):
    reflection = ReflectionFactory(load=4)
    assert services.reflection_handle(reflection=reflection, by=coordinator)
    assert not services.reflection_handle(reflection=reflection, by=coordinator)  # already
    reflection = services.reflection_save(
        participation=reflection.participation, how_it_went="", load=5, wants_talk=False
    )
    assert reflection.handled_at is None and reflection.handled_by is None


def test_the_load_is_1_to_5():
    participation = ReflectionFactory().participation
    with pytest.raises(ValidationError):
        services.reflection_save(
            participation=participation, how_it_went="", load=6, wants_talk=False
        )


# --- the professional's answer ------------------------------------------------------------------


def test_a_link_takes_one_answer():
    link = FeedbackLinkFactory()
    feedback = services.professional_feedback_give(link=link, rating=5, comment=" Hyödyllinen ")
    assert feedback.assignment == link.assignment and feedback.comment == "Hyödyllinen"
    with pytest.raises(ValidationError):
        services.professional_feedback_give(link=link, rating=1, comment="")


def test_revoking_stops_only_working_links():
    link = FeedbackLinkFactory()
    FeedbackLinkFactory(assignment=link.assignment, revoked_at=timezone.now())
    assert services.links_revoke(assignment=link.assignment) == 1


def test_the_services_refuse_free_text_over_4000_characters():
    link = FeedbackLinkFactory()
    with pytest.raises(ValidationError) as refused:
        services.professional_feedback_give(link=link, rating=5, comment="x" * 4001)
    assert "comment" in refused.value.message_dict
    services.professional_feedback_give(link=link, rating=5, comment="x" * 4000)

    participation = ParticipationFactory(assignment__status=AssignmentStatus.DONE)
    with pytest.raises(ValidationError) as refused:
        services.reflection_save(
            participation=participation, how_it_went="x" * 4001, load=2, wants_talk=False
        )
    assert "how_it_went" in refused.value.message_dict
    assert not Reflection.objects.exists()
