"""Background work through Django's task framework (the django-tasks backport until Django 6)."""

from django_tasks import task

from notifications.delivery import deliver_due


@task()
def deliver_outbox() -> int:
    """Send what is due in the outbox. Enqueued after each commit that records messages, and
    by the periodic planner (manage.py plan_notifications), which also picks up retries."""
    return deliver_due()
