"""Work pairs: the coordinator makes a pair with its plan and sends the professional a private
link; the professional and the expert tick steps; the lists count in constant queries."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from notifications.models import Kind, Message
from pairs import services
from pairs.models import DoneBy, PlanStep, StepKind, WorkPair
from pairs.plans import DEFAULT_PLAN
from supervision.models import GroupKind
from tests.factories import (
    ExpertFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
)
from tests.pairs.factories import PlanStepFactory, WorkPairFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
# Monday 10.3.2025, noon in Helsinki: a week after the pairs' start.
NOW = datetime.datetime(2025, 3, 10, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _pair_data(expert, professional, **changes) -> dict:
    return {
        "expert": expert.pk,
        "professional": professional.pk,
        "started_on": "2025-03-03",
        "ended_on": "",
        "mentor_expert": "",
        "mentor_professional": professional.pk,
        "supervision_group": "",
        "notes": "",
        "external_id": "",
        "default_plan": "on",
    } | changes


# --- Coordinators: the pair and its plan ----------------------------------------------------


def test_a_new_pair_starts_with_the_default_plan_dated_from_its_start(login, coordinator):
    expert, professional = ExpertFactory(), ProfessionalFactory()

    response = login(coordinator).post(
        reverse("pairs:pair_create"), _pair_data(expert, professional)
    )

    pair = WorkPair.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pairs:pair_detail", args=[pair.pk])
    assert pair.mentor == professional
    steps = list(pair.steps.all())
    assert len(steps) == len(DEFAULT_PLAN) == 10
    assert steps[0].due_on == datetime.date(2025, 3, 10)
    assert {step.kind for step in steps} == set(StepKind)
    assert any(step.kind == StepKind.PAIR_SUPERVISION for step in steps)
    assert all(step.done_on is None for step in steps)


def test_a_pair_without_the_default_plan_has_no_steps(login, coordinator):
    data = _pair_data(ExpertFactory(), ProfessionalFactory())
    del data["default_plan"]

    login(coordinator).post(reverse("pairs:pair_create"), data)

    assert WorkPair.objects.get().steps.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ended_on": "2025-03-02"}, "ended_on", "The end cannot be before the start."),
        (
            {"mentor_expert": "MENTOR"},
            "mentor_professional",
            "Choose the mentor either among experts or among professionals, not both.",
        ),
        (
            {"mentor_expert": "EXPERT", "mentor_professional": ""},
            "mentor_expert",
            "The mentor cannot be the pair's own expert by experience.",
        ),
    ],
)
def test_the_form_shows_its_errors_again_and_saves_nothing(
    login, coordinator, changes, field, message
):
    expert, professional = ExpertFactory(), ProfessionalFactory()
    people = {"MENTOR": str(ExpertFactory().pk), "EXPERT": str(expert.pk)}
    changes = {key: people.get(value, value) for key, value in changes.items()}

    response = login(coordinator).post(
        reverse("pairs:pair_create"), _pair_data(expert, professional, **changes), headers=EN
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "The form was not saved" in response.content.decode()
    assert not WorkPair.objects.exists()


def test_the_form_is_in_finnish_by_default(login, coordinator):
    response = login(coordinator).post(
        reverse("pairs:pair_create"),
        _pair_data(ExpertFactory(), ProfessionalFactory(), ended_on="2025-01-01"),
    )

    assert "Päättyminen ei voi olla ennen alkua." in response.content.decode()


def test_a_stale_edit_is_refused(login, coordinator):
    pair = WorkPairFactory()
    data = _pair_data(pair.expert, pair.professional, notes="Uusi", version=pair.version)
    services.pair_save(pair=pair)  # someone saved meanwhile

    response = login(coordinator).post(reverse("pairs:pair_update", args=[pair.pk]), data)

    assert response.status_code == 200
    pair.refresh_from_db()
    assert pair.notes == ""


def _plan_data(pair, rows: list[dict]) -> dict:
    data = {
        "version": pair.version,
        "steps-TOTAL_FORMS": len(rows),
        "steps-INITIAL_FORMS": sum(1 for row in rows if row.get("id")),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 40,
    }
    for number, row in enumerate(rows):
        data |= {f"steps-{number}-{key}": value for key, value in row.items()}
    return data


def test_the_coordinator_edits_the_plan_and_a_tick_made_meanwhile_stays(login, coordinator):
    pair = WorkPairFactory()
    kept = PlanStepFactory(pair=pair, title="Tutustuminen")
    dropped = PlanStepFactory(pair=pair, title="Turha")
    client = login(coordinator)
    opened = pair.version
    services.step_set_done(step=kept, done=True, by=DoneBy.PROFESSIONAL)  # ticked meanwhile

    rows = [
        {"id": kept.pk, "position": 1, "kind": "induction", "title": "Tutustutaan", "due_on": ""},
        {"id": dropped.pk, "position": 2, "kind": "other", "title": "Turha", "DELETE": "on"},
        {"position": 3, "kind": "joint_task", "title": "Eka asiakastapaaminen", "due_on": ""},
    ]
    response = client.post(
        reverse("pairs:plan_edit", args=[pair.pk]), _plan_data(pair, rows) | {"version": opened}
    )

    assert response.status_code == 302
    steps = list(pair.steps.values_list("title", "done_by"))
    assert steps == [("Tutustutaan", DoneBy.PROFESSIONAL), ("Eka asiakastapaaminen", "")]
    pair.refresh_from_db()
    assert pair.version == opened + 1


def test_a_plan_step_needs_a_title_and_the_page_says_so(login, coordinator):
    pair = WorkPairFactory()
    rows = [{"position": 1, "kind": "induction", "title": "", "due_on": "2025-03-20"}]

    response = login(coordinator).post(
        reverse("pairs:plan_edit", args=[pair.pk]), _plan_data(pair, rows), headers=EN
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not PlanStep.objects.exists()


def test_a_stale_plan_is_refused(login, coordinator):
    pair = WorkPairFactory()
    data = _plan_data(pair, [{"position": 1, "kind": "other", "title": "Uusi"}])
    services.pair_save(pair=pair)

    response = login(coordinator).post(reverse("pairs:plan_edit", args=[pair.pk]), data, headers=EN)

    assert response.status_code == 200
    assert "Someone else saved this" in response.content.decode()
    assert not PlanStep.objects.exists()


# --- The professional's private link --------------------------------------------------------


def _sent_link(pair, client) -> str:
    client.post(reverse("pairs:link_send", args=[pair.pk]))
    message = Message.objects.filter(kind=Kind.PAIR_LINK).latest("pk")
    assert message.to == pair.professional.email
    return re.search(r"http://\S+(/tyopari/\S+/)", message.text).group(1)


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


@pytest.fixture
def pair_with_plan():
    """Alice's pair with Paula, two steps and a pair supervision group with sessions."""
    group = SupervisionGroupFactory(kind=GroupKind.PAIR)
    SupervisionSessionFactory(group=group, date=datetime.date(2025, 3, 5))
    SupervisionSessionFactory(group=group, date=datetime.date(2025, 4, 7))
    pair = WorkPairFactory(
        expert=ExpertFactory(first_name="Aliisa", last_name="Sukunimitön"),
        professional=ProfessionalFactory(first_name="Paula", email="paula@example.fi"),
        supervision_group=group,
        notes="Luottamuksellinen muistiinpano",
    )
    PlanStepFactory(pair=pair, title="Tutustuminen", position=1)
    PlanStepFactory(pair=pair, title="Ensimmäinen yhteinen tehtävä", position=2)
    return pair


def test_the_professional_sees_one_plan_and_no_more(login, coordinator, pair_with_plan):
    other = PlanStepFactory(title="Toisen parin vaihe", pair__expert__last_name="Toinen")
    path = _sent_link(pair_with_plan, login(coordinator))

    response = Client().get(path, headers=EN)

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Aliisa" in page and "Sukunimitön" not in page  # the expert by first name only
    assert "Tutustuminen" in page and "Ensimmäinen yhteinen tehtävä" in page
    assert other.title not in page and "Toinen" not in page
    assert "Luottamuksellinen" not in page  # the coordinator's notes are not for the link
    assert "Mon 7.4.2025" in page and "5.3.2025" not in page  # only coming supervision


def test_the_professional_ticks_a_step_and_cannot_tick_another_pairs(
    login, coordinator, pair_with_plan
):
    other = PlanStepFactory(title="Toisen parin vaihe")
    step = pair_with_plan.steps.first()
    path = _sent_link(pair_with_plan, login(coordinator))
    professional = Client()

    response = professional.post(path, {"step": step.pk, "done": "on"})
    professional.post(path, {"step": other.pk, "done": "on"})

    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    step.refresh_from_db()
    assert (step.done_on, step.done_by) == (datetime.date(2025, 3, 10), DoneBy.PROFESSIONAL)
    other.refresh_from_db()
    assert other.done_on is None
    professional.post(path, {"step": step.pk, "done": ""})  # undone
    step.refresh_from_db()
    assert (step.done_on, step.done_by) == (None, "")


def test_the_link_expires(login, coordinator, pair_with_plan, frozen_clock, settings):
    settings.PAIR_LINK_DAYS = 10
    path = _sent_link(pair_with_plan, login(coordinator))
    frozen_clock.move_to(datetime.datetime(2025, 3, 20, 21, 59, tzinfo=datetime.UTC))
    assert Client().get(path).status_code == 200  # the last day, 20.3., in Helsinki

    frozen_clock.move_to(datetime.datetime(2025, 3, 20, 22, 0, tzinfo=datetime.UTC))
    response = Client().get(path, headers=EN)

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"
    assert "This link no longer works" in response.content.decode()
    assert (
        Client().post(path, {"step": pair_with_plan.steps.first().pk, "done": "on"}).status_code
        == 404
    )


def test_a_revoked_link_and_an_unknown_one_answer_alike(login, coordinator, pair_with_plan):
    client = login(coordinator)
    path = _sent_link(pair_with_plan, client)

    client.post(reverse("pairs:link_revoke", args=[pair_with_plan.pk]))

    revoked, unknown = Client().get(path), Client().get(reverse("pair_link:plan", args=["x" * 43]))
    assert revoked.status_code == unknown.status_code == 404
    assert _main(revoked) == _main(unknown)  # the footer's form has a token of its own
    assert "Paula" not in _main(revoked)


def test_a_new_link_stops_the_old_one(login, coordinator, pair_with_plan):
    client = login(coordinator)
    old = _sent_link(pair_with_plan, client)

    new = _sent_link(pair_with_plan, client)

    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


@pytest.mark.parametrize("changed", ["professional", "expert"])
def test_changing_the_pairs_people_stops_the_link(login, coordinator, pair_with_plan, changed):
    client = login(coordinator)
    path = _sent_link(pair_with_plan, client)
    pair = WorkPair.objects.get(pk=pair_with_plan.pk)
    people = {"expert": pair.expert, "professional": pair.professional}
    people[changed] = ExpertFactory() if changed == "expert" else ProfessionalFactory()
    data = _pair_data(**people, version=pair.version, supervision_group=pair.supervision_group_id)

    response = client.post(
        reverse("pairs:pair_update", args=[pair.pk]), data, headers=EN, follow=True
    )

    assert Client().get(path).status_code == 404
    assert "the private link sent earlier no longer works" in response.content.decode()
    assert PlanStep.objects.filter(pair=pair).count() == 2  # the plan stays


def test_editing_other_details_keeps_the_link(login, coordinator, pair_with_plan):
    client = login(coordinator)
    path = _sent_link(pair_with_plan, client)
    pair = WorkPair.objects.get(pk=pair_with_plan.pk)
    data = _pair_data(pair.expert, pair.professional, version=pair.version, notes="Uusi")

    response = client.post(
        reverse("pairs:pair_update", args=[pair.pk]), data, headers=EN, follow=True
    )

    assert Client().get(path).status_code == 200
    assert "no longer works" not in response.content.decode()


def test_no_link_is_sent_to_a_professional_without_e_mail(login, coordinator):
    pair = WorkPairFactory(professional=ProfessionalFactory(email=""))

    response = login(coordinator).post(
        reverse("pairs:link_send", args=[pair.pk]), follow=True, headers=EN
    )

    assert "has no e-mail address" in response.content.decode()
    assert not pair.links.exists()


# --- The expert's own pairs -----------------------------------------------------------------


def test_the_expert_sees_their_pair_by_first_names_and_ticks_a_step(login, expert_alice):
    pair = WorkPairFactory(
        expert=expert_alice.expert,
        professional=ProfessionalFactory(first_name="Paula", last_name="Ammattilainen"),
        notes="Koordinaattorin muistiinpano",
    )
    step = PlanStepFactory(pair=pair, title="Tutustuminen")
    client = login(expert_alice)

    page = client.get(reverse("my_pairs:pair_detail", args=[pair.pk])).content.decode()
    response = client.post(
        reverse("my_pairs:step_tick", args=[pair.pk]), {"step": step.pk, "done": "on"}
    )

    assert "Paula" in page and "Ammattilainen" not in page
    assert "Koordinaattorin" not in page
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_by == DoneBy.EXPERT


def test_the_expert_cannot_tick_another_pairs_step_through_their_own(login, expert_alice):
    own = WorkPairFactory(expert=expert_alice.expert)
    other = PlanStepFactory()

    login(expert_alice).post(
        reverse("my_pairs:step_tick", args=[own.pk]), {"step": other.pk, "done": "on"}
    )

    other.refresh_from_db()
    assert other.done_on is None


# --- Lists: progress and constant queries ---------------------------------------------------


def _pairs(count: int, expert=None):
    group = SupervisionGroupFactory(kind=GroupKind.PAIR)
    SupervisionSessionFactory(group=group, date=datetime.date(2025, 3, 5))
    for _ in range(count):
        pair = WorkPairFactory(supervision_group=group, **({"expert": expert} if expert else {}))
        PlanStepFactory(pair=pair, done_on=datetime.date(2025, 3, 4), due_on=None)
        PlanStepFactory(pair=pair, due_on=datetime.date(2025, 3, 24))
        PlanStepFactory(pair=pair, due_on=datetime.date(2025, 3, 17))


def test_the_pair_list_shows_progress(login, coordinator):
    _pairs(1)
    WorkPairFactory(ended_on=datetime.date(2025, 3, 9))  # ended: not among the active

    response = login(coordinator).get(reverse("pairs:pair_list"))

    [pair] = response.context["page_obj"]
    assert (pair.steps_done, pair.steps_total) == (1, 3)
    assert pair.next_due == datetime.date(2025, 3, 17)
    assert pair.last_supervision == datetime.date(2025, 3, 5)
    ended = login(coordinator).get(reverse("pairs:pair_list"), {"state": "ended"})
    assert len(ended.context["page_obj"]) == 1
    everyone = login(coordinator).get(reverse("pairs:pair_list"), {"state": ""})
    assert len(everyone.context["page_obj"]) == 2


def test_the_pair_list_takes_constant_queries(login, coordinator, django_assert_max_num_queries):
    _pairs(30)
    client = login(coordinator)
    client.get(reverse("pairs:pair_list"))  # the session and the roles, read once

    with django_assert_max_num_queries(6):
        response = client.get(reverse("pairs:pair_list"), {"page": 2})

    assert len(response.context["page_obj"]) == 5


def test_the_experts_list_takes_constant_queries(
    login, expert_alice, django_assert_max_num_queries
):
    _pairs(30, expert=expert_alice.expert)
    client = login(expert_alice)
    client.get(reverse("my_pairs:pair_list"))

    with django_assert_max_num_queries(6):
        response = client.get(reverse("my_pairs:pair_list"))

    assert len(response.context["page_obj"]) == 25
