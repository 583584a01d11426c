"""The import's background work, run by the task worker (manage.py worker)."""

from django_tasks import task

from interchange.services import import_job_run


@task()
def run_import_job(job_id: int) -> str:
    """Check or apply an upload (interchange.services.import_job_run): outside any request,
    so neither a proxy's timeout nor gunicorn's cuts it, and a worker thread is not held."""
    return import_job_run(job_id)
