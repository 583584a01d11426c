"""Experts' earnings limits (ansaintaraja) for the suggestion list: payroll records them and
counts what each expert has earned against them (payroll.selectors.positions_of: paid,
reported and booked work, by the month of the work)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from payroll.models import EarningsLimit
from payroll.selectors import PeriodPosition, positions_of
from registry.models import Expert


@dataclass(frozen=True)
class Headroom:
    """An expert's recorded limit and what they have earned in its period (month or year)."""

    limit_cents: int
    earned_cents: int

    @property
    def left_cents(self) -> int:
        return self.limit_cents - self.earned_cents

    def is_passed_by(self, fee_cents: int) -> bool:
        """Whether earning ``fee_cents`` more reaches or passes the limit."""
        return fee_cents >= self.left_cents


def earnings_headroom(*, experts: QuerySet[Expert], day: datetime.date) -> dict[int, Headroom]:
    """For each of ``experts`` with a recorded limit: the limit and their earnings in the
    limit's period that contains ``day``, by expert id; of a monthly and a yearly limit, the
    one with less left. Experts without a limit are left out. Three queries, however many
    experts."""
    positions = positions_of(EarningsLimit.objects.filter(expert__in=experts), day)
    return {
        expert_id: _headroom(min(position.periods, key=lambda period: period.limit - period.used))
        for expert_id, position in positions.items()
    }


def _headroom(period: PeriodPosition) -> Headroom:
    return Headroom(limit_cents=_cents(period.limit), earned_cents=_cents(period.used))


def _cents(euros) -> int:
    return int(euros * 100)
