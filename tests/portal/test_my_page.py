"""My page and its detail pages: the expert sees only their own data, others by first name."""

import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import AssignmentStatus
from registry.models import ExperienceConsent, ExpertExperience
from registry.services import expert_update
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AttendanceFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    ProfessionalFactory,
    SupervisionSessionFactory,
)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _alice_assignments(agreement, count: int, start=datetime.date(2025, 2, 1)):
    for n in range(count):
        ParticipationFactory(
            agreement=agreement,
            assignment=AssignmentFactory(
                title=f"Tehtävä {n}",
                date=start + datetime.timedelta(days=n),
                contact=ProfessionalFactory(),
            ),
        )


@pytest.mark.parametrize("count", [1, 12])
def test_my_page_lists_own_assignments_in_fixed_queries(
    login, expert_alice, alice_agreement, count, django_assert_max_num_queries
):
    _alice_assignments(alice_agreement, count)
    ParticipationFactory(assignment=AssignmentFactory(title="Jonkun muun tehtävä"))
    client = login(expert_alice)
    # session, user, groups (role), expert, the days of the expert's work, the rows shown,
    # calendar token, offers waiting for an answer, earnings limit (none), assignments to
    # report, and the guide's open kokemusohjaus periods (guidance)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("portal:my_page"), headers=EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Tehtävä ") == count  # in 2025: too old for the list of work to report
    assert "Jonkun muun tehtävä" not in page


def test_my_page_shows_contact_professional_name_and_phone(login, expert_alice, alice_agreement):
    contact = ProfessionalFactory(first_name="Paula", last_name="Puhelin", phone="040 123 4567")
    ParticipationFactory(
        agreement=alice_agreement, assignment=AssignmentFactory(contact=contact, location="Kokkola")
    )
    page = login(expert_alice).get(reverse("portal:my_page"), headers=EN).content.decode()
    assert "Paula Puhelin" in page
    assert 'href="tel:040 123 4567"' in page
    assert "Kokkola" in page


@pytest.mark.time_machine(datetime.datetime(2025, 3, 10, 15, tzinfo=ZoneInfo("Europe/Helsinki")))
def test_todays_done_assignment_is_no_longer_upcoming(login, expert_alice, alice_agreement):
    today = datetime.date(2025, 3, 10)
    for title, day, status in [
        ("Aamun luento", today, AssignmentStatus.DONE),
        ("Illan raati", today, AssignmentStatus.PLANNED),
        ("Peruttu huominen", today + datetime.timedelta(days=1), AssignmentStatus.CANCELLED),
        ("Eilinen", today - datetime.timedelta(days=1), AssignmentStatus.DONE),
    ]:
        ParticipationFactory(
            agreement=alice_agreement,
            assignment=AssignmentFactory(title=title, date=day, status=status),
        )
    response = login(expert_alice).get(reverse("portal:my_page"), headers=EN)
    assert [p.assignment.title for p in response.context["upcoming"]] == ["Illan raati"]
    assert [p.assignment.title for p in response.context["past"]] == [
        "Peruttu huominen",
        "Aamun luento",
        "Eilinen",
    ]
    page = response.content.decode()
    assert page.index("Illan raati") < page.index("Done and past assignments")
    past = page[page.index("Done and past assignments") :]  # (To report lists it above too)
    assert "Aamun luento" in past


@pytest.mark.time_machine(datetime.datetime(2025, 3, 10, 15, tzinfo=ZoneInfo("Europe/Helsinki")))
def test_upcoming_work_by_day_and_time_and_past_work_newest_first_by_page(
    login, expert_alice, alice_agreement
):
    today, day = datetime.date(2025, 3, 10), datetime.timedelta(days=1)
    for title, date, start_time in [
        ("Koko päivän messut", today + day, None),
        ("Iltapäivän raati", today + day, datetime.time(13)),
        ("Aamun luento", today + day, datetime.time(9)),
        ("Huomisen jälkeen", today + 2 * day, datetime.time(8)),
    ]:
        ParticipationFactory(
            agreement=alice_agreement,
            assignment=AssignmentFactory(title=title, date=date, start_time=start_time),
        )
    _alice_assignments(alice_agreement, 26, start=today - 26 * day)  # Tehtävä 0 the oldest
    client = login(expert_alice)

    response = client.get(reverse("portal:my_page"), headers=EN)
    assert [p.assignment.title for p in response.context["upcoming"]] == [
        "Aamun luento",
        "Iltapäivän raati",
        "Koko päivän messut",
        "Huomisen jälkeen",
    ]
    past = response.context["past"]
    assert (past.paginator.count, past.paginator.num_pages) == (26, 2)
    assert [p.assignment.title for p in past][:2] == ["Tehtävä 25", "Tehtävä 24"]
    second = client.get(reverse("portal:my_page") + "?page=2", headers=EN).context["past"]
    assert [p.assignment.title for p in second] == ["Tehtävä 0"]


@pytest.mark.time_machine(datetime.datetime(2025, 3, 10, 15, tzinfo=ZoneInfo("Europe/Helsinki")))
def test_work_over_several_days_is_upcoming_to_its_last_day(login, expert_alice, alice_agreement):
    today, day = datetime.date(2025, 3, 10), datetime.timedelta(days=1)
    for title, first, last in [
        ("Leiri loppuu tänään", today - 2 * day, today),
        ("Leiri alkaa tänään", today, today + 2 * day),
        ("Leiri loppui eilen", today - 3 * day, today - day),
        ("Tuleva päivä", today + day, None),
    ]:
        ParticipationFactory(
            agreement=alice_agreement,
            assignment=AssignmentFactory(title=title, date=first, end_date=last),
        )
    response = login(expert_alice).get(reverse("portal:my_page"), headers=EN)
    assert [p.assignment.title for p in response.context["upcoming"]] == [
        "Leiri loppuu tänään",
        "Leiri alkaa tänään",
        "Tuleva päivä",
    ]
    assert [p.assignment.title for p in response.context["past"]] == ["Leiri loppui eilen"]


def test_assignment_detail_shows_co_workers_by_first_name_only(
    login, expert_alice, alice_participation
):
    bob = ExpertFactory(first_name="Bertta", last_name="Salainen", phone="050 999")
    ParticipationFactory(
        assignment=alice_participation.assignment, agreement=AgreementFactory(expert=bob)
    )
    response = login(expert_alice).get(
        reverse("portal:assignment_detail", args=[alice_participation.assignment_id]), headers=EN
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bertta" in page
    assert "Salainen" not in page
    assert "050 999" not in page


def test_assignment_detail_of_another_expert_is_404(login, expert_bob, alice_participation):
    response = login(expert_bob).get(
        reverse("portal:assignment_detail", args=[alice_participation.assignment_id])
    )
    assert response.status_code == 404


def _report_url(participation) -> str:
    return reverse("portal:assignment_report", args=[participation.assignment_id])


def test_report_through_the_form(login, expert_alice, alice_participation):
    response = login(expert_alice).post(
        _report_url(alice_participation),
        {"hours": "2.5", "kilometres": "12"},
        headers=EN,
        follow=True,
    )
    line = alice_participation.report_lines.get()
    assert (line.hours, line.kilometres, line.status) == (
        Decimal("2.50"),
        Decimal("12.0"),
        "submitted",
    )
    alice_participation.assignment.refresh_from_db()
    assert alice_participation.assignment.status == AssignmentStatus.DONE  # she was alone on it
    page = response.content.decode()
    assert "Your report of 2.5 hours was sent to the coordinator. Thank you!" in page
    assert "Waiting for approval" in page


def test_report_refused_keeps_the_typed_hours_with_the_message_on_the_field(
    login, expert_alice, alice_participation
):
    response = login(expert_alice).post(
        _report_url(alice_participation), {"hours": "30"}, headers=EN
    )
    assert response.status_code == 200  # the page again, not a redirect that forgets the input
    assert not alice_participation.report_lines.exists()
    page = response.content.decode()
    assert re.search(r'<input type="text" name="hours" value="30"[^>]*aria-invalid="true"', page)
    assert "One day has at most 24 hours." in page


def test_report_refuses_a_word_for_hours_on_the_field(login, expert_alice, alice_participation):
    response = login(expert_alice).post(
        _report_url(alice_participation), {"hours": "kaksi"}, headers=EN
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="kaksi"' in page
    assert "Enter a number." in page


def test_report_on_a_cancelled_assignment_says_why(login, expert_alice, alice_participation):
    """From a page left open while the coordinator cancelled the assignment."""
    assignment = alice_participation.assignment
    assignment.status = AssignmentStatus.CANCELLED
    assignment.save()
    response = login(expert_alice).post(
        _report_url(alice_participation), {"hours": "2"}, headers=EN, follow=True
    )
    assert "A cancelled assignment cannot be reported." in response.content.decode()
    assert not alice_participation.report_lines.exists()


def test_a_cancelled_assignment_offers_no_report(login, expert_alice, alice_participation):
    assignment = alice_participation.assignment
    assignment.status = AssignmentStatus.CANCELLED
    assignment.save()
    url = reverse("portal:assignment_detail", args=[assignment.pk])
    page = login(expert_alice).get(url, headers=EN).content.decode()
    assert "Send my report" not in page
    assert "A cancelled assignment is not reported." in page


def test_report_for_another_expert_is_404_and_changes_nothing(
    login, expert_bob, alice_participation
):
    assert (
        login(expert_bob).post(_report_url(alice_participation), {"hours": "2"}).status_code == 404
    )
    assert not alice_participation.report_lines.exists()
    alice_participation.assignment.refresh_from_db()
    assert alice_participation.assignment.status == AssignmentStatus.PLANNED


def test_agreement_list_and_pdf(login, expert_alice, alice_agreement):
    AgreementFactory(number="TS-MUU")
    client = login(expert_alice)
    page = client.get(reverse("portal:agreement_list"), headers=EN).content.decode()
    assert "TS-ALICE" in page
    assert "TS-MUU" not in page
    response = client.get(reverse("portal:agreement_pdf", args=[alice_agreement.pk]), headers=EN)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Commission agreement TS-ALICE" in text


def test_agreement_pdf_of_another_expert_is_404(login, expert_bob, alice_agreement):
    url = reverse("portal:agreement_pdf", args=[alice_agreement.pk])
    assert login(expert_bob).get(url).status_code == 404


@pytest.mark.parametrize("sessions", [1, 6])
def test_supervision_shows_groups_sessions_attendance_and_first_names(
    login, expert_alice, sessions, django_assert_max_num_queries
):
    membership = GroupMembershipFactory(expert=expert_alice.expert, group__name="Tukiryhmä")
    GroupMembershipFactory(
        group=membership.group, expert=ExpertFactory(first_name="Cecilia", last_name="Piilo")
    )
    for n in range(sessions):
        session = SupervisionSessionFactory(
            group=membership.group, date=datetime.date(2025, 3, 1 + n)
        )
        AttendanceFactory(session=session, membership=membership, present=n % 2 == 0)
    GroupMembershipFactory(group__name="Vieras ryhmä")
    client = login(expert_alice)
    # session, user, groups, expert, my groups, their expert members, sessions count, page,
    # the coming sessions to propose topics for
    with django_assert_max_num_queries(9):
        response = client.get(reverse("portal:supervision"), headers=EN)
    page = response.content.decode()
    assert "Tukiryhmä" in page
    assert "Vieras ryhmä" not in page
    assert "Cecilia" in page
    assert "Piilo" not in page
    assert page.count("<td>present</td>") == (sessions + 1) // 2
    assert page.count("<td>absent</td>") == sessions // 2


def test_contact_details_edit_only_the_allowed_fields(login, expert_alice):
    expert = expert_alice.expert
    response = login(expert_alice).post(
        reverse("portal:contact_details"),
        {
            "email": "uusi@example.fi",
            "phone": "040 1",
            "municipality": "Kannus",
            "languages": ["sv", "fi"],
            "availability": "Arki-illat",
            "last_name": "Muutettu",
            "version": 1,
        },
        headers=EN,
        follow=True,
    )
    assert "Your contact details were saved." in response.content.decode()
    expert.refresh_from_db()
    assert (expert.email, expert.phone, expert.municipality, expert.availability) == (
        "uusi@example.fi",
        "040 1",
        "Kannus",
        "Arki-illat",
    )
    assert expert.languages == "fi,sv"  # the requests they are suggested for follow it
    assert expert.last_name != "Muutettu"
    assert expert.version == 2  # a coordinator's form opened before this save is refused


def test_contact_details_opened_before_a_coordinators_save_are_refused(login, expert_alice):
    expert = expert_alice.expert
    client = login(expert_alice)
    url = reverse("portal:contact_details")
    assert 'name="version" value="1"' in client.get(url).content.decode()
    expert_update(expert=expert, fields={"phone": "06 828 0000"})  # the coordinator's save

    response = client.post(
        url,
        {
            "email": expert.email,
            "phone": "040 1",
            "municipality": "",
            "languages": ["fi"],
            "version": 1,
        },
        headers=EN,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this while you were editing it" in page
    assert 'value="040 1"' in page  # what the expert typed stays on the form
    expert.refresh_from_db()
    assert (expert.phone, expert.version) == ("06 828 0000", 2)


def test_expert_sees_own_experience_areas_and_withdraws_consent(login, expert_alice):
    experience = ExpertExperienceFactory(consent__expert=expert_alice.expert)
    client = login(expert_alice)
    page = client.get(reverse("portal:contact_details"), headers=EN).content.decode()
    assert "Mental health" in page
    response = client.post(
        reverse("portal:consent_withdraw", args=[experience.consent_id]), headers=EN, follow=True
    )
    assert "You withdrew your consent. Your experience areas were deleted." in (
        response.content.decode()
    )
    assert not ExpertExperience.objects.exists()
    assert ExperienceConsent.objects.get().withdrawn_at is not None


def test_withdrawing_another_experts_consent_is_404(login, expert_bob, expert_alice):
    experience = ExpertExperienceFactory(consent__expert=expert_alice.expert)
    url = reverse("portal:consent_withdraw", args=[experience.consent_id])
    assert login(expert_bob).post(url).status_code == 404
    assert ExpertExperience.objects.count() == 1


def test_coordinator_without_expert_role_gets_403(login, coordinator):
    assert login(coordinator).get(reverse("portal:my_page")).status_code == 403


def test_report_with_zero_hours_gets_the_service_message(login, expert_alice, alice_participation):
    response = login(expert_alice).post(
        _report_url(alice_participation), {"hours": "0"}, headers=EN
    )
    assert "Hours must be more than zero." in response.content.decode()
    alice_participation.assignment.refresh_from_db()
    assert alice_participation.assignment.status == AssignmentStatus.PLANNED


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("separator", [",", "."])
def test_report_takes_a_decimal_comma_or_point_in_every_language(
    login, expert_alice, alice_participation, language, separator
):
    response = login(expert_alice).post(
        _report_url(alice_participation),
        {
            "hours": f"1{separator}5",
            "kilometres": f"7{separator}5",
            "other_costs": f"3{separator}20",
            "other_costs_description": "Bussi",
        },
        headers={"accept-language": language},
    )
    assert response.status_code == 302
    line = alice_participation.report_lines.get()
    assert (line.hours, line.kilometres, line.other_costs) == (
        Decimal("1.50"),
        Decimal("7.5"),
        Decimal("3.20"),
    )


def test_assignment_detail_in_fixed_queries(
    login, expert_alice, alice_participation, django_assert_max_num_queries
):
    client = login(expert_alice)
    url = reverse("portal:assignment_detail", args=[alice_participation.assignment_id])
    # session, user, groups, expert, participation with assignment and agreement, co-workers,
    # the expert's own report line
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_agreement_list_in_fixed_queries(login, expert_alice, count, django_assert_max_num_queries):
    for _ in range(count):
        AgreementFactory(expert=expert_alice.expert)
    client = login(expert_alice)
    # session, user, groups, expert, agreements with division
    with django_assert_max_num_queries(5):
        response = client.get(reverse("portal:agreement_list"))
    assert response.content.decode().count("PDF") >= count
