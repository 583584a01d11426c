"""Erasure reaches every store (docs/privacy.md "What erasure removes").

An expert who logged in (once with a wrong password), changed their own contact details, was
edited in the Django admin, got e-mail, was named in e-mail to others, facilitated a session,
reported hours with a receipt, had an earnings limit and had a calendar feed is anonymised.
Afterwards no text column of any table holds their name, e-mail, phone or import key; none of
their sessions, links or feeds works; and the monthly report is exactly as it was.
"""

import datetime
import html
import io
import json
import os
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import CharField, JSONField, Q, TextField
from django.test import Client
from django.urls import reverse

from agreements import notices
from agreements.models import AssignmentStatus
from feedback import services as feedback_services
from feedback.models import ProfessionalFeedback, Reflection
from guidance.models import Goal, Outcome
from guidance.selectors import period_figures
from guidance.services import period_end
from kokemus.access import Role
from kokemus.erasure import Traces
from kokemus.privacy import expert_anonymise
from notifications.models import Message
from orders import notices as order_notices
from orders.models import OfferStatus, RequestStatus
from payroll import services as payroll_services
from payroll.models import LimitBasis, ReportLine
from portal.services import calendar_token_regenerate
from supervision.models import SupervisionSession
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AttendanceFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ParticipationFactory,
    SupervisionSessionFactory,
    UserFactory,
)
from tests.feedback.factories import ProfessionalFeedbackFactory
from tests.guidance.factories import started_period
from tests.orders.factories import OfferFactory, RequestFactory
from tests.pairs.factories import PairLinkFactory, PlanStepFactory
from tests.test_admin import _change_form_data

pytestmark = pytest.mark.django_db

FIRST, LAST = "Ilmatar", "Sädeharju"  # names no fake name and no other page contains
EMAIL = "ilmatar.sadeharju@example.fi"  # also the login's username
PHONE = "+358 40 765 4321"
KEY = "KT-7731"  # the import key (external_id)
TRACES = (FIRST, LAST, EMAIL, PHONE, KEY)
PASSWORD = "salasana-testiin-123"  # UserFactory's
TODAY = datetime.datetime(2025, 3, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)  # a receipt's photo, by its first bytes


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Receipts go to a folder of the test's own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def early_march_2025():
    """Work done in February, a booking ahead in March: the feed and the report have both."""
    with time_machine.travel(TODAY, tick=False):
        yield


def spellings(value: str) -> set[str]:
    """How a value can be stored in a text column: as it is, inside JSON (Django's JSON and
    the admin log escape non-ASCII letters) and inside HTML."""
    return {value, json.dumps(value)[1:-1], html.escape(value)}


def columns_holding(values) -> dict[str, list[str]]:
    """Every text column of every table holding any of the values: {"app.Model.field": [...]}."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, CharField | TextField | JSONField):
                continue
            rows = model._base_manager.all()
            held = [
                value
                for value in values
                if rows.filter(_any_of(f"{field.name}__icontains", spellings(value))).exists()
            ]
            if held:
                found[f"{model._meta.label}.{field.name}"] = held
    return found


def _any_of(lookup: str, values) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{lookup: value})
    return condition


def monthly_report() -> str:
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", "--format", "json", stdout=out)
    return out.getvalue()


def post_login(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.5"
    )


def sessions_of(user_id: int) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]


def link_in_last_mail() -> str:
    return re.search(r"http://testserver(/salasana/uusi/\S+/)", mail.outbox[-1].body).group(1)


def link_works(link: str) -> bool:
    """Django's set-password link redirects to its form while its token is good."""
    response = Client().get(link)
    return response.status_code == 302 and response.context is None


@pytest.fixture
def ilmatar(coordinator):
    """The expert, her login, consent, agreement, a done and a planned assignment (with a
    co-worker), a supervision session she attended and facilitated."""
    user = UserFactory(
        username=EMAIL, email=EMAIL, first_name=FIRST, last_name=LAST, groups=[Role.EXPERT]
    )
    with set_actor(coordinator):
        expert = ExpertFactory(
            first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE, external_id=KEY, user=user
        )
        ExpertExperienceFactory(consent__expert=expert)
        agreement = AgreementFactory(expert=expert)
        ParticipationFactory(
            agreement=agreement,
            assignment=AssignmentFactory(
                title="Helmikuun luento",
                date=datetime.date(2025, 2, 10),
                status=AssignmentStatus.DONE,
            ),
        )
        planned = AssignmentFactory(title="Maaliskuun raati", date=datetime.date(2025, 3, 20))
        ParticipationFactory(agreement=agreement, assignment=planned)
        ParticipationFactory(agreement__expert__first_name="Pekka", assignment=planned)
    AttendanceFactory(membership__expert=expert, session__facilitator=f"{FIRST} {LAST}")
    # a service's request booked on her planned assignment, and one she declined in her words
    RequestFactory(assignment=planned, status=RequestStatus.BOOKED, booked_at=TODAY)
    OfferFactory(expert=expert, status=OfferStatus.DECLINED, reason=f"Soita {PHONE}")
    # her work pair: notes and a plan step naming her, and the professional's private link
    step = PlanStepFactory(
        pair__expert=expert,
        pair__notes=f"{FIRST} {LAST} aloittaa asteittain",
        title=f"Tutustuminen: {FIRST} {LAST} kertoo taustastaan",
    )
    PairLinkFactory(pair=step.pair, expires_at=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))
    return expert


@pytest.fixture
def her_history(ilmatar, coordinator, admin_user, client):
    """What a year of real use leaves behind, each in its own store."""
    planned = ilmatar.participations.get(assignment__title="Maaliskuun raati").assignment
    done = ilmatar.participations.get(assignment__title="Helmikuun luento").assignment
    # e-mail to her, to her co-worker (naming her) and to the coordinators (naming her)
    notices.assignment_saved(assignment=planned, before=None)
    # (her hours report below e-mails the coordinators, naming her: payroll.notices)
    order_notices.request_booked(order=planned.request, now=TODAY)  # "Coming: Ilmatar, Pekka"
    # she logs in and keeps her contact details up to date (the trail names her as the actor)
    assert post_login(client, EMAIL, PASSWORD).status_code == 302
    response = client.post(
        reverse("portal:contact_details"),
        {
            "email": EMAIL,
            "phone": PHONE,
            "municipality": "Kokkola",
            "languages": ["fi"],
            "availability": "Arkisin",
            "version": ilmatar.version,
        },
    )
    assert response.status_code == 302
    # someone tries her username with a wrong password (axes keeps the attempt)
    assert post_login(Client(), EMAIL, "väärä-salasana").status_code == 200
    # an administrator edits her and her assignment's row in the admin ("Recent actions")
    admin = Client()
    admin.force_login(admin_user)
    for url, change in (
        (reverse("admin:registry_expert_change", args=[ilmatar.pk]), {"availability": "Iltaisin"}),
        (
            reverse("admin:agreements_assignment_change", args=[done.pk]),
            {"participations-0-hours": "1.50"},
        ),
    ):
        data = _change_form_data(admin.get(url))
        assert admin.post(url, data | change).status_code == 302
    # her hours report (payroll): her own comment, a route and costs naming her, a receipt on
    # disk; the coordinator returns it naming her; and her
    # earnings limit with its basis
    line = payroll_services.line_submit(
        participation=ilmatar.participations.get(assignment=done),
        hours=done.hours,
        kilometres=Decimal("12.0"),
        route=f"Kotoa ({FIRST} {LAST}) luennolle",
        other_costs=Decimal("3.20"),
        other_costs_description=f"Bussilippu, {FIRST} {LAST}",
        receipt=SimpleUploadedFile("kuitti.png", PNG, content_type="image/png"),
        comment=f"Olin väsynyt, soita {PHONE}",
        today=TODAY.date(),
    )
    payroll_services.line_return(
        line=line, comment=f"{FIRST} {LAST}: kuitti puuttuu", by=coordinator
    )
    payroll_services.earnings_limit_save(
        expert=ilmatar,
        monthly_limit=Decimal("500.00"),
        yearly_limit=None,
        basis=LimitBasis.DISABILITY_PENSION,
        basis_note=f"{FIRST} {LAST}: työkyvyttömyyseläke",
        consent_given_on=TODAY.date(),
        by=coordinator,
    )
    # her reflection on the done lecture (her own words), and its professional's comment
    feedback_services.reflection_save(
        participation=ilmatar.participations.get(assignment=done),
        how_it_went=f"Uuvuttavaa, soita {PHONE}",
        load=5,
        wants_talk=True,
    )
    ProfessionalFeedbackFactory(
        link__assignment=done, rating=5, comment=f"{FIRST} kertoi hienosti. Kiitos {FIRST} {LAST}!"
    )
    # her calendar feed and a password-reset link she asked for
    token = calendar_token_regenerate(expert=ilmatar).token
    assert Client().post(reverse("password_reset"), {"email": EMAIL}).status_code == 302
    ilmatar.refresh_from_db()
    return {
        "feed": reverse("portal:calendar_feed", args=[token]),
        "reset_link": link_in_last_mail(),
        "user_id": ilmatar.user_id,
        "her_client": client,
    }


def test_erasure_leaves_no_trace_in_any_table_and_keeps_the_report(
    ilmatar, her_history, coordinator, django_capture_on_commit_callbacks
):
    before = columns_holding(TRACES)
    # Every store the issue names holds her before the erasure (else this test proves nothing).
    assert {
        "admin.LogEntry.object_repr",
        "admin.LogEntry.change_message",
        "axes.AccessAttempt.username",
        "axes.AccessLog.username",
        "auditlog.LogEntry.object_repr",
        "auditlog.LogEntry.actor_email",
        "auditlog.LogEntry.changes",
        "notifications.Message.to",
        "notifications.Message.text",
        "supervision.SupervisionSession.facilitator",
        "orders.Offer.reason",
        "payroll.ReportLine.comment",
        "payroll.ReportLine.route",
        "payroll.ReportLine.other_costs_description",
        "payroll.ReportLine.return_comment",
        "payroll.EarningsLimit.basis_note",
        "pairs.WorkPair.notes",
        "pairs.PlanStep.title",
        "feedback.Reflection.how_it_went",
        "feedback.ProfessionalFeedback.comment",
        "auth.User.username",
        "registry.Expert.external_id",
    } <= before.keys(), before
    report = monthly_report()
    assert json.loads(report)["totals"]["assignments"] == 2
    receipts = [line.receipt.path for line in ReportLine.objects.exclude(receipt="")]
    assert receipts and all(os.path.exists(path) for path in receipts)

    with django_capture_on_commit_callbacks(execute=True):
        expert_anonymise(expert=ilmatar, by=coordinator)

    assert columns_holding(TRACES) == {}
    assert monthly_report() == report
    # her reflection keeps its figures (the report's), not her words
    assert list(Reflection.objects.values_list("how_it_went", "load", "wants_talk")) == [
        ("", 5, True)
    ]
    assert ProfessionalFeedback.objects.get().comment.startswith(ilmatar.full_name)
    assert not any(os.path.exists(path) for path in receipts)  # a photo cannot be redacted


def test_erasure_ends_her_sessions_feed_and_links(ilmatar, her_history, coordinator):
    feed, reset_link = her_history["feed"], her_history["reset_link"]
    assert Client().get(feed).status_code == 200
    assert link_works(reset_link)
    assert sessions_of(her_history["user_id"])

    expert_anonymise(expert=ilmatar, by=coordinator)

    assert Client().get(feed).status_code == 404
    assert not link_works(reset_link)
    assert sessions_of(her_history["user_id"]) == []
    for model in (AccessAttempt, AccessLog):
        assert not model.objects.filter(username__iexact=EMAIL).exists()
    my_page = her_history["her_client"].get(reverse("portal:my_page"))
    assert my_page.status_code == 302 and my_page["Location"].startswith(reverse("login"))
    assert post_login(Client(), EMAIL, PASSWORD).status_code == 200  # the login is gone


def test_erasure_renames_her_in_messages_to_others_and_deletes_those_to_her(
    ilmatar, her_history, coordinator
):
    expert_anonymise(expert=ilmatar, by=coordinator)

    assert not Message.objects.filter(to=EMAIL).exists()
    # in each recipient's language (Finnish unless they chose another)
    work_reported = Message.objects.get(kind="work_reported", to=coordinator.email)
    assert f"Anonymisoitu kokemustoimija {ilmatar.pk} raportoi" in work_reported.text
    co_worker = Message.objects.get(kind="booked")
    assert f"Mukana myös: Anonymisoitu kokemustoimija {ilmatar.pk}" in co_worker.text
    requester = Message.objects.get(kind="request_booked")
    assert f"Anonymisoitu kokemustoimija {ilmatar.pk}, Pekka" in requester.text


def test_erasure_renames_her_in_the_admins_recent_actions(
    ilmatar, her_history, coordinator, admin_user
):
    expert_anonymise(expert=ilmatar, by=coordinator)

    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(reverse("admin:index"), headers={"accept-language": "en"}).content.decode()
    assert "Recent actions" in page
    # The log's text is written once, in the organisation's language, as Django's own is.
    assert f"Anonymisoitu kokemustoimija {ilmatar.pk}" in page
    assert LAST not in page and FIRST not in page


def test_free_text_naming_them_is_renamed_and_its_version_moves_on(ilmatar, coordinator):
    theirs = SupervisionSession.objects.get(facilitator=f"{FIRST} {LAST}")
    namesake = SupervisionSessionFactory(facilitator=f"{FIRST} Virtanen")

    expert_anonymise(expert=ilmatar, by=coordinator)

    theirs.refresh_from_db()
    assert theirs.facilitator == f"Anonymisoitu kokemustoimija {ilmatar.pk}"
    assert theirs.version == 2  # an edit form opened before cannot write the name back
    namesake.refresh_from_db()
    assert (namesake.facilitator, namesake.version) == (f"{FIRST} Virtanen", 1)


def test_her_work_pair_stays_nameless_and_its_link_stops(ilmatar, coordinator):
    pair = ilmatar.work_pairs.get()
    link = pair.links.get()
    assert Client().get(reverse("pair_link:plan", args=[link.token])).status_code == 200

    expert_anonymise(expert=ilmatar, by=coordinator)

    assert Client().get(reverse("pair_link:plan", args=[link.token])).status_code == 404
    pair.refresh_from_db()
    anonymous = f"Anonymisoitu kokemustoimija {ilmatar.pk}"
    assert pair.notes == f"{anonymous} aloittaa asteittain"
    assert pair.steps.get().title == f"Tutustuminen: {anonymous} kertoo taustastaan"
    assert pair.version == 3  # notes and steps each moved it on: no open form writes her back


def test_an_unused_invitation_link_stops_working(login, coordinator):
    expert = ExpertFactory(first_name=FIRST, last_name=LAST, email=EMAIL)
    login(coordinator).post(reverse("portal:invite", args=[expert.pk]))
    link = link_in_last_mail()
    assert link_works(link)

    expert_anonymise(expert=expert, by=coordinator)

    assert not link_works(link)
    assert not User.objects.filter(username=EMAIL).exists()


def test_redaction_takes_only_whole_names_and_leaves_namesakes_alone():
    expert = ExpertFactory(
        first_name="Aino", last_name="Mäkelä", email="aino@example.fi", phone="", external_id="7"
    )
    traces = Traces.of(expert, None)
    text = "Aino Mäkelä (aino@example.fi), Ainomaija Mäkelä, Aino; 7 h"
    anonymous = f"Anonymised expert {expert.pk}"
    assert traces.redact(text) == f"{anonymous} (***), Ainomaija Mäkelä, Aino; 7 h"
    assert traces.redact(text, first_name=True) == (
        f"{anonymous} (***), Ainomaija Mäkelä, {anonymous}; 7 h"
    )  # a one-letter key or an empty phone matches nothing


def test_a_guides_words_about_their_clients_go_and_the_figures_stay(coordinator):
    """guidance: the goals' texts and the closing note of her periods tell of her clients; the
    outcomes and the pseudonymous client code stay for the report's shares."""
    guide = ExpertFactory(first_name="Ohto", last_name="Ohjaaja")
    AgreementFactory(expert=guide)
    with set_actor(coordinator):
        period = started_period(guide=guide, goals=["Käy Kokkolan kirjastossa", "Uusi koira"])
        first, second = period.goals.order_by("position")
        period_end(
            period=period,
            ended_on=datetime.date(2025, 4, 1),
            outcomes={first.pk: Outcome.REACHED, second.pk: Outcome.NOT},
            closing_note="Asiakas muutti Kannukseen.",
        )
    figures = period_figures(2025)
    assert "Kannukseen" in _trail_text()  # the goals' texts too, where the admin changed them

    expert_anonymise(expert=guide, by=coordinator)

    period.refresh_from_db()
    assert period.closing_note == ""
    assert period.client_code.startswith("KO-")
    assert list(Goal.objects.values_list("text", "outcome")) == [
        ("***", "reached"),
        ("***", "not"),
    ]
    assert "kirjastossa" not in _trail_text()
    assert "Kannukseen" not in _trail_text()
    assert period_figures(2025) == figures


def _trail_text() -> str:
    return " ".join(str(entry.changes) + entry.object_repr for entry in LogEntry.objects.all())
