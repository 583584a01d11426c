"""The hours report flow on hand-counted cases: report, approve or return, run, export, correct.

Aino: 25.50 €/h + 10.00 € per assignment, 0.30 €/km. Bertta: 18.75 €/h, 0.60 €/km, above the
tax-free kilometre allowance of 2025 (0.52 €/km), so she is paid 0.52.
"""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import AssignmentStatus
from agreements.services import assignment_save, assignment_set_status
from notifications.models import Kind, Message
from payroll import services
from payroll.models import LineStatus, ReportLine, RunStatus
from payroll.selectors import class_sums, run_summary, summarise
from tests.payroll.conftest import TODAY, D, book

pytestmark = pytest.mark.django_db


def _report(participation, hours, **fields):
    return services.line_submit(
        participation=participation, hours=Decimal(hours), today=TODAY, **fields
    )


def _approve(*lines, by=None):
    return services.lines_approve(line_ids=[line.pk for line in lines], by=by)


def _figures(lines):
    """(fees, travel, other) in euros of the given lines, as the run sums them."""
    summary = summarise(ReportLine.objects.filter(pk__in=[line.pk for line in lines]))
    return summary.totals.fees, summary.totals.travel, summary.totals.other


# --- A shared assignment, two experts, different hours ------------------------------------


def test_two_experts_report_different_hours_on_a_shared_assignment(people):
    aino, bertta = book([people.aino_agreement, people.bertta_agreement], hours="3.00")
    assignment = aino.assignment

    aino_line = _report(aino, "2.50", kilometres=Decimal("42"), route="Kokkola – Kannus")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED  # Bertta has not reported yet
    bertta_line = _report(bertta, "1.75")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE  # every expert has reported

    # Aino: 2.5 × 25.50 = 63.75 + 10.00 = 73.75; 42 km × 0.30 = 12.60.
    assert _figures([aino_line]) == (Decimal("73.75"), Decimal("12.60"), Decimal("0.00"))
    # Bertta: 1.75 × 18.75 = 32.8125 → 32.81.
    assert _figures([bertta_line]) == (Decimal("32.81"), Decimal("0.00"), Decimal("0.00"))
    assert [aino_line.status, bertta_line.status] == [LineStatus.SUBMITTED] * 2


def test_approval_sets_the_participations_own_hours(people, coordinator):
    aino, bertta = book([people.aino_agreement, people.bertta_agreement], hours="3.00")
    lines = [_report(aino, "2.50"), _report(bertta, "1.75")]
    approved = _approve(*lines, by=coordinator)
    assert {line.pk for line in approved} == {line.pk for line in lines}
    aino.refresh_from_db()
    bertta.refresh_from_db()
    assert (aino.hours, bertta.hours) == (Decimal("2.50"), Decimal("1.75"))
    assert set(ReportLine.objects.values_list("status", "decided_by")) == {
        (LineStatus.APPROVED, coordinator.pk)
    }


def test_a_coordinators_done_mark_still_takes_reports(people):
    (aino,) = book([people.aino_agreement])
    assignment_set_status(assignment=aino.assignment, status=AssignmentStatus.DONE, today=TODAY)
    line = _report(aino, "2.00")
    assert line.status == LineStatus.SUBMITTED


def test_coordinators_hear_of_a_report_once_and_again_after_a_return(people, coordinator):
    coordinator.email = "koordinaattori@example.fi"
    coordinator.save()
    (aino,) = book([people.aino_agreement])
    line = _report(aino, "2.00")
    _report(aino, "2.25")  # corrected before approval: no second message
    assert Message.objects.filter(kind=Kind.WORK_REPORTED).count() == 1
    services.line_return(line=line, comment="Tarkista tunnit", by=coordinator)
    _report(aino, "2.50")
    assert Message.objects.filter(kind=Kind.WORK_REPORTED).count() == 2


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"hours": "0"}, {"hours": ["Hours must be more than zero."]}),
        ({"hours": "24.01"}, {"hours": ["One day has at most 24 hours."]}),
        (
            {"hours": "2", "kilometres": Decimal("-1")},
            {"kilometres": ["Kilometres cannot be negative."]},
        ),
        (
            {"hours": "2", "other_costs": Decimal("5.00")},
            {"other_costs_description": ["Say what the other costs were."]},
        ),
    ],
)
def test_a_report_with_bad_figures_is_refused_on_its_field(people, fields, errors):
    (aino,) = book([people.aino_agreement])
    hours = fields.pop("hours")
    with pytest.raises(ValidationError) as error:
        _report(aino, hours, **fields)
    assert error.value.message_dict == errors
    assert not ReportLine.objects.exists()


def test_a_future_or_cancelled_assignment_cannot_be_reported(people):
    (future,) = book([people.aino_agreement], date=D(2025, 5, 1))
    with pytest.raises(ValidationError) as error:
        _report(future, "2")
    assert error.value.messages == ["An assignment in the future cannot be reported yet."]
    (cancelled,) = book([people.aino_agreement])
    assignment_set_status(assignment=cancelled.assignment, status=AssignmentStatus.CANCELLED)
    with pytest.raises(ValidationError) as error:
        _report(cancelled, "2")
    assert error.value.messages == ["A cancelled assignment cannot be reported."]


# --- Returned and corrected -----------------------------------------------------------------


def test_a_returned_line_is_corrected_by_the_expert_and_then_approved(people, coordinator):
    (bertta,) = book([people.bertta_agreement], hours="3.00")
    line = _report(bertta, "3.00")

    returned = services.line_return(line=line, comment="Lähdit jo klo 15.", by=coordinator)
    assert (returned.status, returned.return_comment) == (LineStatus.RETURNED, "Lähdit jo klo 15.")
    message = Message.objects.get(kind=Kind.LINE_RETURNED)
    assert message.to == "bertta@example.fi"
    assert "Lähdit jo klo 15." in message.text

    corrected = _report(bertta, "2.00")
    assert (corrected.pk, corrected.status) == (line.pk, LineStatus.SUBMITTED)
    _approve(corrected, by=coordinator)
    # 2 × 18.75 = 37.50, not the 56.25 of the first report.
    assert _figures([corrected]) == (Decimal("37.50"), Decimal("0.00"), Decimal("0.00"))
    assert Message.objects.filter(kind=Kind.LINE_APPROVED, to="bertta@example.fi").count() == 1


def test_a_return_needs_a_comment(people, coordinator):
    (bertta,) = book([people.bertta_agreement])
    line = _report(bertta, "2.00")
    with pytest.raises(ValidationError) as error:
        services.line_return(line=line, comment="  ", by=coordinator)
    assert error.value.message_dict == {"comment": ["Tell the expert what to correct."]}


def test_an_approved_line_is_locked_for_the_expert(people, coordinator):
    (bertta,) = book([people.bertta_agreement])
    line = _report(bertta, "2.00")
    _approve(line, by=coordinator)
    with pytest.raises(ValidationError) as error:
        _report(bertta, "5.00")
    assert error.value.messages == [
        "This report is approved and can no longer be changed. Ask the coordinator."
    ]
    line.refresh_from_db()
    assert line.hours == Decimal("2.00")


def test_bulk_approval_leaves_lines_that_were_not_waiting(people, coordinator):
    (aino,) = book([people.aino_agreement])
    (bertta,) = book([people.bertta_agreement])
    waiting = _report(aino, "2.00")
    returned = services.line_return(line=_report(bertta, "2.00"), comment="x", by=coordinator)
    approved = _approve(waiting, returned, by=coordinator)
    assert [line.pk for line in approved] == [waiting.pk]
    returned.refresh_from_db()
    assert returned.status == LineStatus.RETURNED


def test_an_expert_who_reported_stays_on_the_assignment(people, coordinator):
    aino, bertta = book([people.aino_agreement, people.bertta_agreement])
    _report(aino, "2.00")
    with pytest.raises(ValidationError) as error:
        assignment_save(assignment=aino.assignment, experts=[people.bertta], by=coordinator)
    assert error.value.message_dict == {
        "experts": ["Aino Palkkalainen has reported hours on this assignment and stays on it."]
    }


def test_an_assignment_with_reports_is_not_cancelled_before_they_are_returned(people, coordinator):
    (aino,) = book([people.aino_agreement])
    line = _report(aino, "2.00")
    with pytest.raises(ValidationError):
        assignment_set_status(assignment=aino.assignment, status=AssignmentStatus.CANCELLED)
    services.line_return(line=line, comment="Peruttu", by=coordinator)
    assignment_set_status(assignment=aino.assignment, status=AssignmentStatus.CANCELLED)


# --- Runs: locked once exported, a correction in the next run -------------------------------


def test_a_run_takes_the_approved_unpaid_lines_up_to_the_months_end(people, coordinator):
    (february,) = book([people.aino_agreement], date=D(2025, 2, 20))
    (march,) = book([people.aino_agreement], date=D(2025, 3, 31))
    (april,) = book([people.aino_agreement], date=D(2025, 4, 1))
    (waiting,) = book([people.bertta_agreement], date=D(2025, 3, 5))
    lines = [_report(p, "2.00") for p in (february, march, april)]
    _report(waiting, "2.00")  # not approved: not paid
    _approve(*lines, by=coordinator)

    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)

    assert set(run.lines.values_list("pk", flat=True)) == {lines[0].pk, lines[1].pk}
    assert run.status == RunStatus.DRAFT
    assert run.created_by == coordinator


def test_a_run_is_locked_once_exported_and_a_correction_goes_into_the_next_run(people, coordinator):
    (march,) = book([people.aino_agreement], hours="3.00")
    paid = _report(march, "2.50", kilometres=Decimal("42"))
    _approve(paid, by=coordinator)
    march_run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    services.run_export(run=march_run, by=coordinator)
    march_before = summarise(march_run.lines.all()).totals
    march_run.refresh_from_db()
    assert march_run.sums == class_sums(march_run.lines.all())  # kept at the export
    exported = LogEntry.objects.get_for_object(march_run).latest("timestamp").changes_dict
    assert "status" in exported and "sums" not in exported  # the fees stay out of the log

    paid.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.line_return(line=paid, comment="Väärin", by=coordinator)
    assert "is locked" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.run_discard(run=march_run, by=coordinator)

    replacement = services.line_correct(line=paid, comment="Tunteja oli 2.", by=coordinator)
    assert replacement.status == LineStatus.RETURNED
    corrected = _report(march, "2.00", kilometres=Decimal("42"))
    assert corrected.pk == replacement.pk
    _approve(corrected, by=coordinator)

    april_run = services.run_create(month=D(2025, 4, 1), by=coordinator, today=TODAY)
    april = summarise(april_run.lines.all()).totals
    # Reversal: -(2.5 × 25.50 + 10.00) = -73.75, travel -12.60; new: 2 × 25.50 + 10 = 61.00,
    # travel 12.60: the April run pays -12.75 in fees and nothing in travel.
    assert (april.lines, april.fees, april.travel, april.total) == (
        2,
        Decimal("-12.75"),
        Decimal("0.00"),
        Decimal("-12.75"),
    )
    assert summarise(march_run.lines.all()).totals == march_before  # the export stands
    assert run_summary(march_run).totals == march_before  # and so do its kept sums
    assert (march_before.fees, march_before.travel) == (Decimal("73.75"), Decimal("12.60"))
    paid.refresh_from_db()
    assert (paid.superseded, paid.run_id, paid.hours) == (True, march_run.pk, Decimal("2.50"))


def test_a_paid_line_is_reversed_only_once(people, coordinator):
    (march,) = book([people.aino_agreement])
    paid = _report(march, "2.00")
    _approve(paid, by=coordinator)
    services.run_export(
        run=services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), by=coordinator
    )
    services.line_correct(line=paid, comment="Korjaa", by=coordinator)
    with pytest.raises(ValidationError) as error:
        services.line_correct(line=paid, comment="Korjaa", by=coordinator)
    assert error.value.messages == ["This line has already been reversed."]


def test_an_unpaid_line_is_returned_not_reversed(people, coordinator):
    (march,) = book([people.aino_agreement])
    line = _report(march, "2.00")
    with pytest.raises(ValidationError) as error:
        services.line_correct(line=line, comment="x", by=coordinator)
    assert error.value.messages == [
        "Only a paid line needs a reversal: return this one to the expert instead."
    ]


def test_returning_a_line_of_a_draft_run_takes_it_out_of_the_run(people, coordinator):
    (march,) = book([people.aino_agreement])
    line = _report(march, "2.00")
    _approve(line, by=coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    services.line_return(line=line, comment="Tarkista", by=coordinator)
    assert not run.lines.exists()


def test_a_discarded_draft_frees_its_lines_for_the_next_run(people, coordinator):
    (march,) = book([people.aino_agreement])
    line = _report(march, "2.00")
    _approve(line, by=coordinator)
    services.run_discard(
        run=services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), by=coordinator
    )
    line.refresh_from_db()
    assert (line.run_id, line.payroll_class) == (None, "")
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    assert list(run.lines.all()) == [line]


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (D(2025, 5, 1), "A month that has not begun cannot be paid yet."),
        (D(2025, 2, 1), "There are no approved, unpaid lines up to 28.2.2025."),
    ],
)
def test_a_run_is_refused_for_a_month_it_cannot_pay(people, coordinator, month, message):
    (march,) = book([people.aino_agreement])
    _approve(_report(march, "2.00"), by=coordinator)
    with pytest.raises(ValidationError) as error:
        services.run_create(month=month, by=coordinator, today=TODAY)
    assert error.value.messages == [message]


def test_one_run_a_month_and_one_draft_at_a_time(people, coordinator):
    (march,) = book([people.aino_agreement])
    _approve(_report(march, "2.00"), by=coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    assert error.value.messages == ["This month already has a payroll run."]
    with pytest.raises(ValidationError) as error:
        services.run_create(month=D(2025, 4, 1), by=coordinator, today=TODAY)
    assert "still a draft" in error.value.messages[0]
    services.run_export(run=run, by=coordinator)
    with pytest.raises(ValidationError) as error:
        services.run_export(run=run, by=coordinator)
    assert error.value.messages == ["This run has already been exported."]


# --- Wage and compensation for work ---------------------------------------------------------


def test_the_run_splits_wage_and_compensation_by_assignment_type(people, coordinator):
    (lecture,) = book([people.aino_agreement], type_code="training")
    (panel,) = book([people.aino_agreement], type_code="client_panel")
    (support,) = book([people.aino_agreement], type_code="client_support")
    lines = [
        # the lecture and the panel record the people reached, which their reports give
        _report(lecture, "1.50", people_reached=30, reached_group="students"),  # 38.25 + 10.00
        _report(panel, "2.00", people_reached=6, reached_group="clients"),  # 51.00 + 10.00
        _report(support, "3.00", other_costs=Decimal("4.20"), other_costs_description="Bussi"),
    ]  # 76.50 + 10.00 = 86.50, and 4.20 of other costs
    _approve(*lines, by=coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)

    summary = summarise(run.lines.all())
    wage, compensation = summary.by_class["wage"], summary.by_class["compensation"]
    assert (wage.lines, wage.hourly, wage.assignment_fees, wage.fees) == (
        2,
        Decimal("89.25"),
        Decimal("20.00"),
        Decimal("109.25"),
    )
    assert (compensation.fees, compensation.other, compensation.total) == (
        Decimal("86.50"),
        Decimal("4.20"),
        Decimal("90.70"),
    )
    assert summary.totals.total == Decimal("199.95")
    assert dict(run.lines.values_list("pk", "payroll_class")) == {
        lines[0].pk: "wage",
        lines[1].pk: "wage",
        lines[2].pk: "compensation",
    }


def test_a_reversal_keeps_the_class_its_line_was_paid_as(people, coordinator):
    (lecture,) = book([people.aino_agreement], type_code="training")
    paid = _report(lecture, "1.00", people_reached=12, reached_group="staff")
    _approve(paid, by=coordinator)
    services.run_export(
        run=services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), by=coordinator
    )
    lecture.assignment.type.payroll_class = "compensation"  # the admin changed the type since
    lecture.assignment.type.save()
    services.line_correct(line=paid, comment="Korjaa", by=coordinator)
    assert ReportLine.objects.get(sign=-1).payroll_class == "wage"


# --- Travel: the agreement's rate, capped at the tax-free allowance ----------------------------


@pytest.mark.parametrize(
    ("agreement_rate", "date", "kilometres", "rate", "travel"),
    [
        ("0.30", D(2025, 3, 10), "42", "0.30", "12.60"),  # below the cap: the agreement's
        ("0.60", D(2025, 3, 10), "100", "0.52", "52.00"),  # 2025 cap 0.52 €/km
        ("0.60", D(2026, 3, 10), "100", "0.55", "55.00"),  # 2026 cap 0.55 €/km
        ("0.60", D(2025, 3, 10), "33.3", "0.52", "17.32"),  # 17.316 → 17.32
        ("0.52", D(2025, 3, 10), "12.5", "0.52", "6.50"),
    ],
)
def test_travel_is_paid_at_the_agreements_rate_capped_at_the_tax_free_allowance(
    people, agreement_rate, date, kilometres, rate, travel
):
    agreement = people.bertta_agreement
    agreement.travel_compensation = Decimal(agreement_rate)
    agreement.valid_until = D(2026, 12, 31)
    agreement.save()
    (participation,) = book([agreement], date=date)
    line = services.line_submit(
        participation=participation,
        hours=Decimal(2),
        kilometres=Decimal(kilometres),
        today=D(2026, 4, 1),
    )
    assert line.kilometre_rate == Decimal(rate)
    assert _figures([line])[1] == Decimal(travel)


def test_the_cap_is_a_setting(people, settings):
    settings.TAX_FREE_KILOMETRE_ALLOWANCES = {2024: Decimal("0.57"), 2025: Decimal("0.40")}
    (participation,) = book([people.bertta_agreement])
    line = _report(participation, "2", kilometres=Decimal("10"))
    assert (line.kilometre_rate, _figures([line])[1]) == (Decimal("0.40"), Decimal("4.00"))


# --- Receipts -------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_a_receipt_is_stored_privately_under_a_random_name(people, private_files):
    (aino,) = book([people.aino_agreement])
    line = _report(
        aino,
        "2",
        other_costs=Decimal("3.10"),
        other_costs_description="Pysäköinti",
        receipt=SimpleUploadedFile("aino-kuitti.png", PNG, content_type="image/png"),
    )
    assert line.receipt.name.endswith(".png")
    assert "aino" not in line.receipt.name
    assert (private_files / line.receipt.name).read_bytes() == PNG


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not a receipt</html>", "A receipt must be a photo (JPEG or PNG) or a PDF file."),
        (b"%PDF-" + b"0" * 2048, "The receipt is 2.0\xa0KB; at most 1.0\xa0KB is accepted."),
    ],
)
def test_a_receipt_of_another_type_or_too_large_is_refused(people, settings, content, message):
    settings.RECEIPT_MAX_BYTES = 1024
    (aino,) = book([people.aino_agreement])
    with pytest.raises(ValidationError) as error:
        _report(aino, "2", receipt=SimpleUploadedFile("kuitti.pdf", content))
    assert error.value.message_dict == {"receipt": [message]}
    assert not ReportLine.objects.exists()
