"""The payroll pages: the expert reports at their assignment, the coordinator approves, returns,
corrects, runs and reads limits. Lists in a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import AssignmentStatus
from kokemus.privacy import expert_anonymise
from notifications.models import Kind, Message
from payroll import services
from payroll.models import EarningsLimit, LineStatus, PayrollRun, ReportLine, RunStatus
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory
from tests.payroll.conftest import EN, TODAY, D, book

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _line(participation, hours="2.00", **fields):
    return services.line_submit(
        participation=participation, hours=Decimal(hours), today=TODAY, **fields
    )


@pytest.fixture
def alice_line(expert_alice):
    """Alice's report of 2 h on 10.3.2025 at 25.00 €/h, with a receipt."""
    participation = ParticipationFactory(
        agreement=AgreementFactory(expert=expert_alice.expert, number="TS-ALICE"),
        assignment=AssignmentFactory(title="Alicen luento", date=D(2025, 3, 10)),
    )
    return _line(
        participation,
        other_costs=Decimal("3.50"),
        other_costs_description="Bussilippu",
        receipt=SimpleUploadedFile("kuitti.png", PNG),
    )


# --- The expert's report ------------------------------------------------------------------


def test_the_expert_reports_hours_kilometres_costs_and_a_receipt(login, expert_alice):
    participation = ParticipationFactory(
        agreement=AgreementFactory(expert=expert_alice.expert, travel_compensation=Decimal("0.25")),
        assignment=AssignmentFactory(date=D(2025, 3, 10)),
    )
    client = login(expert_alice)
    response = client.post(
        reverse("portal:assignment_report", args=[participation.assignment_id]),
        {
            "hours": "2.5",
            "kilometres": "40",
            "route": "Kokkola – Kannus – Kokkola",
            "other_costs": "4.20",
            "other_costs_description": "Pysäköinti",
            "receipt": SimpleUploadedFile("kuva.png", PNG),
            "comment": "Tilaisuus venyi",
        },
        headers=EN,
        follow=True,
    )
    line = ReportLine.objects.get()
    assert (line.hours, line.kilometres, line.route, line.other_costs) == (
        Decimal("2.50"),
        Decimal("40.0"),
        "Kokkola – Kannus – Kokkola",
        Decimal("4.20"),
    )
    page = response.content.decode()
    assert "Waiting for approval" in page
    assert re.search(r"Travel compensation \(€\)</dt><dd[^>]*>10.00</dd>", page)  # 40 × 0.25
    assert reverse("payroll:line_receipt", args=[line.pk]) in page


def test_a_returned_report_shows_the_comment_and_takes_a_correction(
    login, expert_alice, alice_line, coordinator
):
    services.line_return(line=alice_line, comment="Kilometrit puuttuvat", by=coordinator)
    client = login(expert_alice)
    url = reverse("portal:assignment_detail", args=[alice_line.participation.assignment_id])
    page = client.get(url, headers=EN).content.decode()
    assert "Kilometrit puuttuvat" in page
    assert "Send the corrected report" in page
    client.post(
        reverse("portal:assignment_report", args=[alice_line.participation.assignment_id]),
        {"hours": "2", "kilometres": "18", "other_costs": "3.50",
         "other_costs_description": "Bussilippu"},
    )  # fmt: skip
    alice_line.refresh_from_db()
    assert (alice_line.status, alice_line.kilometres) == (LineStatus.SUBMITTED, Decimal("18.0"))
    assert alice_line.receipt  # kept: nothing asked to clear it


def test_an_approved_report_offers_no_form(login, expert_alice, alice_line, coordinator):
    services.lines_approve(line_ids=[alice_line.pk], by=coordinator)
    url = reverse("portal:assignment_detail", args=[alice_line.participation.assignment_id])
    page = login(expert_alice).get(url, headers=EN).content.decode()
    assert "An approved report is locked." in page
    assert 'name="hours"' not in page


# --- Receipts: private, through a view that checks who asks -------------------------------


def test_the_receipt_is_served_to_its_expert_and_the_coordinators_only(
    login, expert_alice, expert_bob, coordinator, alice_line
):
    url = reverse("payroll:line_receipt", args=[alice_line.pk])
    for user in (expert_alice, coordinator):
        response = login(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content == PNG
        assert response["Cache-Control"] == "private, no-store"
    assert login(expert_bob).get(url).status_code == 404


def test_the_receipt_is_not_under_any_served_folder(settings, alice_line, private_files):
    path = alice_line.receipt.path
    assert path.startswith(str(private_files))
    assert not path.startswith(str(settings.STATIC_ROOT))


# --- Approval -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 12])
def test_the_approval_list_in_fixed_queries(
    login, coordinator, people, count, django_assert_max_num_queries
):
    for n in range(count):
        (participation,) = book([people.aino_agreement], date=D(2025, 3, 1 + n))
        _line(participation)
    client = login(coordinator)
    # session, user, groups, count, page of lines with experts, assignments, types and runs
    with django_assert_max_num_queries(5):
        response = client.get(reverse("payroll:approval_list"), headers=EN)
    assert response.content.decode().count('name="lines"') == count


def test_the_approval_list_shows_waiting_lines_unless_asked(login, coordinator, people):
    (first,) = book([people.aino_agreement])
    (second,) = book([people.bertta_agreement])
    _line(first)
    services.lines_approve(line_ids=[_line(second).pk], by=coordinator)
    client = login(coordinator)
    page = client.get(reverse("payroll:approval_list"), headers=EN).content.decode()
    assert "Aino Palkkalainen" in page
    assert "Bertta Tuntilista" not in page
    page = client.get(reverse("payroll:approval_list"), {"status": ""}, headers=EN)
    assert "Bertta Tuntilista" in page.content.decode()


def test_many_lines_are_approved_at_once(login, coordinator, people):
    lines = [_line(p) for p in book([people.aino_agreement, people.bertta_agreement])]
    response = login(coordinator).post(
        reverse("payroll:lines_approve"),
        {"lines": [line.pk for line in lines], "next": reverse("payroll:approval_list")},
        headers=EN,
        follow=True,
    )
    assert "2 lines approved." in response.content.decode()
    assert set(ReportLine.objects.values_list("status", flat=True)) == {LineStatus.APPROVED}
    assert Message.objects.filter(kind=Kind.LINE_APPROVED).count() == 2


def test_approving_nothing_says_so(login, coordinator):
    response = login(coordinator).post(reverse("payroll:lines_approve"), headers=EN, follow=True)
    assert "Tick at least one line." in response.content.decode()


def test_a_line_is_returned_from_its_page_with_a_comment(login, coordinator, alice_line):
    client = login(coordinator)
    url = reverse("payroll:line_return", args=[alice_line.pk])
    response = client.post(url, {"return-comment": ""}, headers=EN)
    assert "This field is required." in response.content.decode()
    client.post(url, {"return-comment": "Tarkista tunnit"}, headers=EN)
    alice_line.refresh_from_db()
    assert (alice_line.status, alice_line.return_comment) == (
        LineStatus.RETURNED,
        "Tarkista tunnit",
    )


def test_the_coordinators_assignment_page_shows_who_has_reported(login, coordinator, people):
    aino, bertta = book([people.aino_agreement, people.bertta_agreement])
    line = _line(aino)
    page = (
        login(coordinator)
        .get(reverse("assignments:assignment_detail", args=[aino.assignment_id]), headers=EN)
        .content.decode()
    )
    statuses = re.findall(r'<td class="report-status">(.*?)</td>', page)
    assert statuses == [
        f'<a href="{reverse("payroll:line_detail", args=[line.pk])}">waiting for approval</a>',
        f'not reported · <a href="{reverse("payroll:report_for", args=[bertta.pk])}">'
        "report for them</a>",
    ]


# --- Runs ---------------------------------------------------------------------------------


def _approved_march(people, coordinator):
    aino, bertta = book([people.aino_agreement, people.bertta_agreement], type_code="training")
    lines = [
        _line(aino, "2.50", kilometres=Decimal("42")),
        # the last report marks the lecture done and gives the people it reached
        _line(bertta, "1.75", people_reached=24, reached_group="students"),
    ]
    services.lines_approve(line_ids=[line.pk for line in lines], by=coordinator)
    return lines


def test_a_month_is_previewed_run_and_exported(login, coordinator, people):
    _approved_march(people, coordinator)
    client = login(coordinator)
    page = client.get(
        reverse("payroll:run_list"), {"year": 2025, "month": 3}, headers=EN
    ).content.decode()
    assert re.search(r'id="run-total">119.16<', page)  # 73.75 + 12.60 + 32.81
    response = client.post(
        reverse("payroll:run_create"), {"year": 2025, "month": 3}, headers=EN, follow=True
    )
    run = PayrollRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("payroll:run_detail", args=[run.pk])
    assert "Export and lock" in response.content.decode()
    page = client.post(
        reverse("payroll:run_export", args=[run.pk]), headers=EN, follow=True
    ).content.decode()
    run.refresh_from_db()
    assert (run.status, run.exported_by) == (RunStatus.EXPORTED, coordinator)
    assert "The run is exported and locked." in page
    assert reverse("payroll:run_file", args=[run.pk, "xlsx"]) in page


def test_an_exported_run_shows_the_sums_kept_at_its_export_under_todays_names(
    login, coordinator, people
):
    _approved_march(people, coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    client = login(coordinator)
    url = reverse("payroll:run_detail", args=[run.pk])
    draft = client.get(url, headers=EN).content.decode()
    services.run_export(run=run, by=coordinator)
    expert_anonymise(expert=people.bertta, by=coordinator)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, headers=EN).content.decode()
    sums = [
        sql for sql in (q["sql"] for q in queries) if '"payroll_reportline"."payroll_class"' in sql
    ]
    assert sums == []  # the lines are not added up by class again
    assert re.search(r'id="run-total">119.16<', draft)
    assert re.search(r'id="run-total">119.16<', page)
    assert "Aino Palkkalainen" in page
    assert "Bertta" not in page and "Tuntilista" not in page  # anonymised since


def test_lists_of_lines_and_runs_leave_the_kept_sums_unread(login, coordinator, people):
    _approved_march(people, coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    services.run_export(run=run, by=coordinator)
    client = login(coordinator)
    for url, query, shows_the_run in (
        (reverse("payroll:approval_list"), {"status": ""}, "approved · Payroll run 03/2025"),
        (reverse("payroll:run_list"), {}, f'<a href="/palkkiot/ajot/{run.pk}/">March 2025</a>'),
    ):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, query, headers=EN).content.decode()
        assert shows_the_run in page
        assert not [q for q in queries if '"payroll_payrollrun"."sums"' in q["sql"]], url


def test_a_run_whose_makers_login_was_deleted_still_shows(login, coordinator, people):
    _approved_march(people, coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    services.run_export(run=run, by=coordinator)
    PayrollRun.objects.filter(pk=run.pk).update(created_by=None, exported_by=None)
    client = login(coordinator)

    for url in (reverse("payroll:run_list"), reverse("payroll:run_detail", args=[run.pk])):
        response = client.get(url, {"year": 2025}, headers=EN)
        assert response.status_code == 200
        assert "–, " in response.content.decode()  # nobody to name, and the time


def test_a_draft_has_no_files(login, coordinator, people):
    _approved_march(people, coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    url = reverse("payroll:run_file", args=[run.pk, "csv"])
    assert login(coordinator).get(url).status_code == 404


def test_the_run_page_warns_of_earnings_limits(login, coordinator, people):
    _approved_march(people, coordinator)
    services.earnings_limit_save(
        expert=people.aino,
        monthly_limit=Decimal("80.00"),
        yearly_limit=None,
        basis="disability_pension",
        consent_given_on=D(2025, 1, 2),
        by=coordinator,
    )
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    page = login(coordinator).get(reverse("payroll:run_detail", args=[run.pk]), headers=EN)
    assert (
        "Aino Palkkalainen reaches 92 % of their monthly earnings limit: 73.75 € of 80.00 €."
        in page.content.decode()
    )


@pytest.mark.parametrize("experts", [1, 8])
def test_the_run_page_in_fixed_queries(login, coordinator, experts, django_assert_max_num_queries):
    for n in range(experts):
        agreement = AgreementFactory()
        participation = ParticipationFactory(
            agreement=agreement, assignment=AssignmentFactory(date=D(2025, 3, 1 + n))
        )
        services.lines_approve(line_ids=[_line(participation).pk], by=coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    client = login(coordinator)
    # session, user, groups, run, summary, audit entries (content type, insert), the limits of
    # the run's experts
    with django_assert_max_num_queries(9):
        assert client.get(reverse("payroll:run_detail", args=[run.pk])).status_code == 200


def _run_of_26_experts(coordinator):
    """A March run paying 26 experts "Maksettava 00" … "Maksettava 25" 2 h × 10 € each."""
    experts = []
    for n in range(26):
        agreement = AgreementFactory(expert__last_name=f"Maksettava {n:02}", hourly_fee=10)
        participation = ParticipationFactory(
            agreement=agreement, assignment=AssignmentFactory(date=D(2025, 3, 1 + n))
        )
        services.lines_approve(line_ids=[_line(participation).pk], by=coordinator)
        experts.append(agreement.expert)
    return services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), experts


def _seen_by(user) -> list[int]:
    """The objects whose views are recorded for ``user``, by id."""
    seen = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user)
    return sorted(seen.values_list("object_id", flat=True))


def test_the_run_page_lists_its_experts_by_page_under_the_whole_runs_totals(login, coordinator):
    run, experts = _run_of_26_experts(coordinator)
    client = login(coordinator)
    url = reverse("payroll:run_detail", args=[run.pk])
    first, second = (client.get(url, {"page": page}, headers=EN) for page in (1, 2))

    for response, shown in ((first, range(25)), (second, [25])):
        page = response.content.decode()
        names = re.findall(r"Maksettava (\d\d)", page)
        assert names == [f"{n:02}" for n in shown]
        assert re.search(r'id="run-total">520[.,]00<', page)  # 26 × 2 h × 10 €, on each page
    # each expert's fees recorded as seen once, on their page
    assert _seen_by(coordinator) == sorted(expert.pk for expert in experts)


def test_an_expert_named_in_a_runs_warnings_is_recorded_as_seen_on_every_page(login, coordinator):
    run, experts = _run_of_26_experts(coordinator)
    services.earnings_limit_save(
        expert=experts[25],
        monthly_limit=Decimal("10.00"),
        yearly_limit=None,
        basis="disability_pension",
        consent_given_on=D(2025, 1, 2),
        by=coordinator,
    )
    client = login(coordinator)
    page = client.get(reverse("payroll:run_detail", args=[run.pk]), headers=EN).content.decode()

    assert "Maksettava 25 passes their monthly earnings limit" in page  # on page 1 too
    assert _seen_by(coordinator) == sorted(expert.pk for expert in experts)  # 25 rows + 1


# --- Earnings limits ----------------------------------------------------------------------


@pytest.mark.time_machine(datetime.datetime(2026, 12, 6, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_coordinator_records_a_limit_and_the_expert_sees_their_progress(
    login, coordinator, expert_alice, alice_line
):
    expert = expert_alice.expert
    response = login(coordinator).post(
        reverse("payroll:limit_edit", args=[expert.pk]),
        {
            "basis": "disability_pension",
            "basis_note": "Työeläke",
            "monthly_limit": "100.00",
            "yearly_limit": "",
            "consent_given_on": "2025-01-02",
        },
        headers=EN,
        follow=True,
    )
    assert "The earnings limit of Alice Esimerkki was saved." in response.content.decode()
    limit = EarningsLimit.objects.get()
    assert (limit.monthly_limit, limit.yearly_limit, limit.recorded_by) == (
        Decimal("100.00"),
        None,
        coordinator,
    )
    # the expert's own page shows their progress (a 50.00 € report of this month)
    limit.monthly_limit = Decimal("100.00")
    assignment = alice_line.participation.assignment
    assignment.date = D(2026, 12, 1)  # this month: the page shows today's month
    assignment.save()
    page = login(expert_alice).get(reverse("portal:my_page"), headers=EN).content.decode()
    assert "My earnings limit" in page
    assert "50.00 € of 100.00 € (50 %)" in page


def test_an_expert_without_a_limit_sees_no_limit_section(login, expert_alice):
    page = login(expert_alice).get(reverse("portal:my_page"), headers=EN).content.decode()
    assert "My earnings limit" not in page


def test_the_limit_list_in_fixed_queries(login, coordinator, people, django_assert_max_num_queries):
    for expert in (people.aino, people.bertta):
        services.earnings_limit_save(
            expert=expert,
            monthly_limit=Decimal("500"),
            yearly_limit=Decimal("5000"),
            basis="other_benefit",
            consent_given_on=D(2025, 1, 2),
            by=coordinator,
        )
    client = login(coordinator)
    # session, user, groups, limits with experts, their lines, their participations
    with django_assert_max_num_queries(7):
        page = client.get(reverse("payroll:limit_list"), headers=EN).content.decode()
    assert "Aino Palkkalainen" in page and "Bertta Tuntilista" in page


def test_a_booking_near_a_limit_warns_the_coordinator(login, coordinator, people):
    services.earnings_limit_save(
        expert=people.bertta,
        monthly_limit=Decimal("100.00"),
        yearly_limit=None,
        basis="disability_pension",
        consent_given_on=D(2025, 1, 2),
        by=coordinator,
    )
    assignment = AssignmentFactory(date=D(2025, 3, 20), hours=Decimal("5.00"))
    ParticipationFactory(assignment=assignment, agreement=people.bertta_agreement)
    response = login(coordinator).post(
        reverse("assignments:assignment_update", args=[assignment.pk]),
        {
            "title": assignment.title,
            "type": assignment.type_id,
            "service_area": assignment.service_area_id,
            "date": "2025-03-20",
            "hours": "5",
            "status": AssignmentStatus.PLANNED,
            "version": assignment.version,
            "experts-TOTAL_FORMS": "1",
            "experts-INITIAL_FORMS": "0",
            "experts-0-expert": people.bertta.pk,
            "experts-0-hours": "",
        },
        headers=EN,
        follow=True,
    )
    # 5 h × 18.75 = 93.75 of 100.00
    assert (
        "Bertta Tuntilista reaches 94 % of their monthly earnings limit: 93.75 € of 100.00 €."
        in response.content.decode()
    )


def test_a_coordinator_reports_for_an_expert_without_a_login(login, coordinator, people):
    (bertta,) = book([people.bertta_agreement])
    client = login(coordinator)
    page = client.get(
        reverse("assignments:assignment_detail", args=[bertta.assignment_id]), headers=EN
    ).content.decode()
    url = reverse("payroll:report_for", args=[bertta.pk])
    assert url in page  # "report for them"
    response = client.post(url, {"hours": "30"}, headers=EN)
    assert "One day has at most 24 hours." in response.content.decode()
    response = client.post(url, {"hours": "1.5", "kilometres": "10"}, headers=EN, follow=True)
    line = ReportLine.objects.get()
    assert (line.hours, line.reported_by, line.status) == (
        Decimal("1.50"),
        coordinator,
        LineStatus.SUBMITTED,
    )
    assert "The report of Bertta Tuntilista was saved; it waits for approval." in (
        response.content.decode()
    )
    bertta.assignment.refresh_from_db()
    assert bertta.assignment.status == AssignmentStatus.DONE  # the only expert has reported


def test_my_page_asks_for_reports_of_recent_work_only(login, expert_alice):
    agreement = AgreementFactory(expert=expert_alice.expert)
    for title, day in (("Vanha historia", D(2025, 1, 10)), ("Tuore tehtävä", D(2025, 3, 10))):
        ParticipationFactory(
            agreement=agreement, assignment=AssignmentFactory(title=title, date=day)
        )
    with time_machine.travel(D(2025, 3, 20), tick=False):
        page = login(expert_alice).get(reverse("portal:my_page"), headers=EN).content.decode()
    to_report = page.split('id="to-report"')[1].split("</ul>")[0]
    assert "Tuore tehtävä" in to_report
    assert "Vanha historia" not in to_report  # older than 60 days
