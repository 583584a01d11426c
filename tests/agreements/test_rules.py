"""agreements.rules: each rule a user will hit, defined once, on plain values (no database)."""

import datetime
from decimal import Decimal

import pytest

from agreements.models import (
    COUNTED_STATUSES,
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
)
from agreements.rules import (
    agreement_terms_errors,
    covering_agreement,
    hours_error,
    own_hours_errors,
    uncovered_error,
    working_days,
)
from agreements.selectors import agreements_covering
from tests.factories import AgreementFactory

MARCH_10 = datetime.date(2025, 3, 10)


def agreement(**fields) -> Agreement:
    """An unsaved agreement: signed, active, valid through 2025, 25 € an hour."""
    defaults = {
        "number": "TS-1",
        "status": AgreementStatus.ACTIVE,
        "signed_on": datetime.date(2024, 12, 15),
        "valid_from": datetime.date(2025, 1, 1),
        "valid_until": datetime.date(2025, 12, 31),
        "hourly_fee": Decimal("25.00"),
    }
    return Agreement(**(defaults | fields))


# --- hours within a day's limit ---------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "days", "message"),
    [
        ("0.25", 1, None),
        ("24", 1, None),
        ("48", 2, None),
        ("0", 1, "Hours must be more than zero."),
        ("-1", 3, "Hours must be more than zero."),
        ("24.01", 1, "One day has at most 24 hours."),
        ("48.5", 2, "One day has at most 24 hours: 48 hours for 2 days."),
        ("100", 0, None),  # an end date before the start: its own message says what is wrong
    ],
)
def test_hours_are_more_than_zero_and_at_most_24_a_day(hours, days, message):
    assert hours_error(Decimal(hours), days) == message


def test_one_day_over_the_limit_is_said_as_the_database_constraint_says_it():
    """A form meets the one-day rule first in full_clean (the constraint), the import in the
    rule: both must read the same."""
    constraint = next(
        c for c in Assignment._meta.constraints if c.name == "assignment_hours_at_most_24_a_day"
    )
    assert hours_error(Decimal(25), 1) == str(constraint.violation_error_message)


def test_an_assignment_spans_its_days_both_ends_included():
    assert working_days(MARCH_10, None) == 1
    assert working_days(MARCH_10, MARCH_10) == 1
    assert working_days(MARCH_10, datetime.date(2025, 3, 12)) == 3


def test_own_hours_name_each_expert_over_the_limit_in_the_order_given():
    own = [("Aino", None), ("Eeva", Decimal(25)), ("Olli", Decimal(0)), ("Pia", Decimal(3))]
    assert own_hours_errors(own, 1) == [
        "Eeva: own hours must be more than zero and at most 24.",
        "Olli: own hours must be more than zero and at most 24.",
    ]
    assert own_hours_errors([("Eeva", Decimal(25))], 2) == []


# --- which agreement covers a date ------------------------------------------------------


def test_no_agreement_or_a_draft_covers_nothing():
    draft = agreement(status=AgreementStatus.DRAFT, signed_on=None)
    assert covering_agreement([], MARCH_10) is None
    assert covering_agreement([draft], MARCH_10) is None


def test_an_agreement_covers_its_first_and_last_day_only():
    short = agreement(valid_from=MARCH_10, valid_until=MARCH_10)
    assert covering_agreement([short], MARCH_10) is short
    assert covering_agreement([short], datetime.date(2025, 3, 9)) is None
    assert covering_agreement([short], datetime.date(2025, 3, 11)) is None


def test_a_terminated_agreement_covers_until_its_termination_date():
    terminated = agreement(status=AgreementStatus.TERMINATED, valid_until=MARCH_10)
    assert covering_agreement([terminated], MARCH_10) is terminated
    assert covering_agreement([terminated], datetime.date(2025, 3, 11)) is None


def test_the_latest_valid_from_sets_the_fee_whatever_the_order_made():
    later = agreement(number="TS-2", valid_from=datetime.date(2025, 3, 1))
    earlier = agreement(number="TS-1", valid_from=datetime.date(2025, 1, 1))
    assert covering_agreement([later, earlier], MARCH_10) is later
    assert covering_agreement([earlier, later], MARCH_10) is later
    assert covering_agreement([earlier, later], datetime.date(2025, 2, 1)) is earlier


def test_of_two_starting_the_same_day_the_one_made_last_sets_the_fee():
    first, second = agreement(number="TS-1"), agreement(number="TS-2")
    assert covering_agreement([first, second], MARCH_10) is second


def test_an_expert_without_cover_is_named_as_the_caller_names_them():
    assert uncovered_error("E2", MARCH_10) == "E2 has no signed agreement that covers 10.3.2025."


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(AgreementStatus))
@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2024, 12, 31),
        datetime.date(2025, 1, 1),
        datetime.date(2025, 6, 1),
        datetime.date(2025, 6, 30),
        datetime.date(2025, 7, 1),
    ],
)
def test_the_database_condition_covers_exactly_what_covers_says(status, day):
    signed = None if status == AgreementStatus.DRAFT else datetime.date(2024, 12, 1)
    stored = AgreementFactory(
        status=status,
        signed_on=signed,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2025, 6, 30),
    )
    assert agreements_covering(day).filter(pk=stored.pk).exists() == stored.covers(day)


# --- agreement terms --------------------------------------------------------------------


def test_sound_terms_have_nothing_wrong():
    assert agreement_terms_errors(agreement()) == {}
    assert agreement_terms_errors(agreement(valid_until=None)) == {}
    assert agreement_terms_errors(agreement(status=AgreementStatus.DRAFT, signed_on=None)) == {}


def test_each_wrong_term_is_named_by_its_field():
    wrong = agreement(
        valid_from=datetime.date(2025, 2, 1),
        valid_until=datetime.date(2025, 1, 31),
        signed_on=None,
        assignment_fee=Decimal("-0.01"),
    )
    assert agreement_terms_errors(wrong) == {
        "valid_until": "The last day of validity cannot be before the first day, 1.2.2025.",
        "signed_on": "A signed agreement needs the date it was signed.",
        "assignment_fee": "Fee per assignment (€) cannot be negative.",
    }


# --- counted = not cancelled ------------------------------------------------------------


def test_planned_and_done_count_cancelled_never():
    """A new status must be decided here: every figure, calendar and check reads this list."""
    assert set(COUNTED_STATUSES) == set(AssignmentStatus) - {AssignmentStatus.CANCELLED}
