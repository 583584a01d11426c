"""A participation carries its assignment's first and last day, kept by the database
(agreements migration 0007) whatever makes the change: My page, the page about an expert and
the calendar feed find an expert's work by these days."""

import datetime
import importlib
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F

from agreements.models import Assignment, Participation
from tests.factories import AssignmentFactory, ExpertFactory, ParticipationFactory

_0009 = importlib.import_module("agreements.migrations.0009_participation_days_late")
pytestmark = pytest.mark.django_db
MAY_4 = datetime.date(2026, 5, 4)
DAY = datetime.timedelta(days=1)


def days(participation) -> tuple:
    return Participation.objects.values_list("first_day", "last_day").get(pk=participation.pk)


def test_a_new_participation_takes_its_assignments_days():
    one_day = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))
    three_days = ParticipationFactory(
        assignment=AssignmentFactory(date=MAY_4, end_date=MAY_4 + 2 * DAY)
    )
    assert days(one_day) == (MAY_4, MAY_4)
    assert days(three_days) == (MAY_4, MAY_4 + 2 * DAY)


def test_a_changed_date_or_end_date_reaches_every_participation_of_the_assignment():
    assignment = AssignmentFactory(date=MAY_4)
    first, second = ParticipationFactory.create_batch(2, assignment=assignment)
    elsewhere = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))

    assignment.date = MAY_4 + 7 * DAY
    assignment.save()
    assert days(first) == days(second) == (MAY_4 + 7 * DAY, MAY_4 + 7 * DAY)

    Assignment.objects.filter(pk=assignment.pk).update(end_date=MAY_4 + 9 * DAY)  # in bulk
    assert days(first) == days(second) == (MAY_4 + 7 * DAY, MAY_4 + 9 * DAY)
    Assignment.objects.filter(pk=assignment.pk).update(end_date=None)
    assert days(first) == (MAY_4 + 7 * DAY, MAY_4 + 7 * DAY)
    assert days(elsewhere) == (MAY_4, MAY_4)

    # several assignments moved by one statement, as the import's bulk update does
    Assignment.objects.filter(pk__in=[assignment.pk, elsewhere.assignment_id]).update(
        date=F("date") + DAY
    )
    assert days(first) == (MAY_4 + 8 * DAY, MAY_4 + 8 * DAY)
    assert days(elsewhere) == (MAY_4 + DAY, MAY_4 + DAY)


def test_a_participation_saved_again_or_moved_has_the_days_of_its_assignment():
    participation = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))
    # the instance never had the days the database gave the row, and save() writes them all
    assert participation.first_day is None
    participation.hours = Decimal("1.50")
    participation.save()
    assert days(participation) == (MAY_4, MAY_4)

    participation.assignment = AssignmentFactory(date=MAY_4 - DAY, end_date=MAY_4 + DAY)
    participation.save()
    assert days(participation) == (MAY_4 - DAY, MAY_4 + DAY)

    Participation.objects.filter(pk=participation.pk).update(
        assignment=AssignmentFactory(date=MAY_4 + 3 * DAY)
    )
    assert days(participation) == (MAY_4 + 3 * DAY, MAY_4 + 3 * DAY)


def test_the_audit_trail_of_a_participation_saved_again_leaves_the_days_out():
    participation = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))
    participation.hours = Decimal("1.50")
    participation.save()  # the instance's days are None, the row's MAY_4
    entry = LogEntry.objects.get_for_object(participation).get(action=LogEntry.Action.UPDATE)
    assert set(entry.changes_dict) == {"hours"}


def test_days_given_with_the_row_are_kept_as_the_import_writes_them():
    """The import writes its rows' days in its COPY, so the database does not look them up."""
    given = (MAY_4 - 9 * DAY, MAY_4 - 8 * DAY)  # not the assignment's: kept all the same
    participation = ParticipationFactory(
        assignment=AssignmentFactory(date=MAY_4), first_day=given[0], last_day=given[1]
    )
    assert days(participation) == given


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its triggers")
def test_on_sqlite_the_triggers_are_made_again_after_a_migrate():
    """They are dropped before every migrate, so that SQLite can rebuild the tables."""
    call_command("migrate", "agreements", verbosity=0)
    participation = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))
    assert days(participation) == (MAY_4, MAY_4)


@pytest.mark.django_db(transaction=True)
def test_a_participation_written_before_its_assignment_gets_its_days():
    """A restore or a hand-made fixture may list participations first: the foreign keys are
    checked only at the transaction's end, and the days are filled by then."""
    expert = ExpertFactory()
    placeholder = AssignmentFactory()  # an id the sequence will not give again
    assignment_id = placeholder.pk
    placeholder.delete()
    with transaction.atomic():
        early = Participation.objects.create(assignment_id=assignment_id, expert=expert)
        AssignmentFactory(pk=assignment_id, date=MAY_4, end_date=MAY_4 + DAY)
    assert days(early) == (MAY_4, MAY_4 + DAY)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite refills after migrate")
def test_migration_0009_fills_the_rows_an_earlier_write_left_without_days():
    participation = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))
    Participation.objects.filter(pk=participation.pk).update(first_day=None, last_day=None)
    assert days(participation) == (None, None)
    with connection.cursor() as cursor:
        cursor.execute(_0009.FILL_EMPTY)
    assert days(participation) == (MAY_4, MAY_4)


@pytest.mark.django_db(transaction=True)
def test_a_participation_moved_to_an_assignment_written_after_it_gets_its_days():
    """A restore over existing rows moves a participation (an UPDATE) before its assignment
    is written, the same way."""
    participation = ParticipationFactory(assignment=AssignmentFactory(date=MAY_4))
    placeholder = AssignmentFactory()  # an id the sequence will not give again
    assignment_id = placeholder.pk
    placeholder.delete()
    with transaction.atomic():
        Participation.objects.filter(pk=participation.pk).update(assignment_id=assignment_id)
        AssignmentFactory(pk=assignment_id, date=MAY_4 + 9 * DAY)
    assert days(participation) == (MAY_4 + 9 * DAY, MAY_4 + 9 * DAY)
