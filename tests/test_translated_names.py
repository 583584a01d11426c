"""Reference data (types, service areas, experience areas, topics) reads in the page's language;
where a name is not given in it, the Finnish name stands in."""

import pytest
from django.urls import reverse

from registry.models import AssignmentType, ExperienceArea, ServiceArea
from supervision.models import SupervisionTopic
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertExperienceFactory,
    ParticipationFactory,
    SupervisionGroupFactory,
)

pytestmark = pytest.mark.django_db

FI, SV, EN = ({"accept-language": code} for code in ("fi", "sv", "en"))
NEW_ASSIGNMENT = reverse("assignments:assignment_create")


@pytest.fixture
def home_care_support():
    """A client support assignment for home care, from the default reference data."""
    return AssignmentFactory(
        type=AssignmentType.objects.get(code="client_support"),
        service_area=ServiceArea.objects.get(code="home_care"),
    )


@pytest.mark.parametrize("model", [AssignmentType, ServiceArea, ExperienceArea, SupervisionTopic])
def test_every_default_name_has_swedish_and_english(model):
    assert model.objects.exists()
    assert not model.objects.filter(name_sv="").exists()
    assert not model.objects.filter(name_en="").exists()


@pytest.mark.parametrize(
    ("headers", "type_name", "area_name"),
    [
        (FI, "Asiakkaan tukena", "Kotihoito"),
        (SV, "Som stöd för klienten", "Hemvård"),
        (EN, "Client support", "Home care"),
    ],
)
def test_coordinator_reads_an_assignment_in_the_pages_language(
    login, coordinator, home_care_support, headers, type_name, area_name
):
    url = reverse("assignments:assignment_detail", args=[home_care_support.pk])
    page = login(coordinator).get(url, headers=headers).content.decode()
    assert type_name in page and area_name in page


def test_the_form_offers_services_under_their_division_in_swedish(login, coordinator):
    page = login(coordinator).get(NEW_ASSIGNMENT, headers=SV).content.decode()
    assert "Tjänster för äldre › Hemvård" in page
    # by the Swedish names: Familje- before Handikapp-, though Vammais- is last in Finnish
    assert page.index(">Familje- och socialtjänster<") < page.index(">Handikappservice<")
    assert page.index(">Handikappservice<") < page.index(">Hälsovårdstjänster<")
    assert "Som stöd för klienten" in page
    assert "Kotihoito" not in page


def test_a_name_not_given_in_swedish_shows_the_finnish_one(login, coordinator):
    AssignmentType.objects.create(code="walks", name="Kävelyryhmä", name_en="Walking group")
    client = login(coordinator)
    assert "Kävelyryhmä" in client.get(NEW_ASSIGNMENT, headers=SV).content.decode()
    page = client.get(NEW_ASSIGNMENT, headers=EN).content.decode()
    assert "Walking group" in page and "Kävelyryhmä" not in page


def test_report_and_its_csv_name_types_and_divisions_in_swedish(
    login, evaluation_member, home_care_support
):
    client = login(evaluation_member)
    report = reverse("reporting:report")
    page = client.get(report, {"year": 2025}, headers=SV).content.decode()
    assert "Som stöd för klienten" in page and "Tjänster för äldre" in page
    assert "Asiakkaan tukena" not in page
    csv = client.get(reverse("reporting:export", args=["csv"]), {"year": 2025}, headers=SV)
    text = csv.content.decode("utf-8-sig")
    assert "Som stöd för klienten" in text and "Ikääntyneiden palvelut" not in text


def test_expert_reads_own_assignment_in_english(login, expert_alice):
    expert = expert_alice.expert
    participation = ParticipationFactory(
        agreement=AgreementFactory(expert=expert),
        assignment__type=AssignmentType.objects.get(code="training"),
        assignment__service_area=ServiceArea.objects.get(code="child_welfare"),
    )
    url = reverse("portal:assignment_detail", args=[participation.assignment_id])
    page = login(expert_alice).get(url, headers=EN).content.decode()
    assert "Training and lecturing" in page and "Child welfare" in page


def test_expert_reads_own_experience_areas_in_swedish(login, expert_alice):
    ExpertExperienceFactory(consent__expert=expert_alice.expert)
    page = login(expert_alice).get(reverse("portal:contact_details"), headers=SV)
    assert "Psykisk hälsa" in page.content.decode()


@pytest.mark.parametrize(
    ("headers", "first", "last"),
    [
        (FI, "Arviointi", "Tiedottaminen"),  # A… before T…
        (SV, "Information", "Utvärdering"),  # the same two: I… before U…
    ],
)
def test_the_assignment_list_sorts_types_by_the_pages_language(
    login, coordinator, headers, first, last
):
    for code in ("evaluation", "communication"):
        AssignmentFactory(type=AssignmentType.objects.get(code=code))
    url = reverse("assignments:assignment_list")
    client = login(coordinator)
    everything = {"when": "all"}  # the factories' assignments are in the past
    query = {"sort": "type"} | everything
    rows = client.get(url, query, headers=headers).content.decode().split("<tbody")[1]
    assert rows.index(first) < rows.index(last)
    query = {"sort": "-type"} | everything
    rows = client.get(url, query, headers=headers).content.decode().split("<tbody")[1]
    assert rows.index(last) < rows.index(first)


def test_experience_areas_and_topics_are_offered_by_their_swedish_names(login, coordinator):
    client = login(coordinator)
    expert = AgreementFactory().expert
    page = client.get(reverse("registry:expert_consent", args=[expert.pk]), headers=SV)
    areas = page.content.decode()
    # "Bostadslöshet" (Asunnottomuus) first, "Psykisk hälsa" (Mielenterveys) after "Missbruk"
    assert areas.index("Bostadslöshet") < areas.index("Missbruk") < areas.index("Psykisk hälsa")
    group = SupervisionGroupFactory()
    page = client.get(reverse("supervision:session_create", args=[group.pk]), headers=SV)
    topics = page.content.decode()
    # "Arbetskulturer" (Työskentelykulttuurit) before "Roller och gränser" (Roolit ja rajat)
    assert topics.index("Arbetskulturer") < topics.index("Roller och gränser")
