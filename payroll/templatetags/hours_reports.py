"""Looking up an expert's hours report line on pages that list participations."""

from django import template

register = template.Library()


@register.filter
def report_of(reports: dict, participation_id: int):
    """The current line of a participation, from payroll.selectors.reports_by_participation."""
    return reports.get(participation_id)
