"""The coordinator's assignment pages: list filters, the form's rules and messages, statuses."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import selectors
from agreements.models import AgreementStatus, Assignment, AssignmentStatus, Participation
from registry.models import ServiceArea
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AssignmentTypeFactory,
    ExpertFactory,
    ParticipationFactory,
    ProfessionalFactory,
    ServiceAreaFactory,
)

pytestmark = pytest.mark.django_db
EN = {"headers": {"accept-language": "en"}}
MARCH_10 = datetime.date(2025, 3, 10)
ALL = {"when": "all"}  # the list opens on upcoming work; these tests read past work too


def form_data(*, experts=(), hours="2", date="2025-03-10", version="", **fields) -> dict:
    """A filled assignment form with one row per (expert, own hours) and two empty rows."""
    data = {
        "title": "Luento opiskelijoille",
        "type": AssignmentTypeFactory(code="training").pk,
        "service_area": ServiceAreaFactory(code="mental_health").pk,
        "date": date,
        "end_date": "",
        "start_time": "",
        "hours": hours,
        "location": "Kokkola",
        "contact": "",
        "description": "",
        "version": version,
        "experts-TOTAL_FORMS": str(len(experts) + 2),
        "experts-INITIAL_FORMS": "0",
        "experts-MIN_NUM_FORMS": "0",
        "experts-MAX_NUM_FORMS": "1000",
    }
    for index, (expert, own_hours) in enumerate(experts):
        data[f"experts-{index}-expert"] = expert.pk
        data[f"experts-{index}-hours"] = own_hours
    return data | fields


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


# --- create and edit -------------------------------------------------------------------------


def test_create_books_two_experts_with_own_hours(coordinator_client, coordinator):
    first, second = AgreementFactory(), AgreementFactory()
    contact = ProfessionalFactory()
    data = form_data(experts=[(first.expert, ""), (second.expert, "1.5")], contact=contact.pk)
    response = coordinator_client.post(reverse("assignments:assignment_create"), data)
    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assignments:assignment_detail", args=[assignment.pk])
    assert assignment.contact == contact
    assert assignment.created_by == coordinator
    assert set(assignment.participations.values_list("expert_id", "agreement_id", "hours")) == {
        (first.expert_id, first.pk, None),
        (second.expert_id, second.pk, Decimal("1.50")),
    }


def test_hours_take_a_finnish_decimal_comma_in_a_text_field(coordinator_client):
    """A number field dropped the comma of "1,5" in some browsers and saved 15 hours."""
    agreement = AgreementFactory()
    data = form_data(experts=[(agreement.expert, "0,75")], hours="1,5")
    response = coordinator_client.post(reverse("assignments:assignment_create"), data)
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.hours == Decimal("1.50")
    assert assignment.participations.get().hours == Decimal("0.75")
    page = coordinator_client.get(reverse("assignments:assignment_update", args=[assignment.pk]))
    assert re.search(
        r'<input type="text" name="hours" value="1,50" inputmode="decimal"', page.content.decode()
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_hours_take_a_decimal_comma_or_point_in_every_language(coordinator_client, language):
    """Finnish staff use the English and Swedish pages too, and type "1,5" there."""
    agreement = AgreementFactory()
    data = form_data(experts=[(agreement.expert, "0.75")], hours="1,5")
    response = coordinator_client.post(
        reverse("assignments:assignment_create"), data, headers={"accept-language": language}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.hours == Decimal("1.50")
    assert assignment.participations.get().hours == Decimal("0.75")


def test_service_areas_are_offered_under_their_division(coordinator_client):
    division = ServiceArea.objects.get(code="mental_health")
    housing = ServiceArea.objects.get(code="mh_housing")
    page = coordinator_client.get(reverse("assignments:assignment_create")).content.decode()
    select = page.split('name="service_area"')[1].split("</select>")[0]
    labels = re.findall(r"<option value=\"\d+\"[^>]*>(.*?)</option>", select)
    assert f"{division.name} › {housing.name}" in labels
    assert labels.index(division.name) < labels.index(f"{division.name} › {housing.name}")


def test_create_refuses_an_expert_without_covering_agreement_and_keeps_the_input(
    coordinator_client,
):
    covered = AgreementFactory().expert
    uncovered = ExpertFactory(first_name="Eeva", last_name="Koskinen")
    data = form_data(experts=[(covered, ""), (uncovered, "")], title="Kehittäjäryhmä")
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Eeva Koskinen has no signed agreement that covers 10.3.2025." in page
    assert 'value="Kehittäjäryhmä"' in page  # what the user typed is still there
    assert f'<option value="{uncovered.pk}" selected>' in page
    assert not Assignment.objects.exists()


def test_create_refuses_a_draft_agreement_naming_the_expert(coordinator_client):
    draft = AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    data = form_data(experts=[(draft.expert, "")])
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert f"{draft.expert.full_name} has no signed agreement that covers" in (
        response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_create_refuses_an_assignment_without_experts(coordinator_client):
    response = coordinator_client.post(reverse("assignments:assignment_create"), form_data(), **EN)
    assert "Choose at least one expert." in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"), [("0", "Hours must be more than zero."), ("25", "at most 24 hours")]
)
def test_create_refuses_hours_out_of_range(coordinator_client, hours, message):
    expert = AgreementFactory().expert
    data = form_data(experts=[(expert, "")], hours=hours)
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["hours"])  # by the field
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


def test_create_refuses_end_date_before_date(coordinator_client):
    expert = AgreementFactory().expert
    data = form_data(experts=[(expert, "")], end_date="2025-03-09")
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert response.context["form"].errors["end_date"] == [
        "The end date cannot be before the start date."
    ]
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Assignment.objects.exists()


def test_create_refuses_own_hours_over_a_day_naming_the_expert(coordinator_client):
    expert = AgreementFactory(expert__first_name="Olli", expert__last_name="Oja").expert
    data = form_data(experts=[(expert, "30")])
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert "Olli Oja: own hours must be more than zero and at most 24." in (
        response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_create_shows_an_uncovered_expert_together_with_the_field_errors(coordinator_client):
    """Every error at once: not the field errors first and the agreement's on the next try."""
    uncovered = ExpertFactory(first_name="Eeva", last_name="Koskinen")
    data = form_data(experts=[(uncovered, "")], title="", hours="kaksi")
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "hours": ["Enter a number."],
    }
    assert response.context["formset"].non_form_errors() == [
        "Eeva Koskinen has no signed agreement that covers 10.3.2025."
    ]
    assert not Assignment.objects.exists()


def test_create_shows_an_uncovered_expert_together_with_a_bad_expert_row(coordinator_client):
    covered = AgreementFactory(expert__first_name="Olli", expert__last_name="Oja").expert
    uncovered = ExpertFactory(first_name="Eeva", last_name="Koskinen")
    data = form_data(experts=[(covered, "30"), (uncovered, ""), (covered, "")], hours="2")
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    formset = response.context["formset"]
    assert formset.non_form_errors() == [
        "Eeva Koskinen has no signed agreement that covers 10.3.2025.",
        "Olli Oja: own hours must be more than zero and at most 24.",
    ]
    assert formset.errors[2] == {"expert": ["The expert is already on this assignment."]}


def test_hours_out_of_range_are_said_once_with_the_other_errors(coordinator_client):
    uncovered = ExpertFactory(first_name="Eeva", last_name="Koskinen")
    data = form_data(experts=[(uncovered, "")], hours="0", title="")
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "hours": ["Hours must be more than zero."],
    }
    assert response.context["formset"].non_form_errors() == [
        "Eeva Koskinen has no signed agreement that covers 10.3.2025."
    ]


def test_create_refuses_the_same_expert_twice(coordinator_client):
    expert = AgreementFactory().expert
    data = form_data(experts=[(expert, ""), (expert, "")])
    response = coordinator_client.post(reverse("assignments:assignment_create"), data, **EN)
    assert "The expert is already on this assignment." in response.content.decode()
    assert not Assignment.objects.exists()


def test_error_summary_links_to_the_field(coordinator_client):
    response = coordinator_client.post(
        reverse("assignments:assignment_create"), form_data(title=""), **EN
    )
    assert '<a href="#id_title">' in response.content.decode()


def test_update_changes_experts_and_bumps_the_version(coordinator_client):
    old = ParticipationFactory(assignment__date=MARCH_10)
    assignment = old.assignment
    new_expert = AgreementFactory().expert
    data = form_data(experts=[(new_expert, "")], version=assignment.version, hours="3")
    response = coordinator_client.post(
        reverse("assignments:assignment_update", args=[assignment.pk]), data
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.hours == Decimal("3.00")
    assert assignment.version == 2
    assert list(assignment.participations.values_list("expert_id", flat=True)) == [new_expert.pk]


def test_update_from_an_old_version_is_refused_with_a_clear_message(coordinator_client):
    participation = ParticipationFactory(assignment__date=MARCH_10)
    assignment = participation.assignment
    url = reverse("assignments:assignment_update", args=[assignment.pk])
    page = coordinator_client.get(url).content.decode()
    assert f'name="version" value="{assignment.version}"' in page
    Assignment.objects.filter(pk=assignment.pk).update(version=assignment.version + 1)
    data = form_data(
        experts=[(participation.expert, "")], version=assignment.version, title="Minun muutokseni"
    )
    response = coordinator_client.post(url, data, **EN)
    assert response.status_code == 200
    assert "Someone else saved this while you were editing it" in response.content.decode()
    assert 'value="Minun muutokseni"' in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.title == "Luento opiskelijoille"


# --- copy and status -------------------------------------------------------------------------


def test_copy_prefills_the_create_form_and_saves_a_new_assignment(coordinator_client):
    participation = ParticipationFactory(
        assignment__title="Asiakasraati", assignment__date=MARCH_10, hours=Decimal("1.5")
    )
    source = participation.assignment
    url = reverse("assignments:assignment_copy", args=[source.pk])
    page = coordinator_client.get(url).content.decode()
    assert 'value="Asiakasraati"' in page
    assert f'<option value="{participation.expert_id}" selected>' in page
    assert 'value="1,50"' in page
    data = form_data(experts=[(participation.expert, "1.5")], title="Asiakasraati")
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    assert Assignment.objects.filter(title="Asiakasraati").count() == 2
    source.refresh_from_db()
    assert source.participations.count() == 1


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (AssignmentStatus.PLANNED, AssignmentStatus.DONE),
        (AssignmentStatus.PLANNED, AssignmentStatus.CANCELLED),
        (AssignmentStatus.DONE, AssignmentStatus.PLANNED),
        (AssignmentStatus.CANCELLED, AssignmentStatus.PLANNED),
    ],
)
def test_status_change(coordinator_client, before, after):
    assignment = AssignmentFactory(status=before)
    response = coordinator_client.post(
        reverse("assignments:assignment_status", args=[assignment.pk]),
        {"status": after, "version": assignment.version},
        **EN,
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == after
    page = coordinator_client.get(response["Location"], **EN).content.decode()
    assert f"The assignment is now {after.label}." in page


def test_status_change_not_allowed_is_refused_with_its_message(coordinator_client):
    assignment = AssignmentFactory(status=AssignmentStatus.DONE)
    response = coordinator_client.post(
        reverse("assignments:assignment_status", args=[assignment.pk]),
        {"status": AssignmentStatus.CANCELLED, "version": assignment.version},
        follow=True,
        **EN,
    )
    assert "An assignment that is done cannot be made cancelled." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE


def test_a_future_assignment_cannot_be_marked_done(coordinator_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assignment = ParticipationFactory(assignment__date=tomorrow).assignment
    url = reverse("assignments:assignment_detail", args=[assignment.pk])
    page = coordinator_client.get(url, **EN).content.decode()
    assert "Cancel the assignment" in page and "Mark done" not in page
    response = coordinator_client.post(
        reverse("assignments:assignment_status", args=[assignment.pk]),
        {"status": AssignmentStatus.DONE, "version": assignment.version},
        follow=True,
        **EN,
    )
    assert "An assignment in the future cannot be marked done yet." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED


def test_a_done_assignment_cannot_be_moved_into_the_future(coordinator_client):
    participation = ParticipationFactory(assignment__status=AssignmentStatus.DONE)
    assignment = participation.assignment
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = coordinator_client.post(
        reverse("assignments:assignment_update", args=[assignment.pk]),
        form_data(
            experts=[(participation.expert, "")],
            version=assignment.version,
            date=tomorrow.isoformat(),
        ),
        **EN,
    )
    assert response.context["form"].errors["date"] == [
        "The assignment is done, so its date cannot be in the future."
    ]
    assignment.refresh_from_db()
    assert assignment.date != tomorrow


def test_status_change_from_an_old_page_is_refused(coordinator_client):
    assignment = AssignmentFactory()
    response = coordinator_client.post(
        reverse("assignments:assignment_status", args=[assignment.pk]),
        {"status": AssignmentStatus.DONE, "version": assignment.version - 1 + 5},
        follow=True,
        **EN,
    )
    assert "Someone else saved this while you were editing it" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED


def test_detail_shows_experts_hours_and_agreement(coordinator_client):
    participation = ParticipationFactory(hours=Decimal("1.25"), agreement__number="TS-77")
    response = coordinator_client.get(
        reverse("assignments:assignment_detail", args=[participation.assignment_id])
    )
    page = response.content.decode()
    assert participation.expert.full_name in page
    assert "1,25" in page  # Finnish decimal comma
    assert "TS-77" in page


# --- list --------------------------------------------------------------------------------------


def titles(response) -> set[str]:
    return {assignment.title for assignment in response.context["page_obj"]}


def test_list_filters_by_month(coordinator_client):
    AssignmentFactory(title="maaliskuu", date=datetime.date(2025, 3, 31))
    AssignmentFactory(title="huhtikuu", date=datetime.date(2025, 4, 1))
    url = reverse("assignments:assignment_list")
    assert titles(coordinator_client.get(url, {"month": "2025-03"})) == {"maaliskuu"}
    assert titles(coordinator_client.get(url, {"month": "2025-04"})) == {"huhtikuu"}


HELSINKI_NOON_MARCH_10 = datetime.datetime(2025, 3, 10, 12, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture
def around_march_10():
    """Work around the frozen today, 10 March 2025: before it, on it, after it."""
    made = {
        "last year": datetime.date(2024, 3, 10),
        "yesterday": datetime.date(2025, 3, 9),
        "today, done": MARCH_10,
        "tomorrow": datetime.date(2025, 3, 11),
        "next month": datetime.date(2025, 4, 1),
    }
    for title, day in made.items():
        status = AssignmentStatus.DONE if "done" in title else AssignmentStatus.PLANNED
        AssignmentFactory(title=title, date=day, status=status)
    # a course that began last week and runs on
    AssignmentFactory(title="running", date=datetime.date(2025, 3, 3), end_date=MARCH_10)


def ordered_titles(response) -> list[str]:
    return [assignment.title for assignment in response.context["page_obj"]]


@pytest.mark.time_machine(HELSINKI_NOON_MARCH_10)
def test_list_opens_on_today_with_upcoming_work_soonest_first(coordinator_client, around_march_10):
    response = coordinator_client.get(reverse("assignments:assignment_list"), **EN)
    assert ordered_titles(response) == ["running", "today, done", "tomorrow", "next month"]
    page = response.content.decode()
    assert '<a class="nav-link active" aria-current="page" id="when-upcoming"' in page
    assert 'id="when-past" href="?when=past"' in page  # past work one click away


@pytest.mark.time_machine(HELSINKI_NOON_MARCH_10)
def test_list_shows_past_work_newest_first_and_all_of_it_on_request(
    coordinator_client, around_march_10
):
    url = reverse("assignments:assignment_list")
    assert ordered_titles(coordinator_client.get(url, {"when": "past"})) == [
        "yesterday",
        "last year",
    ]
    assert ordered_titles(coordinator_client.get(url, {"when": "all"})) == [
        "next month",
        "tomorrow",
        "today, done",
        "yesterday",
        "running",
        "last year",
    ]


@pytest.mark.time_machine(HELSINKI_NOON_MARCH_10)
def test_list_of_a_chosen_month_shows_the_whole_month_and_filters_keep_the_window(
    coordinator_client, around_march_10
):
    url = reverse("assignments:assignment_list")
    month = coordinator_client.get(url, {"month": "2025-03", "sort": "date"})
    assert ordered_titles(month) == ["running", "yesterday", "today, done", "tomorrow"]
    past = coordinator_client.get(url, {"when": "past", "month": "2025-03"}).content.decode()
    assert '<input type="hidden" name="when" value="past">' in past


@pytest.mark.time_machine(HELSINKI_NOON_MARCH_10)
def test_an_empty_upcoming_list_links_to_past_work(coordinator_client):
    AssignmentFactory(title="yesterday", date=datetime.date(2025, 3, 9))
    response = coordinator_client.get(reverse("assignments:assignment_list"), **EN)
    page = response.content.decode()
    assert "No assignments from today on." in page
    assert '<a href="?when=past">Show past assignments</a>' in page


def test_list_with_a_bad_month_says_so(coordinator_client):
    response = coordinator_client.get(
        reverse("assignments:assignment_list"), {"month": "2025-13"}, **EN
    )
    assert "Give the month as YYYY-MM" in response.content.decode()


def test_list_filter_by_division_includes_its_services(coordinator_client):
    division = ServiceAreaFactory(code="mental_health")
    service = ServiceAreaFactory(code="mh_outpatient", parent=division)
    other = ServiceAreaFactory(code="family")
    AssignmentFactory(title="toimialue", service_area=division)
    AssignmentFactory(title="palvelu", service_area=service)
    AssignmentFactory(title="muu", service_area=other)
    url = reverse("assignments:assignment_list")
    assert titles(coordinator_client.get(url, {"service_area": division.pk} | ALL)) == {
        "toimialue",
        "palvelu",
    }
    assert titles(coordinator_client.get(url, {"service_area": service.pk} | ALL)) == {"palvelu"}


def test_list_filters_by_type_status_and_expert(coordinator_client):
    training = AssignmentTypeFactory(code="training")
    done = AssignmentFactory(title="valmis", status=AssignmentStatus.DONE, type=training)
    AssignmentFactory(title="suunniteltu")
    participation = ParticipationFactory(assignment=done)
    url = reverse("assignments:assignment_list")
    assert titles(coordinator_client.get(url, {"type": training.pk} | ALL)) == {"valmis"}
    assert titles(coordinator_client.get(url, {"status": "done"} | ALL)) == {"valmis"}
    expert = {"expert": participation.expert_id}
    assert titles(coordinator_client.get(url, expert | ALL)) == {"valmis"}


def test_list_expert_filter_offers_current_experts_and_keeps_the_choice(coordinator_client):
    chosen = ExpertFactory(first_name="Aino", last_name="Mäkelä")
    anonymised = ExpertFactory(anonymised_at=timezone.now())
    response = coordinator_client.get(reverse("assignments:assignment_list"), {"expert": chosen.pk})
    page = response.content.decode()
    assert f'<option value="{chosen.pk}" selected>Aino Mäkelä</option>' in page
    experts = page.split('name="expert"')[1].split("</select>")[0]
    assert f'<option value="{anonymised.pk}"' not in experts  # anonymised: not offered


def test_list_sorts_by_title(coordinator_client):
    AssignmentFactory(title="B")
    AssignmentFactory(title="A")
    response = coordinator_client.get(
        reverse("assignments:assignment_list"), {"sort": "title"} | ALL
    )
    assert [a.title for a in response.context["page_obj"]] == ["A", "B"]


def test_list_sorts_by_type_name_across_pages(coordinator_client):
    # Sorted by the type's name, then by id: the page's ids are sorted first, then fetched.
    later, first = (
        AssignmentTypeFactory(name="Tiedottaminen"),
        AssignmentTypeFactory(name="Arviointi"),
    )
    made = [AssignmentFactory(title=f"t{n}", type=later) for n in range(20)]
    made += [AssignmentFactory(title=f"a{n}", type=first) for n in range(10)]
    expected = [a.title for a in made[20:]] + [a.title for a in made[:20]]
    url = reverse("assignments:assignment_list")
    page_1 = coordinator_client.get(url, {"sort": "type"} | ALL).context["page_obj"]
    page_2 = coordinator_client.get(url, {"sort": "type", "page": 2} | ALL).context["page_obj"]
    assert [a.title for a in page_1] + [a.title for a in page_2] == expected
    assert page_1.paginator.count == 30
    descending = coordinator_client.get(url, {"sort": "-type", "page": 2} | ALL).context["page_obj"]
    assert [a.title for a in descending] == [a.title for a in made[25:]]  # ties stay by id


def test_list_filtered_by_expert_and_sorted_by_service_area_counts_each_assignment_once(
    coordinator_client,
):
    expert = ExpertFactory()
    for code in ["b_area", "a_area"]:
        assignment = AssignmentFactory(
            title=code, service_area=ServiceAreaFactory(code=code, name=code)
        )
        ParticipationFactory(assignment=assignment, expert=expert)
        ParticipationFactory(assignment=assignment)
    response = coordinator_client.get(
        reverse("assignments:assignment_list"),
        {"expert": expert.pk, "sort": "service_area"} | ALL,
    )
    assert [a.title for a in response.context["page_obj"]] == ["a_area", "b_area"]
    assert response.context["page_obj"].paginator.count == 2


SORTED_PAGE_2 = {"sort": "type", "status": "planned", "page": "2"} | ALL


@pytest.mark.parametrize(
    ("size", "query", "rows"),
    [(2, ALL, 2), (30, ALL, 25), (2, SORTED_PAGE_2, 2), (30, SORTED_PAGE_2, 5)],
)
def test_list_runs_a_constant_number_of_queries(
    coordinator_client, django_assert_max_num_queries, size, query, rows
):
    for _ in range(size):
        ParticipationFactory.create_batch(2, assignment=AssignmentFactory())
    # session, user, groups, count of the ids, the page's ids, its rows, participations+experts,
    # filter choices: types, service areas, experts
    with django_assert_max_num_queries(10):
        response = coordinator_client.get(reverse("assignments:assignment_list"), query)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == rows


def test_the_participation_rows_keep_agreement_when_saved_twice(coordinator_client):
    agreement = AgreementFactory()
    data = form_data(experts=[(agreement.expert, "")])
    coordinator_client.post(reverse("assignments:assignment_create"), data)
    assignment = Assignment.objects.get()
    data = form_data(experts=[(agreement.expert, "")], version=assignment.version)
    coordinator_client.post(reverse("assignments:assignment_update", args=[assignment.pk]), data)
    assert Participation.objects.get().agreement == agreement


def test_edit_keeps_an_anonymised_expert_on_the_assignment(coordinator_client):
    participation = ParticipationFactory()
    Expert = type(participation.expert)
    Expert.objects.filter(pk=participation.expert_id).update(anonymised_at=timezone.now())
    url = reverse("assignments:assignment_update", args=[participation.assignment_id])
    page = coordinator_client.get(url).content.decode()
    assert f'<option value="{participation.expert_id}" selected>' in page


def test_expert_choices_name_each_expert_as_the_expert_page_does():
    named = ExpertFactory(first_name="Aino", last_name="Aalto")
    kept = ExpertFactory()
    type(kept).objects.filter(pk=kept.pk).update(anonymised_at=timezone.now())
    kept.refresh_from_db()
    ExpertFactory(anonymised_at=timezone.now())  # anonymised and not on the assignment
    choices = dict(selectors.expert_choices(keep=[kept.pk]))
    assert choices == {named.pk: "Aino Aalto", kept.pk: kept.full_name}
    assert kept.full_name.startswith("Anonymis")


def test_edit_marks_each_expert_row_with_its_own_expert(coordinator_client):
    assignment = AssignmentFactory()
    first, second = (ParticipationFactory(assignment=assignment) for _ in range(2))
    url = reverse("assignments:assignment_update", args=[assignment.pk])
    page = coordinator_client.get(url).content.decode()
    rows = re.findall(r'<select name="experts-\d-expert".*?</select>', page, flags=re.S)
    assert len(rows) == 5  # two experts and three empty rows
    selected = [re.findall(r'<option value="([^"]*)" selected>', row) for row in rows]
    expected = sorted([[str(first.expert_id)], [str(second.expert_id)]])
    assert (
        sorted(selected[:2]) == expected and selected[2:] == [[""]] * 3
    )  # the blank, as forms.Select


@pytest.mark.parametrize("experts", [1, 6])
def test_form_pages_run_a_constant_number_of_queries(
    coordinator_client, django_assert_max_num_queries, experts
):
    assignment = AssignmentFactory()
    ParticipationFactory.create_batch(experts, assignment=assignment)
    ExpertFactory.create_batch(20)
    # session, user, groups; expert choices, types, service areas, professionals
    with django_assert_max_num_queries(7):
        assert coordinator_client.get(reverse("assignments:assignment_create")).status_code == 200
    # and the assignment, its participations
    url = reverse("assignments:assignment_update", args=[assignment.pk])
    with django_assert_max_num_queries(9):
        response = coordinator_client.get(url)
    assert len(response.context["formset"].forms) == experts + 3


def test_the_filter_form_keeps_the_chosen_sort(coordinator_client):
    response = coordinator_client.get(reverse("assignments:assignment_list"), {"sort": "-title"})
    page = response.content.decode()
    start = page.index('role="search"')  # the filter form
    form = page[start : page.index("</form>", start)]
    assert '<input type="hidden" name="sort" value="-title">' in form
