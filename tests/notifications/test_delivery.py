"""E-mail notices through a real SMTP server: bookings, changes, cancellations, retries."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from agreements.models import AssignmentStatus
from agreements.services import assignment_save, assignment_set_status
from kokemus.access import Role
from notifications.delivery import deliver_due
from notifications.models import Kind, Message, Preference, Status
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AssignmentTypeFactory,
    ExpertFactory,
    ServiceAreaFactory,
    UserFactory,
)
from tests.smtp import body_text, calendar_part

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def _expert(first_name: str, email: str, language: str | None = None):
    user = None
    if language:
        user = UserFactory(username=email, email=email, groups=[Role.EXPERT])
        Preference.objects.create(user=user, language=language)
    expert = ExpertFactory(first_name=first_name, last_name="Testinen", email=email, user=user)
    AgreementFactory(expert=expert)
    return expert


def _book(experts, **fields):
    fields = {"date": datetime.date(2025, 3, 10), "title": "Luento opiskelijoille", **fields}
    assignment = AssignmentFactory.build(
        type=AssignmentTypeFactory(),
        service_area=ServiceAreaFactory(),
        **fields,
    )
    return assignment_save(assignment=assignment, experts=experts)


def _plan():
    call_command("plan_notifications", stdout=io.StringIO())


def _calendar(message) -> Calendar:
    part = calendar_part(message)
    assert part is not None, "the message has no calendar invitation"
    return Calendar.from_ical(part.get_content())


def test_a_booking_reaches_the_expert_in_their_language_with_an_invitation(smtp):
    aino = _expert("Aino", "aino@example.fi")
    stina = _expert("Stina", "stina@example.fi", language="sv")

    assignment = _book([aino, stina], start_time=datetime.time(13, 0), location="Kokkola")
    assert deliver_due() == 2

    [finnish] = smtp.of("aino@example.fi")
    assert finnish["Subject"] == "Sinut on varattu: Luento opiskelijoille 10.3.2025"
    assert "Hei Aino," in body_text(finnish)
    assert "Mukana myös: Stina" in body_text(finnish)  # co-workers by first name only
    assert "Testinen" not in body_text(finnish)
    [swedish] = smtp.of("stina@example.fi")
    assert "Hej Stina," in body_text(swedish)
    calendar = _calendar(swedish)
    assert calendar["method"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"assignment-{assignment.pk}@kokemus"
    assert event.decoded("dtstart") == datetime.datetime(
        2025, 3, 10, 13, 0, tzinfo=event.decoded("dtstart").tzinfo
    )
    assert str(event["location"]) == "Kokkola"


def test_a_change_and_a_cancellation_update_the_same_calendar_event(smtp):
    aino = _expert("Aino", "aino@example.fi")
    assignment = _book([aino])
    deliver_due()

    assignment.date = datetime.date(2025, 3, 12)
    assignment_save(assignment=assignment, experts=[aino])
    assignment_set_status(assignment=assignment, status=AssignmentStatus.CANCELLED)
    assert deliver_due() == 2

    booked, changed, cancelled = (_calendar(m) for m in smtp.of("aino@example.fi"))
    events = [c.walk("VEVENT")[0] for c in (booked, changed, cancelled)]
    assert {str(e["uid"]) for e in events} == {f"assignment-{assignment.pk}@kokemus"}
    sequences = [int(e["sequence"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert [c["method"] for c in (booked, changed, cancelled)] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[1].decoded("dtstart") == datetime.date(2025, 3, 12)


def test_an_unchanged_save_tells_nobody_and_a_removed_expert_hears_of_it(smtp):
    aino, eero = _expert("Aino", "aino@example.fi"), _expert("Eero", "eero@example.fi")
    assignment = _book([aino, eero])
    deliver_due()

    assignment_save(assignment=assignment, experts=[aino, eero])  # nothing changed
    assignment_save(assignment=assignment, experts=[aino])  # Eero is taken off
    deliver_due()

    assert len(smtp.of("aino@example.fi")) == 1
    assert [_calendar(m)["method"] for m in smtp.of("eero@example.fi")] == ["REQUEST", "CANCEL"]


def test_no_health_data_and_no_fees_in_a_notice(smtp):
    aino = _expert("Aino", "aino@example.fi")
    _book([aino], hours=Decimal("2.00"))
    deliver_due()

    [message] = smtp.of("aino@example.fi")
    text = body_text(message) + message.get_body(preferencelist=("html",)).get_content()
    assert "€" not in text
    assert "Mielenterveys" not in text  # the default experience area's name


def test_a_reminder_is_sent_once_however_often_the_planner_runs(smtp):
    aino = _expert("Aino", "aino@example.fi")
    _book([aino], date=datetime.date(2025, 3, 5))  # two days ahead: the default lead time
    deliver_due()

    for _run in range(3):
        _plan()

    reminders = [m for m in smtp.of("aino@example.fi") if m["Subject"].startswith("Muistutus")]
    assert len(reminders) == 1
    assert Message.objects.filter(kind=Kind.REMINDER).count() == 1


def test_a_reminder_comes_only_within_the_experts_own_lead_time(smtp):
    aino = _expert("Aino", "aino@example.fi", language="fi")
    aino.user.notification_preference.reminder_days = 1
    aino.user.notification_preference.save()
    _book([aino], date=datetime.date(2025, 3, 5))

    _plan()

    assert not Message.objects.filter(kind=Kind.REMINDER).exists()
    with time_machine.travel(TODAY + datetime.timedelta(days=1), tick=False):
        _plan()
    assert Message.objects.filter(kind=Kind.REMINDER).count() == 1


def test_a_turned_off_reminder_is_not_sent_but_a_booking_always_is(smtp):
    aino = _expert("Aino", "aino@example.fi", language="fi")
    aino.user.notification_preference.turned_off = [Kind.REMINDER, Kind.BOOKED]
    aino.user.notification_preference.save()
    _book([aino], date=datetime.date(2025, 3, 4))

    _plan()

    assert list(Message.objects.values_list("kind", flat=True)) == [Kind.BOOKED]
    assert len(smtp.of("aino@example.fi")) == 1


def test_a_failing_server_leads_to_retries_and_then_a_failure_admins_see(smtp, settings, client):
    settings.EMAIL_MAX_ATTEMPTS = 3
    aino = _expert("Aino", "aino@example.fi")
    _book([aino])
    smtp.fail = 10

    assert deliver_due() == 0
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.next_attempt_at == TODAY + settings.EMAIL_RETRY_DELAY
    assert deliver_due() == 0  # not yet due again
    for minutes in (5, 15):
        with time_machine.travel(TODAY + datetime.timedelta(minutes=minutes), tick=False):
            deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert "451" in message.last_error

    admin = UserFactory(username="paakayttaja", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:notifications_message_changelist"), {"status": "failed"})
    assert "aino@example.fi" in page.content.decode()

    smtp.fail = 0
    client.post(
        reverse("admin:notifications_message_changelist"),
        {"action": "retry", "_selected_action": [message.pk]},
    )
    assert deliver_due() == 1
    assert len(smtp.of("aino@example.fi")) == 1


def test_a_lapsed_claim_is_sent_again_and_a_fresh_one_is_left_alone(smtp):
    aino = _expert("Aino", "aino@example.fi")
    _book([aino])
    Message.objects.update(status=Status.SENDING, claimed_by="dead", claimed_at=TODAY)

    assert deliver_due() == 0  # another worker may still be sending it
    with time_machine.travel(TODAY + datetime.timedelta(minutes=11), tick=False):
        assert deliver_due() == 1


def test_coordinators_hear_when_an_expert_reports_work_or_withdraws(smtp, client):
    coordinator = UserFactory(
        username="koordinaattori", email="koordinaattori@example.fi", groups=[Role.COORDINATOR]
    )
    aino = _expert("Aino", "aino@example.fi", language="fi")
    Group.objects.get(name=Role.EXPERT).user_set.add(aino.user)
    done = _book([aino], date=datetime.date(2025, 3, 3))
    coming = _book([aino], date=datetime.date(2025, 3, 20))
    client.force_login(aino.user)

    client.post(reverse("portal:assignment_report_done", args=[done.pk]), {"hours": "2,5"})
    client.post(
        reverse("portal:assignment_withdraw", args=[coming.pk]), {"reason": "Olen matkoilla"}
    )
    deliver_due()

    subjects = [m["Subject"].strip() for m in smtp.of(coordinator.email)]  # unfolded
    assert subjects == [
        "Aino ilmoitti tehtävän tehdyksi: Luento opiskelijoille",
        "Aino perui osallistumisensa: Luento opiskelijoille",
    ]
    assert "Olen matkoilla" in body_text(smtp.of(coordinator.email)[1])
    assert not coming.participations.exists()
    assert _calendar(smtp.of("aino@example.fi")[-1])["method"] == "CANCEL"


def test_plain_text_is_not_html_escaped_but_the_html_part_is(smtp):
    aino = _expert("Aino", "aino@example.fi")
    _book([aino], title="Ryhmä <Tähti> & O'Brien")
    deliver_due()

    [message] = smtp.of("aino@example.fi")
    assert message["Subject"].strip() == "Sinut on varattu: Ryhmä <Tähti> & O'Brien 10.3.2025"
    assert "Ryhmä <Tähti> & O'Brien" in body_text(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Ryhmä &lt;Tähti&gt; &amp; O&#x27;Brien" in html
