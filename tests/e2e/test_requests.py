"""From a service's request to a booked expert, end to end in the browser (issue 18).

An anonymous professional sends a request; the receipt with its private link arrives in a real
SMTP inbox; the coordinator reads the suggestions with their reasons and offers the request to
two experts; Bob declines, Alice accepts; the assignment is booked, the requester's status
page shows it, and Bob is told the request was filled.
"""

import datetime
import re

import pytest
import time_machine

from agreements.models import AssignmentStatus
from kokemus.access import Role
from notifications.delivery import deliver_due
from orders.models import Offer, OfferStatus, Request, RequestStatus
from registry.models import AssignmentType, ExperienceArea, ServiceArea
from tests.e2e.axe import serious_violations
from tests.factories import (
    AgreementFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    UserFactory,
)
from tests.orders.factories import OfferFactory, RequestFactory, StatusLinkFactory
from tests.smtp import body_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "salasana-testiin-123"
NOW = datetime.datetime(2027, 5, 3, 7, 0, tzinfo=datetime.UTC)  # Monday 10.00 in Helsinki
REQUESTER = "paula.pyytaja@example.fi"


def _expert(username: str, first_name: str, area: ExperienceArea):
    user = UserFactory(
        username=username, email=f"{username}@example.fi", first_name=first_name,
        groups=[Role.EXPERT],
    )  # fmt: skip
    expert = ExpertFactory(
        user=user,
        first_name=first_name,
        last_name="Kokemus",
        email=user.email,
        municipality="Kokkola",
    )
    AgreementFactory(
        expert=expert,
        number=f"TS-{first_name.upper()}",
        valid_from=datetime.date(2027, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    ExpertExperienceFactory(consent__expert=expert, area=area)
    return expert


def _context(browser, live_server):
    """A browser of its own for each person, failing the test on any CSP violation."""
    context = browser.new_context(base_url=live_server.url, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page, violations


def _log_in(page, username: str) -> None:
    page.goto("/kirjaudu/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")


def _send_request(page) -> None:
    page.goto("/tilaa/")
    page.locator("#id_type").select_option(str(AssignmentType.objects.get(code="training").pk))
    page.locator("#id_audience").fill("Sairaanhoitajaopiskelijat")
    page.locator("#id_experience_area").select_option(
        str(ExperienceArea.objects.get(code="mental_health").pk)
    )
    page.locator("#id_experience_wish").fill("Toipuminen masennuksesta")
    page.locator("#id_service_area").select_option(
        str(ServiceArea.objects.filter(parent__isnull=True).first().pk)
    )
    page.locator("#id_date").fill("2027-05-10")
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_hours").fill("2")
    page.locator("#id_place").fill("Mariankatu 16")
    page.locator("#id_municipality").fill("Kokkola")
    page.locator("#id_requester_first_name").fill("Paula")
    page.locator("#id_requester_last_name").fill("Pyytäjä")
    page.locator("#id_requester_unit").fill("Kokkolan aikuissosiaalityö")
    page.locator("#id_requester_email").fill(REQUESTER)
    page.locator("#request-form button[type=submit]").click()
    page.wait_for_url("**/tilaa/kiitos/")


def _answer(browser, live_server, username: str, button: str, reason: str = "") -> list:
    context, page, violations = _context(browser, live_server)
    _log_in(page, username)
    page.goto("/oma/")
    page.locator("#my-offers a").click()
    if reason:
        page.locator("#id_reason").fill(reason)
    page.locator(f"#{button}").click()
    page.locator(".alert").first.wait_for()
    context.close()
    return violations


def test_a_request_becomes_a_booked_assignment(browser, live_server, smtp):
    violations = []
    with time_machine.travel(NOW, tick=True):
        area = ExperienceArea.objects.get(code="mental_health")
        UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
        alice = _expert("alice", "Alice", area)
        bob = _expert("bob", "Bob", area)

        # 1. An anonymous request through the public form.
        context, requester, seen = _context(browser, live_server)
        violations += seen
        _send_request(requester)
        order = Request.objects.get()
        assert order.status == RequestStatus.RECEIVED

        # 2. The receipt in a real SMTP inbox, with the private status link.
        deliver_due()
        [receipt] = smtp.of(REQUESTER)
        status_path = re.search(r"/tilaa/tila/[\w-]+/", body_text(receipt)).group()
        requester.goto(status_path)
        assert requester.locator("#request-status").inner_text() == "vastaanotettu"

        # 3. The coordinator's suggestions, each with its reasons.
        coordinator_context, coordinator, seen = _context(browser, live_server)
        violations += seen
        _log_in(coordinator, "koordinaattori")
        coordinator.goto("/tilaukset/")
        coordinator.get_by_role("link", name="Sairaanhoitajaopiskelijat").click()
        for expert in (alice, bob):
            reasons = coordinator.locator(f"#suggestion-{expert.pk}").inner_text()
            assert f"TS-{expert.first_name.upper()}" in reasons  # the covering agreement
            assert "Kokkola" in reasons
            assert "Mielenterveys" in reasons  # the consented experience area

        # 4. An offer to both, answered by Wednesday noon.
        coordinator.locator(f"#offer-expert-{alice.pk}").check()
        coordinator.locator(f"#offer-expert-{bob.pk}").check()
        coordinator.locator("#id_deadline").fill("2027-05-05T12:00")
        coordinator.locator("#offer-form button[type=submit]").click()
        coordinator.locator(".alert-success").wait_for()
        assert Offer.objects.filter(status=OfferStatus.PENDING).count() == 2
        coordinator_context.close()

        # 5. Bob declines with a reason, Alice accepts, each in their own browser.
        violations += _answer(browser, live_server, "bob", "answer-no", "Olen silloin lomalla.")
        violations += _answer(browser, live_server, "alice", "answer-yes")

        # 6. Booked: the assignment, the requester's page, and Bob is told.
        order.refresh_from_db()
        assert order.status == RequestStatus.BOOKED
        assignment = order.assignment
        assert assignment.status == AssignmentStatus.PLANNED
        assert list(assignment.experts.all()) == [alice]
        assert assignment.contact.email == REQUESTER
        assert Offer.objects.get(expert=bob).reason == "Olen silloin lomalla."
        requester.goto(status_path)
        assert requester.locator("#request-status").inner_text() == "varattu"
        assert requester.locator("#booked-names").inner_text() == "Alice"
        assert "Bob" not in requester.content()
        context.close()
        deliver_due()

    [told] = smtp.of(bob.email)[-1:]
    assert told["Subject"].startswith("Täytetty:")
    assert "kiitos vastauksestasi" in body_text(told)
    booked = [m for m in smtp.of(REQUESTER) if "varattu" in m["Subject"]]
    assert "Tulossa: Alice" in body_text(booked[0])
    assert any(m["Subject"].startswith("Sinut on varattu") for m in smtp.of(alice.email))
    assert not violations, f"Content-Security-Policy violations: {violations}"


def test_the_request_pages_have_no_serious_accessibility_findings(browser, live_server):
    area = ExperienceArea.objects.get(code="mental_health")
    UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
    alice = _expert("alice", "Alice", area)
    with time_machine.travel(NOW, tick=True):
        order = RequestFactory(
            experience_area=area, date=datetime.date(2027, 5, 10), status=RequestStatus.OFFERED
        )
        link = StatusLinkFactory(request=order, expires_at=NOW + datetime.timedelta(days=60))
        offer = OfferFactory(request=order, expert=alice, deadline=NOW + datetime.timedelta(days=2))
        visits = [
            (None, ["/tilaa/", "/tilaa/kiitos/", f"/tilaa/tila/{link.token}/"]),
            ("koordinaattori", ["/tilaukset/", f"/tilaukset/{order.pk}/"]),
            ("alice", ["/oma/", f"/oma/tarjoukset/{offer.pk}/"]),
        ]
        for username, paths in visits:
            context, page, violations = _context(browser, live_server)
            if username:
                _log_in(page, username)
            for path in paths:
                assert page.goto(path).status == 200, path
                assert serious_violations(page) == [], path
            context.close()
            assert not violations, violations
