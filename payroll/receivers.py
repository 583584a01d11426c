"""payroll's answers to the signals of the apps below it (connected in PayrollConfig.ready)."""

from payroll.selectors import booking_warnings


def warn_of_earnings_limits(sender, assignment, **kwargs) -> list[str]:
    """agreements.signals.assignment_saved: experts on it at 90 % of a limit or more."""
    return booking_warnings(assignment)
