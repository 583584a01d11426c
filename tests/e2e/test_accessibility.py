"""Every main page of every role passes axe-core's WCAG 2.1 AA checks (no serious or critical
findings), in Finnish, and can be used from the keyboard."""

from types import SimpleNamespace

import pytest

from kokemus.access import Role
from tests.e2e.axe import serious_violations
from tests.factories import (
    AttendanceFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (role, path): extend as pages are added; every role's main pages belong here.
PAGES = [
    (None, "/kirjaudu/"),
    (None, "/saavutettavuus/"),
    (Role.COORDINATOR, "/"),
    (Role.COORDINATOR, "/kirjaudu/kaksivaiheinen/"),
    (Role.COORDINATOR, "/sopimukset/"),
    (Role.COORDINATOR, "/sopimukset/uusi/"),
    (Role.COORDINATOR, "/palkkiot/"),  # payroll: hours reports, runs, earnings limits
    (Role.COORDINATOR, "/palkkiot/ajot/"),
    (Role.COORDINATOR, "/palkkiot/ansaintarajat/"),
    (Role.COORDINATOR, "/kokemustoimijat/"),  # coord-a: expert list
    (Role.COORDINATOR, "/kokemustoimijat/uusi/"),  # coord-a: expert form
    (Role.COORDINATOR, "/tuonti/"),
    (Role.EVALUATION, "/"),
    (Role.EVALUATION, "/raportit/"),
    (Role.COORDINATOR, "/raportit/"),
    (Role.EXPERT, "/"),
    # coord-b: assignments and supervision
    (Role.COORDINATOR, "/tehtavat/"),
    (Role.COORDINATOR, "/tehtavat/uusi/"),
    (Role.COORDINATOR, "/tyonohjaus/"),
    (Role.COORDINATOR, "/tyonohjaus/uusi/"),
    (Role.COORDINATOR, "/tyonohjaus/kattavuus/"),
    # work pairs
    (Role.COORDINATOR, "/tyoparit/"),
    (Role.COORDINATOR, "/tyoparit/uusi/"),
]


def user_with(role) -> str:
    return UserFactory(username=f"{role}-user", groups=[role]).username


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[f"{r}:{p}" for r, p in PAGES])
def test_page_has_no_serious_accessibility_findings(page, log_in, role, path):
    if role:
        log_in(page, user_with(role))
    response = page.goto(path)
    assert response.status == 200
    assert serious_violations(page) == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, log_in):
    log_in(page, user_with(Role.COORDINATOR))
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Siirry sisältöön"
    assert skip.is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.fixture
def alice_at_work():
    """An expert with a login, an agreement, an assignment, consent and a supervision group."""
    user = UserFactory(username="alice", groups=[Role.EXPERT])
    expert = ExpertFactory(user=user, first_name="Alice", last_name="Aaltonen")
    participation = ParticipationFactory(agreement__expert=expert)
    ExpertExperienceFactory(consent__expert=expert)
    attendance = AttendanceFactory(membership__expert=expert)
    return SimpleNamespace(
        user=user,
        expert=expert,
        assignment=participation.assignment,
        agreement=participation.agreement,
        group=attendance.session.group,
    )


def test_expert_pages_have_no_serious_accessibility_findings(page, log_in, alice_at_work):
    log_in(page, alice_at_work.user.username)
    for path in (
        "/oma/",
        f"/oma/tehtavat/{alice_at_work.assignment.pk}/",
        "/oma/sopimukset/",
        "/oma/tyonohjaus/",
        "/oma/tiedot/",
        "/oma/palkkiot/",
    ):
        assert page.goto(path).status == 200, path
        assert serious_violations(page) == [], path


def test_coordinator_object_pages_have_no_serious_accessibility_findings(
    page, log_in, alice_at_work
):
    log_in(page, user_with(Role.COORDINATOR))
    for path in (
        f"/kokemustoimijat/{alice_at_work.expert.pk}/",
        f"/kokemustoimijat/{alice_at_work.expert.pk}/loki/",
        f"/kokemustoimijat/{alice_at_work.expert.pk}/palkkiot/",
        f"/kokemustoimijat/{alice_at_work.expert.pk}/suostumus/",
        f"/sopimukset/{alice_at_work.agreement.pk}/",
        f"/tehtavat/{alice_at_work.assignment.pk}/",
        f"/tehtavat/{alice_at_work.assignment.pk}/muokkaa/",
        f"/tyonohjaus/{alice_at_work.group.pk}/",
        f"/tyonohjaus/{alice_at_work.group.pk}/istunto/",
    ):
        assert page.goto(path).status == 200, path
        assert serious_violations(page) == [], path


def test_every_keyboard_stop_shows_a_focus_ring(page, log_in):
    """Bootstrap's own focus rules (menu links, fields, buttons) must not hide ours."""
    log_in(page, user_with(Role.COORDINATOR))
    page.goto("/kokemustoimijat/uusi/")
    assert page.evaluate("[...document.styleSheets].every(sheet => sheet.cssRules.length)")
    seen = set()
    for _ in range(30):  # the skip link, the menu, the log-out button and the form's fields
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName + ' ' + (e.name || e.textContent.trim()), s.outlineStyle,"
            " s.outlineWidth, e.matches(':focus')]; }"
        )
        if not focused[3]:  # in the browser's own date picker button, which pages cannot style
            continue
        seen.add(focused[0].split()[0])
        assert focused[1:3] == ["solid", "3px"], focused
    assert {"A", "BUTTON", "INPUT", "SELECT"} <= seen


@pytest.mark.parametrize(
    "path", ["/sopimukset/", "/tehtavat/", "/kokemustoimijat/", "/tyonohjaus/"]
)
def test_lists_fit_a_phone_screen(page, log_in, path, alice_at_work):
    """A wide table scrolls in its own box; nothing in it may widen the page (390 px)."""
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, user_with(Role.COORDINATOR))
    assert page.goto(path).status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
