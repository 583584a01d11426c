"""What a report line pays, as database expressions in whole cents (agreements.fees arithmetic).

A line's fee is its hours × the hourly fee it recorded from the covering agreement, rounded half
up, plus that agreement's fee per assignment: agreements.fees.fee_cents_of, the expression every
fee in Kokemus uses. Travel is kilometres × the line's €/km rate (capped at the tax-free
allowance when reported), other costs are as reported. Each is multiplied by the line's sign, so
a reversal takes back exactly what its line paid.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import BigIntegerField, ExpressionWrapper, F

from agreements.fees import cents_of, fee_cents_of, hourly_fee_cents_of, travel_cents_of


def _signed(expression, prefix: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(f"{prefix}sign") * expression, output_field=BigIntegerField())


def hourly_cents(prefix: str = "") -> ExpressionWrapper:
    """The hourly part of the fee: hours × hourly fee, to the cent."""
    return _signed(hourly_fee_cents_of(F(f"{prefix}hours"), F(f"{prefix}hourly_fee")), prefix)


def assignment_fee_cents(prefix: str = "") -> ExpressionWrapper:
    return _signed(cents_of(F(f"{prefix}assignment_fee")), prefix)


def fee_cents(prefix: str = "") -> ExpressionWrapper:
    """The line's fee: the hourly part plus the fee per assignment (agreements.fees)."""
    return _signed(
        fee_cents_of(F(f"{prefix}hours"), F(f"{prefix}hourly_fee"), F(f"{prefix}assignment_fee")),
        prefix,
    )


def travel_cents(prefix: str = "") -> ExpressionWrapper:
    return _signed(travel_cents_of(F(f"{prefix}kilometres"), F(f"{prefix}kilometre_rate")), prefix)


def other_cents(prefix: str = "") -> ExpressionWrapper:
    return _signed(cents_of(F(f"{prefix}other_costs")), prefix)


def line_amounts(prefix: str = "") -> dict:
    """Every amount of a line, for ``annotate``: fee and its two parts, travel, other costs."""
    return {
        "hourly_cents": hourly_cents(prefix),
        "assignment_fee_cents": assignment_fee_cents(prefix),
        "fee_cents": fee_cents(prefix),
        "travel_cents": travel_cents(prefix),
        "other_cents": other_cents(prefix),
    }


def tax_free_kilometre_allowance(day: datetime.date) -> Decimal:
    """The year's tax-free kilometre allowance for a car (settings); a year not listed takes
    the latest earlier year's, and a year before all of them the earliest one."""
    allowances = settings.TAX_FREE_KILOMETRE_ALLOWANCES
    earlier = [year for year in allowances if year <= day.year]
    return allowances[max(earlier) if earlier else min(allowances)]


def kilometre_rate(agreement_rate: Decimal, day: datetime.date) -> Decimal:
    """The €/km rate paid for travel on ``day``: the agreement's, at most the tax-free cap."""
    return min(agreement_rate, tax_free_kilometre_allowance(day))
