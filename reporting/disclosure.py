"""Small counts (SPEC "The monthly follow-up table"): the evaluation group must not be able to
single out a person; coordinators see every figure.

A figure about persons (hours, fees, active experts, attendances, experts who attended) that
rests on fewer than ``SMALL_COUNT_THRESHOLD`` distinct experts is ``Hidden`` in the evaluation
group's copy of the figures, and where a row's total would give one hidden month away, a second
month is hidden too (``suppress``; docs/report.md "Small counts" has an example). The page, its
charts and the CSV, XLSX and PDF files are all drawn from that one copy (``shown_to``), so none
of them can show a figure that another hides. The ``monthly_report`` command is for scripts run
by those who hold the database, and shows every figure.
"""

from collections.abc import Sequence
from dataclasses import replace

from django.conf import settings

from kokemus.access import is_coordinator
from reporting.models import View
from reporting.selectors import FeedbackFigures, Hidden, MonthlyFigures
from reporting.tables import Cell, Number

# Each figure about persons: the Figures field that counts the distinct experts it rests on,
# and whether its year total is the sum of the months (then the total minus the other months
# would give a lone hidden month away; a distinct count over the year is not such a sum).
RESTS_ON = {
    "hours": ("active_experts", True),  # every participation has hours above zero
    "fees": ("paid_experts", True),  # experts with a fee above zero, of done work
    "travel": ("travelling_experts", True),  # experts paid travel (approved hours reports)
    "other_costs": ("experts_with_costs", True),  # experts paid other costs
    "active_experts": ("active_experts", False),
    "paid_experts": ("paid_experts", False),  # in no table, but a count of persons all the same
    "travelling_experts": ("travelling_experts", False),
    "experts_with_costs": ("experts_with_costs", False),
    "supervision_attendances": ("supervision_experts", True),  # professionals' too
    "supervision_experts": ("supervision_experts", False),
}


def suppress(
    values: Sequence[Number], experts: Sequence[int], *, threshold: int, total_is_sum: bool
) -> list[Cell]:
    """One row of a table, its total last: ``values[i]`` rests on ``experts[i]`` distinct
    experts.

    A value other than zero that rests on fewer than ``threshold`` experts is hidden (a zero
    singles out no one). If the total is the sum of the other cells and stays visible, one
    hidden cell alone would be the total minus the others: the smallest other non-zero cell is
    hidden too (the earliest of equals), or, where every other cell is zero, the total.
    """
    cells: list[Cell] = [
        Hidden(threshold) if value and count < threshold else value
        for value, count in zip(values, experts, strict=True)
    ]
    *parts, total = cells
    hidden = [cell for cell in parts if isinstance(cell, Hidden)]
    if not total_is_sum or isinstance(total, Hidden) or len(hidden) != 1:
        return cells
    others = [(cell, i) for i, cell in enumerate(parts) if cell and not isinstance(cell, Hidden)]
    cells[min(others)[1] if others else -1] = Hidden(threshold, few=False)
    return cells


def without_small_counts(figures: MonthlyFigures, *, threshold: int) -> MonthlyFigures:
    """A copy of ``figures`` with each figure about persons passed through ``suppress``, a row
    of the twelve months and the year's total per figure. Counts of assignments and
    agreements, and the supervision sessions, are about no person and stay as they are."""
    periods = [*figures.months, figures.totals]
    rows = {
        name: suppress(
            [getattr(period, name) for period in periods],
            [getattr(period, basis) for period in periods],
            threshold=threshold,
            total_is_sum=total_is_sum,
        )
        for name, (basis, total_is_sum) in RESTS_ON.items()
    }
    *months, totals = (
        replace(period, **{name: cells[i] for name, cells in rows.items()})
        for i, period in enumerate(periods)
    )
    feedback = figures.feedback and feedback_without_small_counts(
        figures.feedback, threshold=threshold
    )
    return replace(
        figures,
        months=months,
        totals=totals,
        small_count_threshold=threshold,
        feedback=feedback,
    )


# --- feedback (issue 20) ---------------------------------------------------------------------


def feedback_without_small_counts(feedback: FeedbackFigures, *, threshold: int) -> FeedbackFigures:
    """The reflections rest on the experts who gave them, the professionals' feedback on the
    experts on the rated assignments. An average or a share is shown only where the count it
    is taken over is shown: beside a visible year, a hidden month's average and count together
    would give the month's answers away."""
    reflections = suppress(
        feedback.reflections, feedback.reflecting_experts, threshold=threshold, total_is_sum=True
    )
    answers = suppress(
        feedback.answers, feedback.rated_experts, threshold=threshold, total_is_sum=True
    )
    return FeedbackFigures(
        reflections=reflections,
        average_load=_hidden_with(reflections, feedback.average_load),
        talk_share=_hidden_with(reflections, feedback.talk_share),
        reflecting_experts=_persons(feedback.reflecting_experts, threshold),
        answers=answers,
        average_rating=_hidden_with(answers, feedback.average_rating),
        rated_experts=_persons(feedback.rated_experts, threshold),
    )


def _hidden_with(counts: list[Cell], values: list) -> list:
    return [
        Hidden(count.threshold, few=count.few) if isinstance(count, Hidden) else value
        for count, value in zip(counts, values, strict=True)
    ]


def _persons(counts: list[int], threshold: int) -> list[Cell]:
    """A count of experts is itself about persons, though in no table."""
    return suppress(counts, counts, threshold=threshold, total_is_sum=False)


# --- end feedback ---


def view_of(user) -> View:
    """Which copy of the figures ``user`` sees: every figure for a coordinator (and an admin),
    without small counts for anyone else (the evaluation group)."""
    return View.COORDINATOR if is_coordinator(user) else View.EVALUATION


def shown_in(view: View, figures: MonthlyFigures) -> MonthlyFigures:
    """The figures as ``view`` holds them (stored files are kept per view: reporting/stored.py)."""
    if view == View.COORDINATOR:
        return figures
    return without_small_counts(figures, threshold=settings.SMALL_COUNT_THRESHOLD)


def shown_to(user, figures: MonthlyFigures) -> MonthlyFigures:
    """The figures as ``user`` may see them."""
    return shown_in(view_of(user), figures)
