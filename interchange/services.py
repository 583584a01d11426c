"""The import's writes (SPEC "Interchange format"): the import itself, its jobs and its undo.

``import_data`` runs the engine (interchange.importer): it reads the files outside any
transaction, then checks and writes them in one transaction under a lock, so an import is all
or nothing and two never interleave. In the browser an upload becomes an ``ImportJob`` that the
task worker runs (interchange.tasks), so no proxy or server timeout cuts a long import, and the
page shows how far it is. ``import_undo`` takes an applied import back while nothing has been
recorded on its rows since (interchange.undo).
"""

import contextlib
import datetime
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interchange import undo
from interchange.importer import Importer, ImportResult, Mapping, Progress, Source
from interchange.models import ImportFileChunk, ImportJob, ImportRun, JobAction, JobStatus

logger = logging.getLogger(__name__)

IMPORT_LOCK_KEY = 4_711_007  # PostgreSQL advisory lock: one import (or undo) at a time
CHUNK_BYTES = 1024 * 1024  # an uploaded file is kept in pieces of this size
JOB_MAX_AGE = datetime.timedelta(days=1)
PROGRESS_INTERVAL = 0.5  # seconds between two progress writes


def files_from_path(path: Path) -> list[tuple[str, Path]]:
    """The files of a folder, or one workbook, as (name, path) pairs; nothing is read yet,
    so a name that is not an interchange file is refused before its content is touched."""
    path = Path(path)
    if path.is_dir():
        return [(p.name, p) for p in sorted(path.iterdir()) if p.is_file()]
    return [(path.name, path)]


def import_data(
    files: Iterable[tuple[str, Source]],
    *,
    dry_run: bool,
    by=None,
    mapping: Mapping | None = None,
    progress=None,
) -> ImportResult:
    """Check ``files`` and, unless ``dry_run`` or anything is wrong, write them all.
    ``mapping``: codes of the file to use as existing ones; ``progress(Progress)`` hears
    how far the import is."""
    with Importer(by=by, mapping=mapping, progress=progress) as importer:
        importer.read(files)
        importer.parse()
        if dry_run:
            importer.plan()
            return importer.result()
        importer.report("saving", None)
        with transaction.atomic():
            _lock_imports()  # a second import waits here and then sees this one's rows
            importer.plan()
            if importer.errors.items:
                return importer.result()
            importer.apply()
            result = importer.result()
            run = _record(importer.file_names, result, by, importer.journal.as_json())
    result.applied = True
    result.run_id = run.pk
    return result


def _record(file_names: list[str], result: ImportResult, by, journal: dict) -> ImportRun:
    """One audit trail entry for the import (its bulk writes send no signals)."""
    counts = {name: vars(c) for name, c in result.counts.items()}
    with set_actor(by) if by is not None else contextlib.nullcontext():
        return ImportRun.objects.create(
            imported_by=by, files=file_names, counts=counts, journal=journal
        )


def _lock_imports() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        elif connection.vendor == "sqlite":
            # A write statement takes SQLite's write lock now rather than at the first insert.
            cursor.execute("UPDATE django_migrations SET app = app WHERE 0 = 1")


# the browser's imports: jobs for the worker ------------------------------------------------


def import_job_create(*, files: list[tuple[str, BinaryIO]], by, language: str) -> ImportJob:
    """Keep the uploaded files (read in pieces, never whole) and ask the worker to check
    them. Jobs older than a day go at the same time."""
    import_jobs_remove_stale()
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=by, language=language, files=[Path(name).name for name, _f in files]
        )
        for index, (_name, stream) in enumerate(files):
            sequence = 0
            while data := stream.read(CHUNK_BYTES):
                ImportFileChunk.objects.create(
                    job=job, file_index=index, sequence=sequence, data=data
                )
                sequence += 1
    _enqueue(job)
    return job


def import_jobs_remove_stale() -> None:
    """Uploads older than a day, imported or not: their files and previews hold personal data
    that nobody needs by then. Run at each upload and by the periodic planner."""
    ImportJob.objects.filter(created_at__lt=timezone.now() - JOB_MAX_AGE).delete()


def import_job_map(*, job: ImportJob, mapping: Mapping) -> None:
    """Check the files again, using existing codes for the file's codes in ``mapping``."""
    if job.status not in (JobStatus.CHECKED, JobStatus.REFUSED) or job.action != JobAction.CHECK:
        raise ValidationError(_("This upload is no longer waiting to be checked."))
    job.mapping = mapping
    job.status, job.result, job.phase, job.percent, job.rows_read = JobStatus.WAITING, {}, "", 0, 0
    job.save()
    _enqueue(job)


def import_job_confirm(*, job: ImportJob) -> None:
    """Ask the worker to import the checked files; once only, whoever clicks twice."""
    confirmed = ImportJob.objects.filter(
        pk=job.pk, status=JobStatus.CHECKED, action=JobAction.CHECK
    ).update(
        status=JobStatus.WAITING,
        action=JobAction.APPLY,
        phase="",
        percent=0,
        rows_read=0,
        updated_at=timezone.now(),
    )
    if not confirmed:
        raise ValidationError(_("This import has already been confirmed."))
    _enqueue(job)


def _enqueue(job: ImportJob) -> None:
    from interchange.tasks import run_import_job

    run_import_job.enqueue(job_id=job.pk)


def import_job_run(job_id: int) -> str:
    """The worker's part: check or apply the job's files and keep the result. A job that is
    not waiting (already run, removed) is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.WAITING).update(
        status=JobStatus.RUNNING, phase="reading", percent=0, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language), _kept_files(job) as files:
            result = import_data(
                files,
                dry_run=job.action == JobAction.CHECK,
                by=job.created_by,
                mapping=job.mapping,
                progress=_ProgressWriter(job_id),
            )
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, phase="", percent=None, updated_at=timezone.now()
        )
        raise
    if result.applied:
        status = JobStatus.APPLIED
        ImportFileChunk.objects.filter(job_id=job_id).delete()
    else:
        status = JobStatus.CHECKED if result.ok else JobStatus.REFUSED
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        result=result.as_json(),
        run_id=result.run_id,
        phase="",
        percent=100,
        updated_at=timezone.now(),
    )
    return status


@contextlib.contextmanager
def _kept_files(job: ImportJob) -> Iterator[list[tuple[str, BinaryIO]]]:
    """The job's files as local temporary files, filled one piece at a time."""
    with contextlib.ExitStack() as stack:
        files = []
        for index, name in enumerate(job.files):
            local = stack.enter_context(tempfile.TemporaryFile())
            pieces = ImportFileChunk.objects.filter(job=job, file_index=index)
            for pk in pieces.order_by("sequence").values_list("pk", flat=True):
                local.write(ImportFileChunk.objects.values_list("data", flat=True).get(pk=pk))
            local.seek(0)
            files.append((name, local))
        yield files


class _ProgressWriter:
    """Writes the import's progress to its job, at most twice a second and only outside the
    import's transaction: inside it, no one else would see the row change."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written_at = 0.0
        self.phase = ""

    def __call__(self, progress: Progress) -> None:
        if connection.in_atomic_block:
            return
        now = time.monotonic()
        if progress.phase == self.phase and now - self.written_at < PROGRESS_INTERVAL:
            return
        self.written_at, self.phase = now, progress.phase
        percent = None if progress.fraction is None else round(progress.fraction * 100)
        ImportJob.objects.filter(pk=self.job_id).update(
            phase=progress.phase,
            percent=percent,
            rows_read=progress.rows,
            updated_at=timezone.now(),
        )


# undo ----------------------------------------------------------------------------------------


def import_undo(*, run: ImportRun, by) -> undo.Blockers:
    """Take the import back, or return the rows that stop it (nothing is then changed)."""
    with transaction.atomic():
        _lock_imports()
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.undone_at is not None:
            raise ValidationError(_("This import has already been undone."))
        blockers = undo.blockers(run)
        if blockers:
            return blockers
        run.journal[undo.UNDONE_VERSIONS] = undo.apply(run.journal)
        run.undone_at, run.undone_by = timezone.now(), by
        with set_actor(by) if by is not None else contextlib.nullcontext():
            run.save(update_fields=["undone_at", "undone_by", "journal"])
    return blockers
