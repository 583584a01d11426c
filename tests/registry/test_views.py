"""The coordinator's expert pages: list, detail, forms, consent and the GDPR tools."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from registry.models import ExperienceConsent, Expert
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AttendanceFactory,
    ExperienceAreaFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _pdf_text(response) -> str:
    """The PDF's text with line breaks as spaces: a narrow table cell may wrap a title."""
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _expert_with_history(**names) -> Expert:
    """An expert with consent and area, an agreement valid today, a past and an upcoming
    assignment, and one supervision attendance."""
    expert = ExpertFactory(**names)
    ExpertExperienceFactory(consent__expert=expert)
    agreement = AgreementFactory(
        expert=expert, valid_from=TODAY - 400 * DAY, valid_until=TODAY + 400 * DAY
    )
    ParticipationFactory(
        agreement=agreement,
        assignment=AssignmentFactory(title="Mennyt luento", date=TODAY - 10 * DAY),
        hours=Decimal("1.50"),
    )
    ParticipationFactory(
        agreement=agreement,
        assignment=AssignmentFactory(title="Tuleva raati", date=TODAY + 10 * DAY),
    )
    AttendanceFactory(membership__expert=expert, session__date=TODAY - 5 * DAY)
    return expert


# --- list ---


@pytest.mark.parametrize("count", [1, 15])
def test_list_runs_a_fixed_number_of_queries(
    login, coordinator, count, django_assert_max_num_queries
):
    for n in range(count):
        _expert_with_history(last_name=f"Listattu{n:02}")
    client = login(coordinator)
    # session, user, groups, municipality choices, area choices, count, page
    with django_assert_max_num_queries(7):
        page = _page(client.get(reverse("registry:expert_list"), headers=EN))
    assert page.count("Listattu") == count


def test_list_sorts_by_an_allowed_column_and_ignores_others(login, coordinator):
    # names that no Faker-made user in the page header can have
    ExpertFactory(first_name="Aaro", last_name="Aakkosalku")
    ExpertFactory(first_name="Oona", last_name="Öökkösloppu")
    client = login(coordinator)
    url = reverse("registry:expert_list")
    descending = _page(client.get(url, {"sort": "-name"}, headers=EN))
    assert descending.index("Öökkösloppu") < descending.index("Aakkosalku")
    assert 'aria-sort="descending"' in descending
    fallback = _page(client.get(url, {"sort": "email"}, headers=EN))
    assert fallback.index("Aakkosalku") < fallback.index("Öökkösloppu")


def test_list_filters_from_the_url_and_keeps_them_in_sort_links(login, coordinator):
    ExpertFactory(last_name="Vertainen", kind="peer")
    ExpertFactory(last_name="Ohjaaja", kind="guide")
    page = _page(
        login(coordinator).get(reverse("registry:expert_list"), {"kind": "peer"}, headers=EN)
    )
    assert "Vertainen" in page and "Ohjaaja" not in page
    assert "?kind=peer&amp;sort=kind" in page


def test_list_paginates(login, coordinator):
    for n in range(30):
        ExpertFactory(last_name=f"Sivutettu{n:02}")
    client = login(coordinator)
    url = reverse("registry:expert_list")
    first = _page(client.get(url, headers=EN))
    second = _page(client.get(url, {"page": 2}, headers=EN))
    assert first.count("Sivutettu") == 25 and second.count("Sivutettu") == 5
    assert "Page 2 of 2" in second


def test_list_shows_whether_an_agreement_covers_today(login, coordinator):
    _expert_with_history(last_name="Sopimuksellinen")
    page = _page(
        login(coordinator).get(reverse("registry:expert_list"), {"covered": "yes"}, headers=EN)
    )
    assert "Sopimuksellinen" in page


# --- detail ---


@pytest.mark.parametrize("count", [1, 8])
def test_detail_runs_a_fixed_number_of_queries(
    login, coordinator, count, django_assert_max_num_queries
):
    expert = _expert_with_history()
    agreement = expert.agreements.get()
    for n in range(count):
        ParticipationFactory(
            agreement=agreement, assignment=AssignmentFactory(date=TODAY - (20 + n) * DAY)
        )
        AttendanceFactory(membership__expert=expert, session__date=TODAY - (20 + n) * DAY)
    client = login(coordinator)
    # session, user, groups, expert, consented areas, valid consent, earlier consents,
    # agreements, attendances, the days of the expert's work, the rows shown, audit entry
    # (12), and the audit entry's content type when this process has not cached it yet
    with django_assert_max_num_queries(13):
        _page(client.get(reverse("registry:expert_detail", args=[expert.pk]), headers=EN))


def test_detail_shows_contact_training_areas_agreements_assignments_and_supervision(
    login, coordinator
):
    expert = _expert_with_history(
        first_name="Aino", last_name="Mäkelä", email="aino@example.fi", phone="040 111 2222"
    )
    Expert.objects.filter(pk=expert.pk).update(trained=True, training_organisation="Kokemusopisto")
    page = _page(
        login(coordinator).get(reverse("registry:expert_detail", args=[expert.pk]), headers=EN)
    )
    assert "Aino Mäkelä" in page and 'href="mailto:aino@example.fi"' in page
    assert "040 111 2222" in page and "Kokemusopisto" in page
    assert "Mental health" in page
    assert expert.agreements.get().number in page
    assert page.index("Tuleva raati") < page.index("Mennyt luento")  # upcoming, then past
    assert "1.50" in page  # the expert's own hours
    assert "Attended 1 of 1 sessions." in page


def test_detail_view_is_recorded_in_the_audit_trail(login, coordinator):
    expert = ExpertFactory()
    login(coordinator).get(reverse("registry:expert_detail", args=[expert.pk]))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_id) == (coordinator, expert.pk)


def test_unknown_expert_is_404(login, coordinator):
    assert (
        login(coordinator).get(reverse("registry:expert_detail", args=[999999])).status_code == 404
    )


# --- create and edit ---


def _form_data(**changes) -> dict:
    return {
        "first_name": "Uusi",
        "last_name": "Kokemustoimija",
        "email": "uusi@example.fi",
        "phone": "",
        "municipality": "Kokkola",
        "languages": ["fi"],
        "kind": "expert",
        "status": "active",
        "external_id": "",
        "training_organisation": "",
        "training_completed_on": "",
        "availability": "",
    } | changes


def test_create_saves_redirects_to_the_page_and_says_so(login, coordinator):
    client = login(coordinator)
    response = client.post(reverse("registry:expert_create"), _form_data(), headers=EN, follow=True)
    expert = Expert.objects.get(last_name="Kokemustoimija")
    assert response.redirect_chain[-1][0] == reverse("registry:expert_detail", args=[expert.pk])
    assert "Uusi Kokemustoimija was added to the register." in response.content.decode()
    entry = LogEntry.objects.get(action=LogEntry.Action.CREATE, object_id=expert.pk)
    assert entry.actor == coordinator


def test_refused_create_keeps_everything_typed_and_links_the_errors(login, coordinator):
    data = _form_data(
        email="ei-sahkoposti", training_completed_on="2024-05-01", availability="Tiistaisin"
    )
    page = _page(login(coordinator).post(reverse("registry:expert_create"), data, headers=EN))
    assert not Expert.objects.exists()
    assert "The form was not saved. Please correct these:" in page
    assert 'href="#id_email"' in page and 'href="#id_trained"' in page
    assert "A training completion date needs the expert to be marked as trained." in page
    assert 'value="ei-sahkoposti"' in page and "Tiistaisin" in page
    assert 'value="Kokkola"' in page and 'value="2024-05-01"' in page


def test_refused_create_names_a_duplicate_external_id(login, coordinator):
    ExpertFactory(external_id="EXP-9")
    page = _page(
        login(coordinator).post(
            reverse("registry:expert_create"), _form_data(external_id="EXP-9"), headers=EN
        )
    )
    assert "Another expert already has this external id." in page
    assert Expert.objects.count() == 1


def test_edit_saves_and_is_recorded_with_the_actor(login, coordinator):
    expert = ExpertFactory(municipality="Kokkola")
    client = login(coordinator)
    url = reverse("registry:expert_update", args=[expert.pk])
    form_page = _page(client.get(url, headers=EN))
    assert f'value="{expert.last_name}"' in form_page
    data = _form_data(
        first_name=expert.first_name, last_name=expert.last_name, municipality="Kannus", version=1
    )
    response = client.post(url, data, headers=EN, follow=True)
    assert "were saved" in response.content.decode()
    expert.refresh_from_db()
    assert expert.municipality == "Kannus"
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE, object_id=expert.pk)
    assert entry.actor == coordinator
    assert "municipality" in entry.changes_dict


def test_refused_edit_keeps_the_page_title_and_the_typed_values(login, coordinator):
    expert = ExpertFactory(first_name="Aino", last_name="Mäkelä")
    url = reverse("registry:expert_update", args=[expert.pk])
    page = _page(
        login(coordinator).post(url, _form_data(first_name="", last_name="Muutettu"), headers=EN)
    )
    assert "Edit the details of Aino Mäkelä" in page
    assert 'value="Muutettu"' in page
    expert.refresh_from_db()
    assert expert.last_name == "Mäkelä"


# --- consent and experience areas ---


def test_coordinator_records_consent_with_areas(login, coordinator):
    expert = ExpertFactory()
    area = ExperienceAreaFactory()
    client = login(coordinator)
    response = client.post(
        reverse("registry:expert_consent", args=[expert.pk]),
        {"given_on": "2025-02-01", "purpose": "Tehtävien kohdentaminen", "areas": [area.pk]},
        headers=EN,
        follow=True,
    )
    consent = ExperienceConsent.objects.get(expert=expert)
    assert consent.recorded_by == coordinator
    assert list(consent.experiences.values_list("area", flat=True)) == [area.pk]
    page = response.content.decode()
    assert "The experience areas and consent were saved." in page
    assert "Mental health" in page


def test_consent_page_changes_the_areas_of_the_valid_consent(login, coordinator):
    experience = ExpertExperienceFactory()
    other = ExperienceAreaFactory(code="homelessness", name="Asunnottomuus")
    url = reverse("registry:expert_consent", args=[experience.expert_id])
    client = login(coordinator)
    assert "Consent given on" in _page(client.get(url, headers=EN))
    client.post(url, {"areas": [other.pk]})
    assert list(experience.expert.experiences.values_list("area__code", flat=True)) == [
        "homelessness"
    ]


def test_withdrawal_hides_areas_on_the_page_and_in_the_list_filter(login, coordinator):
    experience = ExpertExperienceFactory(
        consent__expert__last_name="Suostumukseton", area__name="Mielenterveys"
    )
    expert = experience.expert
    client = login(coordinator)
    detail = reverse("registry:expert_detail", args=[expert.pk])
    listing = reverse("registry:expert_list")
    assert "Mental health" in _page(client.get(detail, headers=EN))
    assert "Suostumukseton" in _page(client.get(listing, {"area": experience.area_id}))

    response = client.post(
        reverse("registry:expert_consent_withdraw", args=[expert.pk]), headers=EN, follow=True
    )
    page = response.content.decode()
    assert "The consent was withdrawn and the experience areas deleted." in page
    assert "Mental health" not in page.split('id="areas-heading"')[1].split("</section>")[0]
    assert "No valid consent is recorded" in page
    assert "Suostumukseton" not in _page(client.get(listing, {"area": experience.area_id}))


def test_withdrawing_without_a_valid_consent_says_so(login, coordinator):
    expert = ExpertFactory()
    response = login(coordinator).post(
        reverse("registry:expert_consent_withdraw", args=[expert.pk]), headers=EN, follow=True
    )
    assert "This expert has no valid consent to withdraw." in response.content.decode()


# --- audit trail, data export, anonymisation ---


def test_trail_shows_who_viewed_and_edited(login, coordinator):
    coordinator.first_name, coordinator.last_name = "Kaisa", "Koordinaattori"
    coordinator.save()
    expert = ExpertFactory()
    client = login(coordinator)
    client.get(reverse("registry:expert_detail", args=[expert.pk]))
    expert.phone, expert.training_organisation = "040 123 4567", "Kokemusseura Lokitesti"
    expert.save()  # an edit: the version and updated_at change too
    page = _page(client.get(reverse("registry:expert_trail", args=[expert.pk]), headers=EN))
    assert "Kaisa Koordinaattori" in page
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in page.split("<tr>")[2:]]
    assert [cells[2] for cells in rows] == ["changed", "viewed", "created"]
    assert rows[0][4] == "phone, training organisation"  # labels, not the bookkeeping fields
    assert "Lokitesti" not in page  # the trail names fields; their values (kept unmasked for
    # this field) are not shown


def test_trail_speaks_finnish(login, coordinator):
    expert = ExpertFactory()
    expert.phone = "040 123 4567"
    expert.save()
    page = _page(login(coordinator).get(reverse("registry:expert_trail", args=[expert.pk])))
    assert "<td>muutettu</td>" in page and "<td>luotu</td>" in page
    assert "<td>puhelin</td>" in page


def test_data_export_json_holds_the_expert_and_is_recorded(login, coordinator):
    expert = _expert_with_history(first_name="Aino", last_name="Mäkelä")
    response = login(coordinator).get(reverse("registry:expert_data_json", args=[expert.pk]))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["expert"]["last_name"] == "Mäkelä"
    assert data["consents"][0]["experience_areas"] == ["Mielenterveys"]
    assert len(data["assignments"]) == 2
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=coordinator).exists()


def test_data_export_pdf_is_a_real_pdf_with_the_data(login, coordinator):
    expert = _expert_with_history(first_name="Aino", last_name="Mäkelä")
    response = login(coordinator).get(
        reverse("registry:expert_data_pdf", args=[expert.pk]), headers=EN
    )
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert "Mäkelä" in text and "Mental health" in text and "Mennyt luento" in text


def test_anonymise_asks_first_then_erases(login, coordinator):
    expert = ExpertFactory(first_name="Aino", last_name="Mäkelä")
    client = login(coordinator)
    url = reverse("registry:expert_anonymise", args=[expert.pk])
    assert "cannot be undone" in _page(client.get(url, headers=EN))
    expert.refresh_from_db()
    assert expert.anonymised_at is None
    response = client.post(url, headers=EN, follow=True)
    assert f"as Anonymised expert {expert.pk}" in response.content.decode()
    expert.refresh_from_db()
    assert expert.anonymised_at is not None


def test_anonymisation_leaves_no_trace_of_the_name_on_pages_or_exports(login, coordinator):
    user = UserFactory(username="ainomaija.login", email="ainomaija@example.fi")
    expert = _expert_with_history(
        first_name="Ainomaija", last_name="Sukunimelä", email="ainomaija@example.fi", user=user
    )
    client = login(coordinator)
    client.get(reverse("registry:expert_detail", args=[expert.pk]))  # a view in the trail
    client.post(  # an edit in the trail; follow it so its message is shown before erasure
        reverse("registry:expert_update", args=[expert.pk]),
        _form_data(first_name="Ainomaija", last_name="Sukunimelä", email="ainomaija@example.fi"),
        follow=True,
    )
    client.post(reverse("registry:expert_anonymise", args=[expert.pk]))

    pages = [
        _page(client.get(reverse(name, args=[expert.pk]), headers=EN))
        for name in ("registry:expert_detail", "registry:expert_trail", "registry:expert_data_json")
    ]
    pages.append(_page(client.get(reverse("registry:expert_list"), headers=EN)))
    pdf = client.get(reverse("registry:expert_data_pdf", args=[expert.pk]), headers=EN)
    pages.append(_pdf_text(pdf))
    for text in pages:
        for trace in ("Ainomaija", "Sukunimelä", "ainomaija@", "ainomaija.login"):
            assert trace not in text
    for text in pages[:3] + pages[4:]:  # the list's area filter names every area, as it should
        assert "Mental health" not in text
    assert f"Anonymised expert {expert.pk}" in pages[0]


def test_anonymised_expert_cannot_be_edited(login, coordinator):
    expert = ExpertFactory(anonymised_at=timezone.now())
    response = login(coordinator).get(
        reverse("registry:expert_update", args=[expert.pk]), headers=EN, follow=True
    )
    assert "can no longer be edited" in response.content.decode()


def test_edit_from_an_old_version_is_refused_and_keeps_the_other_save(login, coordinator):
    expert = ExpertFactory(first_name="Aino", last_name="Mäkelä", municipality="Kokkola")
    client = login(coordinator)
    url = reverse("registry:expert_update", args=[expert.pk])
    assert 'name="version" value="1"' in _page(client.get(url, headers=EN))
    # Another coordinator saves first, from the same version.
    data = _form_data(first_name="Aino", last_name="Mäkelä", municipality="Kannus", version=1)
    assert client.post(url, data, headers=EN).status_code == 302
    data = _form_data(first_name="Aino", last_name="Mäkelä", municipality="Oulu", version=1)
    page = _page(client.post(url, data, headers=EN))
    assert "Someone else saved this while you were editing it" in page
    assert 'value="Oulu"' in page  # the typed value stays on the form
    expert.refresh_from_db()
    assert (expert.municipality, expert.version) == ("Kannus", 2)


def test_coordinators_stale_form_does_not_undo_the_experts_own_contact_details(
    client, coordinator, expert_alice
):
    """The lost update of issue 14: the coordinator opens the expert's form, the expert saves
    new contact details on their own page, then the coordinator's older form is refused."""
    expert = expert_alice.expert
    url = reverse("registry:expert_update", args=[expert.pk])
    client.force_login(coordinator)
    opened = client.get(url).context["form"]
    coordinators_form = {
        name: "" if value is None else value
        for name, value in ((field.name, field.value()) for field in opened)
    }

    client.force_login(expert_alice)
    experts_form = client.get(reverse("portal:contact_details")).context["form"]
    own = {field.name: field.value() or "" for field in experts_form}
    own |= {"phone": "040 765 4321", "email": "alice.uusi@example.fi"}
    assert client.post(reverse("portal:contact_details"), own).status_code == 302

    client.force_login(coordinator)
    page = _page(client.post(url, coordinators_form | {"availability": "Aamupäivät"}, headers=EN))

    assert "Someone else saved this while you were editing it" in page
    assert "Aamupäivät</textarea>" in page  # what the coordinator typed stays on the form
    expert.refresh_from_db()
    assert (expert.phone, expert.email, expert.availability) == (
        "040 765 4321",
        "alice.uusi@example.fi",
        "",
    )
