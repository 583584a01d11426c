"""What an expert is paid: the one definition of a fee (SPEC, the monthly table, figure 6).

For each participation of a **done** assignment: its worked hours × the hourly fee of the
agreement that covers it, plus that agreement's per-assignment fee, rounded half up to cents
per participation. Travel compensation is separate. The report, the payroll page and the
expert's fee statement all sum these expressions.

An hours report line (payroll.models.ReportLine) is paid by the same arithmetic over its own
hours and the terms it recorded from the covering agreement: ``fee_cents_of`` and its parts
take any expressions, so a line and a participation cannot round differently. Kilometres are
paid by ``travel_cents_of``, also to the cent, half up.

The database computes in whole cents: SQLite keeps decimals as floats, so a decimal sum there
could differ from PostgreSQL's by a cent; integers are exact on both.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Round

from agreements.models import AssignmentStatus


def worked_hours(prefix: str = "") -> Coalesce:
    """A participation's hours: the expert's own where recorded, else the assignment's."""
    return Coalesce(F(f"{prefix}hours"), F(f"{prefix}assignment__hours"))


def _hundredths(expression) -> Cast:
    """A two-decimal amount as a whole number of hundredths (hours or euros × 100)."""
    return Cast(Round(Coalesce(expression, Value(Decimal(0))) * 100), BigIntegerField())


def cents_of(amount) -> Cast:
    """An amount in euros (two decimals) as whole cents."""
    return _hundredths(amount)


def hourly_fee_cents_of(hours, hourly_fee) -> Combinable:
    """hours × hourly fee in whole cents, rounded half up.

    hours and hourly fee are in hundredths, so their product is in ten-thousandths of a euro;
    adding 50 before the whole-number division by 100 rounds half up (fees are never negative).
    """
    return (_hundredths(hours) * _hundredths(hourly_fee) + Value(50)) / Value(100)


def fee_cents_of(hours, hourly_fee, assignment_fee) -> Combinable:
    """The fee in whole cents: the hourly part rounded half up, plus the per-assignment fee."""
    return hourly_fee_cents_of(hours, hourly_fee) + _hundredths(assignment_fee)


def travel_cents_of(kilometres, rate) -> Combinable:
    """kilometres (one decimal) × a €/km rate (two decimals) in whole cents, half up: tenths
    of a kilometre × cents per kilometre is in thousandths of a euro."""
    tenths = Cast(Round(Coalesce(kilometres, Value(Decimal(0))) * 10), BigIntegerField())
    return (tenths * _hundredths(rate) + Value(5)) / Value(10)


def fee_cents(prefix: str = "") -> Combinable:
    """A participation's fee in whole cents, whatever its assignment's status."""
    return fee_cents_of(
        worked_hours(prefix),
        F(f"{prefix}agreement__hourly_fee"),
        F(f"{prefix}agreement__assignment_fee"),
    )


def paid_fee_cents(prefix: str = "") -> Case:
    """The fee in cents of a participation that is paid: its assignment is done; else 0."""
    return Case(
        When(Q(**{f"{prefix}assignment__status": AssignmentStatus.DONE}), then=fee_cents(prefix)),
        default=Value(0),
        output_field=BigIntegerField(),
    )


def fee_cents_value(hours: Decimal, hourly_fee: Decimal, assignment_fee: Decimal) -> int:
    """``fee_cents_of`` for values at hand (an offer's estimate before anything is saved): the
    same whole-number arithmetic, so it gives the cent the database would."""

    def hundredths(value: Decimal) -> int:
        return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))

    hourly_part = (hundredths(hours) * hundredths(hourly_fee) + 50) // 100
    return hourly_part + hundredths(assignment_fee)


def euros(cents: int | None) -> Decimal:
    """Whole cents (a sum of the expressions above) as euros with two decimals."""
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))
