"""The expert's reflection page, the coordinators' pages and the professional's form."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agreements.models import AssignmentStatus
from feedback.models import ProfessionalFeedback, Reflection
from tests.factories import ParticipationFactory
from tests.feedback.factories import (
    FeedbackLinkFactory,
    ProfessionalFeedbackFactory,
    ReflectionFactory,
)

pytestmark = pytest.mark.django_db
EN = {"headers": {"accept-language": "en"}}


def _done_work_of(user):
    return ParticipationFactory(
        expert=user.expert, agreement__expert=user.expert, assignment__status=AssignmentStatus.DONE
    )


# --- the expert ---------------------------------------------------------------------------------


def test_the_expert_reflects_on_their_own_done_assignment(client, expert_alice):
    participation = _done_work_of(expert_alice)
    url = reverse("reflections:reflection_form", args=[participation.assignment_id])
    client.force_login(expert_alice)
    assert client.get(url).status_code == 200
    response = client.post(url, {"how_it_went": "Jännitti", "load": "4", "wants_talk": "on"})
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert (reflection.participation, reflection.load, reflection.wants_talk) == (
        participation,
        4,
        True,
    )


def test_a_refused_reflection_shows_its_errors_in_the_page_language(client, expert_alice):
    participation = _done_work_of(expert_alice)
    client.force_login(expert_alice)
    url = reverse("reflections:reflection_form", args=[participation.assignment_id])
    page = client.post(url, {"how_it_went": "Jotain", "load": "9"}, **EN).content.decode()
    assert "error-summary" in page and "Jotain" in page
    assert not Reflection.objects.exists()


def test_the_expert_sees_only_their_own_done_assignments(client, expert_alice, expert_bob):
    bobs = _done_work_of(expert_bob)
    ReflectionFactory(participation=bobs, how_it_went="Bobin omat sanat")
    planned = ParticipationFactory(
        expert=expert_alice.expert, agreement__expert=expert_alice.expert
    )
    client.force_login(expert_alice)
    for assignment_id in (bobs.assignment_id, planned.assignment_id):
        url = reverse("reflections:reflection_form", args=[assignment_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"load": "1"}).status_code == 404
    assert Reflection.objects.get().participation == bobs


def test_after_14_days_the_reflection_is_shown_not_edited(client, expert_alice):
    reflection = ReflectionFactory(participation=_done_work_of(expert_alice))
    Reflection.objects.filter(pk=reflection.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=15)
    )
    client.force_login(expert_alice)
    url = reverse("reflections:reflection_form", args=[reflection.participation.assignment_id])
    page = client.get(url, **EN).content.decode()
    assert 'id="reflection-form"' not in page and "The time to change" in page
    client.post(url, {"how_it_went": "", "load": "5"})
    assert Reflection.objects.get().load == 2


# --- the coordinators ---------------------------------------------------------------------------


def test_the_dashboard_lists_a_wish_for_a_talk_until_it_is_handled(client, coordinator):
    wish = ReflectionFactory(wants_talk=True, participation__agreement__expert__last_name="Puhuja")
    heavy = ReflectionFactory(load=4, participation__agreement__expert__last_name="Kuormittunut")
    ReflectionFactory(load=3, participation__agreement__expert__last_name="Tavallinen")
    client.force_login(coordinator)
    page = client.get(reverse("home"), **EN).content.decode()
    assert "Puhuja" in page and "Kuormittunut" in page and "Tavallinen" not in page
    handle = reverse("feedback:reflection_handle", args=[wish.pk])
    assert client.post(handle, {"next": "/"})["Location"] == "/"
    page = client.get(reverse("home"), **EN).content.decode()
    assert "Puhuja" not in page and "Kuormittunut" in page
    assert Reflection.objects.get(pk=wish.pk).handled_by == coordinator
    assert heavy.handled_at is None


def test_handling_refuses_a_redirect_elsewhere(client, coordinator):
    reflection = ReflectionFactory(wants_talk=True)
    client.force_login(coordinator)
    handle = reverse("feedback:reflection_handle", args=[reflection.pk])
    response = client.post(handle, {"next": "https://example.com/"})
    assert response["Location"] == reverse("feedback:reflection_list")


def test_the_reflection_list_filters(client, coordinator):
    ReflectionFactory(wants_talk=True, participation__agreement__expert__last_name="Toivoo")
    ReflectionFactory(load=1, participation__agreement__expert__last_name="Kevyt")
    client.force_login(coordinator)
    url = reverse("feedback:reflection_list")
    page = client.get(url + "?wants_talk=yes").content.decode()
    assert "Toivoo" in page and "Kevyt" not in page
    page = client.get(url + "?state=waiting").content.decode()
    assert "Toivoo" in page and "Kevyt" not in page
    page = client.get(url + "?month=2025-03&load=").content.decode()
    assert "Toivoo" in page and "Kevyt" in page
    assert client.get(url + "?month=2025-13&load=x").status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_the_reflection_list_runs_a_constant_number_of_queries(
    client, coordinator, django_assert_max_num_queries, size
):
    for _ in range(size):
        ReflectionFactory(handled_by=coordinator, handled_at=timezone.now())
    client.force_login(coordinator)
    # session, user, groups; count, the page's ids, the page's rows with their joins
    with django_assert_max_num_queries(6):
        response = client.get(reverse("feedback:reflection_list"))
    assert len(response.context["page_obj"]) == min(size, 25)


def test_the_assignment_feedback_page_shows_both_sides_and_stops_the_link(client, coordinator):
    link = FeedbackLinkFactory(professional__last_name="Ammattilainen")
    ReflectionFactory(participation__assignment=link.assignment, how_it_went="Omat sanat")
    client.force_login(coordinator)
    url = reverse("feedback:assignment_feedback", args=[link.assignment_id])
    page = client.get(url, **EN).content.decode()
    assert "Omat sanat" in page and "no answer yet" in page
    client.post(reverse("feedback:links_revoke", args=[link.assignment_id]))
    assert "the link was stopped" in client.get(url, **EN).content.decode()


# --- the professional ---------------------------------------------------------------------------


def test_the_professional_answers_once_then_sees_thanks(client):
    link = FeedbackLinkFactory()
    url = reverse("professional_feedback:form", args=[link.token])
    response = client.get(url, **EN)
    assert response.status_code == 200 and 'id="feedback-form"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert client.post(url, {"rating": "5", "comment": "Hyvä"})["Location"] == url
    page = client.get(url, **EN).content.decode()
    assert 'id="thanks"' in page and 'id="feedback-form"' not in page
    client.post(url, {"rating": "1"})  # a second answer is not taken
    assert ProfessionalFeedback.objects.get().rating == 5


def test_a_refused_answer_shows_its_errors(client):
    link = FeedbackLinkFactory()
    url = reverse("professional_feedback:form", args=[link.token])
    page = client.post(url, {"rating": "7", "comment": "Kommentti"}, **EN).content.decode()
    assert "error-summary" in page and "Kommentti" in page
    assert not ProfessionalFeedback.objects.exists()


def test_an_overlong_answer_is_refused_with_a_finnish_message(client):
    link = FeedbackLinkFactory()
    url = reverse("professional_feedback:form", args=[link.token])

    page = client.post(url, {"rating": "5", "comment": "x" * 4001}).content.decode()

    assert "error-summary" in page and "enintään 4000 merkkiä" in page
    assert 'maxlength="4000"' in page
    assert not ProfessionalFeedback.objects.exists()


def test_an_overlong_reflection_is_refused(client, expert_alice):
    participation = _done_work_of(expert_alice)
    client.force_login(expert_alice)
    url = reverse("reflections:reflection_form", args=[participation.assignment_id])

    page = client.post(url, {"how_it_went": "x" * 4001, "load": "3"}, **EN).content.decode()

    assert "at most 4000 characters" in page
    assert not Reflection.objects.exists()


def test_unknown_expired_and_revoked_links_look_the_same(client):
    past = timezone.now() - datetime.timedelta(seconds=1)
    expired = FeedbackLinkFactory(expires_at=past)
    revoked = FeedbackLinkFactory(revoked_at=past)
    pages = []
    for token in ("tuntematon", expired.token, revoked.token):
        response = client.get(reverse("professional_feedback:form", args=[token]))
        assert response.status_code == 404
        assert "no-store" in response["Cache-Control"]
        assert (
            client.post(
                reverse("professional_feedback:form", args=[token]), {"rating": "3"}
            ).status_code
            == 404
        )
        page = response.content.decode().replace(token, "")
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page))
    assert pages[0] == pages[1] == pages[2]
    assert not ProfessionalFeedback.objects.exists()


def test_an_answered_link_keeps_saying_thanks(client):
    answer = ProfessionalFeedbackFactory()
    response = client.get(reverse("professional_feedback:form", args=[answer.link.token]))
    assert response.status_code == 200 and 'id="thanks"' in response.content.decode()


def test_the_link_stops_at_its_expiry(client):
    link = FeedbackLinkFactory(expires_at=timezone.now() + datetime.timedelta(minutes=1))
    url = reverse("professional_feedback:form", args=[link.token])
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert client.get(url).status_code == 404


def test_the_portal_links_a_done_assignment_to_its_reflection(client, expert_alice):
    participation = _done_work_of(expert_alice)
    client.force_login(expert_alice)
    page = client.get(reverse("portal:assignment_detail", args=[participation.assignment_id]))
    assert reverse("reflections:reflection_form", args=[participation.assignment_id]) in (
        page.content.decode()
    )
