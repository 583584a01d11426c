"""The imports: each upload on its way through the worker, and a record of each applied one.

An upload becomes an ``ImportJob``: its files are kept in the database in chunks (so that a
worker on another machine, or in another unit with its own /tmp, can read them), the worker
checks them and the coordinator then confirms. The job is a working copy that is deleted a
day later; the ``ImportRun`` is the lasting record of an applied import.

The import writes its rows with bulk statements, which send no signals, so the per-row trail of
django-auditlog is silent about them; one ImportRun per import (registered with auditlog in
``InterchangeConfig.ready``) is what the trail shows instead. Its journal (what the import
created, the values it replaced) is what lets a coordinator undo it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the trail entry keeps its actor; this row keeps its counts
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    files = models.JSONField(_("files"), default=list)  # the names as given
    # interchange file -> {"create": n, "update": n, "unchanged": n}
    counts = models.JSONField(_("rows"), default=dict)
    # model label -> what the import wrote there (interchange.importer._Journal); left out of
    # the audit trail, which records the counts
    journal = models.JSONField(_("journal"), default=dict, editable=False)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return _("Import of %(files)s") % {"files": ", ".join(self.files)}


class JobStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for the worker")
    RUNNING = "running", _("under way")
    CHECKED = "checked", _("checked, waiting for confirmation")
    REFUSED = "refused", _("refused")
    APPLIED = "applied", _("imported")
    FAILED = "failed", _("stopped by an error")


class JobAction(models.TextChoices):
    CHECK = "check", _("check")
    APPLY = "apply", _("import")


class ImportJob(models.Model):
    """One upload: the worker checks it (``check``) and, once confirmed, imports it
    (``apply``); the page polls its status and progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,  # a private working copy: it goes with its user
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    language = models.CharField(_("language"), max_length=10, default="fi")
    files = models.JSONField(_("files"), default=list)  # the names as given
    action = models.CharField(
        _("action"), max_length=10, choices=JobAction.choices, default=JobAction.CHECK
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.WAITING
    )
    # where the worker is: reading, checking or saving, and how far (0–100, null: unknown)
    phase = models.CharField(_("phase"), max_length=10, blank=True)
    percent = models.PositiveSmallIntegerField(_("per cent done"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    # interchange file -> {code in the file: existing code}, chosen on the preview
    mapping = models.JSONField(_("codes mapped"), default=dict)
    result = models.JSONField(_("result"), default=dict)  # interchange.importer.ImportResult
    run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            # the removal of jobs older than a day, at each upload
            models.Index(fields=["created_at"], name="import_job_created_idx"),
        ]

    def __str__(self):
        return _("Upload of %(files)s") % {"files": ", ".join(self.files)}

    @property
    def finished(self) -> bool:
        return self.status not in (JobStatus.WAITING, JobStatus.RUNNING)


class ImportFileChunk(models.Model):
    """A piece of an uploaded file, kept until the import is applied or the job is removed."""

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="chunks"
    )
    file_index = models.PositiveSmallIntegerField(_("file"))
    sequence = models.PositiveIntegerField(_("sequence"))
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("piece of an uploaded file")
        verbose_name_plural = _("pieces of uploaded files")
        constraints = [
            # also the index that reads a file's pieces in order
            models.UniqueConstraint(
                fields=["job", "file_index", "sequence"], name="import_chunk_unique_place"
            ),
        ]

    def __str__(self):
        return f"{self.job_id}/{self.file_index}/{self.sequence}"
