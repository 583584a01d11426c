"""What an expert is paid: the one definition of a fee (SPEC, the monthly table, figure 6).

For each participation of a **done** assignment: its worked hours × the hourly fee of the
agreement that covers it, plus that agreement's per-assignment fee, rounded half up to cents
per participation. Travel compensation is separate. The report, the payroll page and the
expert's fee statement all sum these expressions.

The database computes in whole cents: SQLite keeps decimals as floats, so a decimal sum there
could differ from PostgreSQL's by a cent; integers are exact on both.
"""

from decimal import Decimal

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


def fee_cents(prefix: str = "") -> Combinable:
    """A participation's fee in whole cents, whatever its assignment's status.

    hours and hourly fee are in hundredths, so their product is in ten-thousandths of a euro;
    adding 50 before the whole-number division by 100 rounds half up (fees are never negative).
    """
    hours = _hundredths(worked_hours(prefix))
    hourly = _hundredths(F(f"{prefix}agreement__hourly_fee"))
    per_assignment = _hundredths(F(f"{prefix}agreement__assignment_fee"))
    return (hours * hourly + Value(50)) / Value(100) + per_assignment


def paid_fee_cents(prefix: str = "") -> Case:
    """The fee in cents of a participation that is paid: its assignment is done; else 0."""
    return Case(
        When(Q(**{f"{prefix}assignment__status": AssignmentStatus.DONE}), then=fee_cents(prefix)),
        default=Value(0),
        output_field=BigIntegerField(),
    )


def euros(cents: int | None) -> Decimal:
    """Whole cents (a sum of the expressions above) as euros with two decimals."""
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))
