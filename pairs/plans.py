"""The default gradual-start plan a new pair can begin with (seed 002: trust grows when the pair
starts gradually and gets to know each other in peace; the professional inducts the expert and
links them to other staff; the expert comes to work alone step by step; the pair has regular
time to go through situations, pair supervision, and feedback both ways). The coordinator
edits the plan to fit."""

import datetime

from django.utils.translation import gettext_lazy as _

from pairs.models import StepKind

# (kind, title, days after the start the step is due)
DEFAULT_PLAN = (
    (
        StepKind.INDUCTION,
        _("Getting to know each other: backgrounds, ways of working, hopes for the pair"),
        7,
    ),
    (StepKind.INDUCTION, _("The unit's work, services and network; meeting the colleagues"), 14),
    (StepKind.INDUCTION, _("Roles, boundaries and confidentiality"), 14),
    (StepKind.INDUCTION, _("Division of work: who does what with clients"), 21),
    (
        StepKind.INDUCTION,
        _("Regular joint time to go through situations, and whom to turn to in hard ones"),
        21,
    ),
    (StepKind.JOINT_TASK, _("First joint client meeting"), 28),
    (StepKind.JOINT_TASK, _("First joint visit to a service with a client"), 35),
    (StepKind.PAIR_SUPERVISION, _("First pair supervision"), 42),
    (StepKind.JOINT_TASK, _("First task the expert by experience does on their own"), 56),
    (StepKind.OTHER, _("Feedback to each other: what works in the pair, what to change"), 90),
)


def default_steps(started_on: datetime.date) -> list[dict]:
    """The default plan's steps for a pair starting on ``started_on``, titles in the active
    language (the caller chooses the organisation's)."""
    return [
        {
            "position": number,
            "kind": kind,
            "title": str(title),
            "due_on": started_on + datetime.timedelta(days=days),
        }
        for number, (kind, title, days) in enumerate(DEFAULT_PLAN, start=1)
    ]
