"""Reads of the import's pages."""

from django.db.models import QuerySet

from interchange.models import ImportJob, ImportRun

RECENT_RUNS = 10


def jobs_of(user) -> QuerySet[ImportJob]:
    """A user's own uploads: another coordinator's upload is not theirs to confirm."""
    return ImportJob.objects.filter(created_by=user)


def recent_runs() -> QuerySet[ImportRun]:
    """The latest applied imports, without their journals (which can be megabytes)."""
    return ImportRun.objects.select_related("imported_by", "undone_by").defer("journal")[
        :RECENT_RUNS
    ]


def runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("imported_by", "undone_by")
