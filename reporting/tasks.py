"""The worker's report renders (django-tasks: manage.py worker runs them)."""

from django_tasks import task

from reporting.stored import refresh_this_year


@task()
def render_current_reports() -> int:
    """Render this year's downloaded reports for the current data version. Enqueued by the
    worker when it sees the version change (manage.py worker); several at once are harmless,
    a report already current is not rendered again."""
    return refresh_this_year()
