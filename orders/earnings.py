"""The hook for experts' earnings limits (ansaintaraja), which the payroll work records.

Until a limit can be recorded, ``earnings_headroom`` answers that nobody has one, and the
suggestion list flags nobody. The payroll change replaces its body: it must read the limits
and the earnings of the limit's period in a fixed number of queries (not one per expert), for
the experts of the queryset it is given.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

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
    limit's period that contains ``day``, by expert id. Experts without a limit are left out.

    HOOK: no limit can be recorded yet, so this returns no one (and runs no query).
    """
    return {}
