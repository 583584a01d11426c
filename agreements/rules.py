"""The SPEC's "Rules a user will hit" about agreements and assignments, each defined once.

Pure functions over values: no queries, no today. The services call them after reading what
they need, the import calls them with the maps it has loaded for a whole file (100k rows, no
query per row), so the form, the admin and the import refuse the same things in the same words.
What only a form refuses (a signing date in the future, a done assignment moved into the future)
stays with the form or the service: the import takes history as it was kept.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import MAX_HOURS_A_DAY, Agreement, AgreementStatus, Assignment

FEE_FIELDS = ("hourly_fee", "assignment_fee", "travel_compensation")


# --- Agreement terms ------------------------------------------------------------------------


def agreement_terms_errors(agreement: Agreement) -> dict[str, str]:
    """What is wrong with an agreement's terms, by the field at fault (empty: nothing).

    The validity does not end before it starts, a signed agreement has its signing date, fees
    are not negative. The database constraints hold the same rules, but their messages name no
    field and no date.
    """
    errors = {}
    if (
        agreement.valid_from
        and agreement.valid_until
        and agreement.valid_until < agreement.valid_from
    ):
        errors["valid_until"] = _(
            "The last day of validity cannot be before the first day, %(date)s."
        ) % {"date": date_format(agreement.valid_from, "SHORT_DATE_FORMAT")}
    if agreement.status != AgreementStatus.DRAFT and agreement.signed_on is None:
        errors["signed_on"] = _("A signed agreement needs the date it was signed.")
    for name in FEE_FIELDS:
        value = getattr(agreement, name)
        if value is not None and value < 0:
            errors[name] = _("%(field)s cannot be negative.") % {
                "field": capfirst(Agreement._meta.get_field(name).verbose_name)
            }
    return errors


# --- Which agreement covers a date ----------------------------------------------------------


def covering_agreement(agreements: Iterable[Agreement], day: datetime.date) -> Agreement | None:
    """Of one expert's agreements, given in the order they were made, the one whose fee
    applies on ``day``: of those that cover it (Agreement.covers), the latest ``valid_from``;
    of equals, the one made last. None: the expert may not work that day."""
    chosen = None
    for agreement in agreements:
        if agreement.covers(day) and (chosen is None or agreement.valid_from >= chosen.valid_from):
            chosen = agreement
    return chosen


def uncovered_error(expert: str, day: datetime.date) -> str:
    """The message for an expert (as the caller names them) with no agreement on ``day``."""
    return _("%(expert)s has no signed agreement that covers %(date)s.") % {
        "expert": expert,
        "date": date_format(day, "SHORT_DATE_FORMAT"),
    }


# --- Hours within a day's limit -------------------------------------------------------------


def working_days(date: datetime.date, end_date: datetime.date | None) -> int:
    """The days an assignment spans, both ends included (one without an end date)."""
    return ((end_date or date) - date).days + 1


def most_hours(days: int) -> Decimal:
    return MAX_HOURS_A_DAY * days


def hours_error(hours: Decimal, days: int) -> str | None:
    """What is wrong with ``hours`` of work over ``days`` days, or None: hours are more than
    zero and at most 24 a day. Not judged over fewer than one day (an end date before the
    start has its own message)."""
    if hours <= 0:
        return _constraint_message("assignment_hours_positive")
    if days < 1 or hours <= most_hours(days):
        return None
    if days == 1:
        return _constraint_message("assignment_hours_at_most_24_a_day")
    return _("One day has at most 24 hours: %(max)s hours for %(days)s days.") % {
        "max": most_hours(days),
        "days": days,
    }


def own_hours_errors(own_hours: Iterable[tuple[str, Decimal | None]], days: int) -> list[str]:
    """The same rule for each expert's own hours on an assignment of ``days`` days: pairs of
    the expert as the caller names them and their hours (None: the assignment's hours)."""
    return [
        _("%(expert)s: own hours must be more than zero and at most %(max)s.")
        % {"expert": expert, "max": most_hours(days)}
        for expert, hours in own_hours
        if hours is not None and hours_error(hours, days)
    ]


def _constraint_message(name: str) -> str:
    """The words of an Assignment check constraint: the database holds the one-day rule as
    well (a form meets it through full_clean), and both must say it alike."""
    constraint = next(c for c in Assignment._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


# --- People reached -------------------------------------------------------------------------

PEOPLE_REACHED_MISSING = gettext_lazy(
    "Say how many people the assignment reached (0 if no one came)."
)
PEOPLE_REACHED_NEGATIVE = gettext_lazy("People reached cannot be negative.")
GROUP_REACHED_MISSING = gettext_lazy("Choose the group the assignment reached.")


def reach_errors(records_reach: bool, people_reached: int | None, reached_group: str) -> dict:
    """What is missing when an assignment of a type that ``records_reach`` is marked done
    (SPEC "people reached"), by the field at fault; nothing is asked of other types. 0 is a
    figure: a lecture no one came to reached no one."""
    if not records_reach:
        return {}
    errors = {}
    if people_reached is None:
        errors["people_reached"] = PEOPLE_REACHED_MISSING
    elif people_reached < 0:
        errors["people_reached"] = PEOPLE_REACHED_NEGATIVE
    if not reached_group:
        errors["reached_group"] = GROUP_REACHED_MISSING
    return errors
