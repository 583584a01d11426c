"""The report's months kept as counted (reporting/months.py): the database raises the version
of each month a change reaches, whatever writes it; a month is counted again only when its
version moved; and the report always shows what counting afresh shows (tests/reporting/
conftest.py's hand-counted data)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from agreements.models import Agreement, Assignment, Participation
from payroll.models import ReportLine
from registry.models import AssignmentType, ServiceArea
from reporting.exports import as_json
from reporting.models import MonthFigures, MonthVersion
from reporting.months import counted_months, raise_pending_versions
from reporting.selectors import count_months, monthly_figures
from supervision.models import Attendance, GroupMembership, SupervisionSession
from tests.factories import ParticipationFactory
from tests.feedback.factories import ProfessionalFeedbackFactory, ReflectionFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _versions() -> dict[str, int]:
    raise_pending_versions()
    return dict(MonthVersion.objects.values_list("month", "number"))


def _reached(change) -> set[str]:
    """The months whose version ``change()`` raised."""
    before = _versions()
    change()
    after = _versions()
    return {month for month, number in after.items() if number != before.get(month, 0)}


def move_assignment():
    assignment = Assignment.objects.get(date=D(2025, 2, 1))
    assignment.date = D(2025, 4, 3)
    assignment.save()


def add_participation():
    agreement = Agreement.objects.get(signed_on=D(2025, 12, 31))
    ParticipationFactory(
        assignment=Assignment.objects.get(date=D(2025, 3, 15)),
        expert=agreement.expert,
        agreement=agreement,
    )


def change_lines():
    ReportLine.objects.filter(participation__assignment__date=D(2025, 12, 31)).update(
        hours=Decimal("9.00")
    )


def sign_later():
    Agreement.objects.filter(signed_on=D(2025, 1, 31)).update(signed_on=D(2025, 5, 5))


def raise_fee():
    Agreement.objects.filter(signed_on=D(2024, 12, 31)).update(hourly_fee=Decimal("21.00"))


def move_session():
    SupervisionSession.objects.filter(date=D(2025, 1, 31)).update(date=D(2025, 6, 1))


def mark_absent():
    Attendance.objects.filter(session__date=D(2025, 12, 31)).update(present=False)


def delete_attendance():
    Attendance.objects.filter(session__date=D(2025, 12, 31)).delete()


def delete_assignment():
    Assignment.objects.filter(date=D(2025, 3, 15)).delete()


def recode_type():
    AssignmentType.objects.filter(code="training").update(code="koulutus")


def move_member():
    aino = Agreement.objects.get(signed_on=D(2025, 1, 1)).expert
    GroupMembership.objects.filter(group__division=None).update(expert=aino)


def raw_sql():
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_assignment SET hours = 8 WHERE date = %s", [D(2025, 1, 31)]
        )


def reflect():
    ReflectionFactory(
        participation=Participation.objects.filter(assignment__date=D(2025, 12, 31))[0]
    )


def rate():
    ProfessionalFeedbackFactory(link__assignment=Assignment.objects.get(date=D(2025, 1, 1)))


CHANGES = [
    (move_assignment, {"2025-02", "2025-04"}),
    (add_participation, {"2025-03"}),
    (change_lines, {"2025-12"}),
    (sign_later, {"2025-01", "2025-05"}),
    (raise_fee, {"2024-12", "*"}),
    (move_session, {"2025-01", "2025-06"}),
    (mark_absent, {"2025-12"}),
    (delete_attendance, {"2025-12"}),
    (delete_assignment, {"2025-03"}),
    (recode_type, {"*"}),
    (move_member, {"*"}),
    (raw_sql, {"2025-01"}),
    (reflect, {"2025-12"}),
    (rate, {"2025-01"}),
]


@pytest.mark.parametrize(("change", "months"), CHANGES, ids=[c.__name__ for c, _ in CHANGES])
def test_a_change_raises_the_months_it_reaches(report_data, change, months):
    assert _reached(change) == months


def afresh(year: int, division: ServiceArea | None = None) -> dict:
    """The report counted from nothing kept, leaving the kept months as they were."""
    with transaction.atomic():
        MonthFigures.objects.all().delete()
        counted = as_json(monthly_figures(year, division))
        transaction.set_rollback(True)
    return counted


@pytest.mark.parametrize("division_code", [None, "mental_health"])
def test_the_kept_months_are_never_stale(report_data, division_code):
    division = division_code and ServiceArea.objects.get(code=division_code)
    first = as_json(monthly_figures(2025, division))
    seen = [first]
    for change, _months in CHANGES:
        change()
        kept = as_json(monthly_figures(2025, division))
        assert kept == afresh(2025, division), change.__name__
        seen.append(kept)
    # the changes moved the figures (of the division, too), so the comparisons compared
    assert len({str(figures) for figures in seen}) >= 5


def test_only_the_months_a_change_reached_are_counted_again(report_data):
    asked = []

    def count(year, division, months):
        asked.append(months)
        return count_months(year, division, months)

    counted_months(2025, None, count)
    counted_months(2025, None, count)
    move_assignment()
    counted_months(2025, None, count)
    raise_fee()
    counted_months(2025, None, count)

    # all at first, none while nothing changed, the two months, then all again for "*"
    assert asked == [list(range(1, 13)), [2, 4], list(range(1, 13))]


def test_each_division_keeps_its_own_months(report_data):
    mental_health = ServiceArea.objects.get(code="mental_health")
    whole = as_json(monthly_figures(2025))
    of_division = as_json(monthly_figures(2025, mental_health))

    assert of_division != whole
    assert as_json(monthly_figures(2025)) == whole
    assert as_json(monthly_figures(2025, mental_health)) == of_division
    assert sorted(set(MonthFigures.objects.values_list("division", flat=True))) == [
        "",
        "mental_health",
    ]


def test_a_new_release_counts_every_month_again(report_data):
    """bin/serve migrates on every start: a release may count differently."""
    from django.core.management import call_command

    monthly_figures(2025)
    assert MonthFigures.objects.count() == 12
    call_command("migrate", verbosity=0)
    assert MonthFigures.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_transaction_raises_its_months_once_at_commit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL raises the months at commit; SQLite at once, row by row")
    with transaction.atomic():
        for day in (D(2025, 3, 1), D(2025, 3, 2), D(2025, 5, 1)):
            ParticipationFactory(assignment__date=day)
        assert not MonthVersion.objects.filter(month__startswith="2025-").exists()

    versions = dict(MonthVersion.objects.values_list("month", "number"))
    assert (versions["2025-03"], versions["2025-05"]) == (1, 1)
