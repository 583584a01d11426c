"""Looking up an expert's hours report line on pages that list participations."""

from django import template

from payroll.selectors import reports_by_participation

register = template.Library()


@register.simple_tag
def reports_of(assignment) -> dict:
    """The current line of each expert on the assignment who has reported, by participation id
    (the coordinator's assignment page: agreements' view knows nothing of payroll)."""
    return reports_by_participation(assignment)


@register.filter
def report_of(reports: dict, participation_id: int):
    """The current line of a participation, from payroll.selectors.reports_by_participation."""
    return reports.get(participation_id)
