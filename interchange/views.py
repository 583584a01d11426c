"""The coordinator's import in the browser: upload, the worker checks, preview (nothing
written), confirm, the worker imports; and undo of an applied import.

The worker runs the checks and the import (interchange.tasks), so these views only keep the
files, read the job's state and show it; the job page polls a small status view
(static/js/import-progress.js) while the worker is busy.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interchange import formats, selectors, undo
from interchange.forms import MappingForm, UploadForm
from interchange.importer import ImportResult
from interchange.models import ImportJob, JobAction, JobStatus
from interchange.services import import_job_confirm, import_job_create, import_job_map, import_undo
from interchange.workbook_template import template_workbook
from kokemus.access import Role, role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A job this long without a word from the worker: it is probably not running (or stopped).
WORKER_SILENT = datetime.timedelta(minutes=2)
RUN_STOPPED = datetime.timedelta(minutes=30)


def _upload_page(request, form: UploadForm):
    return render(
        request,
        "interchange/upload.html",
        {"form": form, "files": formats.FILES, "runs": selectors.recent_runs()},
    )


@role_required(Role.COORDINATOR)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(files=form.streams(), by=request.user, language=get_language())
        return redirect("interchange:job", pk=job.pk)
    return _upload_page(request, form)


@role_required(Role.COORDINATOR)
def template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="kokemus-tuontipohja.xlsx"'
    return response


def _progress_text(job: ImportJob) -> str:
    if job.status == JobStatus.WAITING:
        return _("Waiting for the background worker to start.")
    if job.phase == "reading":
        return _("Reading the files: %(rows)s rows read.") % {"rows": job.rows_read}
    if job.phase == "checking":
        return _("Checking the rows against each other and against Kokemus.")
    if job.phase == "saving":
        return _("Checking the rows once more and saving them.")
    return _("Starting.")


def _stalled(job: ImportJob) -> bool:
    """The worker has said nothing for long: not running, or stopped half-way."""
    silence = timezone.now() - job.updated_at
    if job.status == JobStatus.WAITING:
        return silence > WORKER_SILENT
    return job.status == JobStatus.RUNNING and silence > RUN_STOPPED


@role_required(Role.COORDINATOR)
def job(request, pk: int):
    job = get_object_or_404(selectors.jobs_of(request.user), pk=pk)
    result = ImportResult.from_json(job.result) if job.result else None
    context = {
        "job": job,
        "result": result,
        "progress_text": _progress_text(job),
        "stalled": _stalled(job),
        "checked": job.status == JobStatus.CHECKED,
        "applying": job.action == JobAction.APPLY,
        "form": UploadForm(),
    }
    if result is not None:
        context.update(_result_context(job, result))
    return render(request, "interchange/job.html", context)


def _result_context(job: ImportJob, result: ImportResult) -> dict:
    counts = result.counts.values()
    context = {
        "created": sum(c.create for c in counts),
        "updated": sum(c.update for c in counts),
        "change_tables": [
            {
                "name": name,
                "slug": name.removesuffix(".csv"),
                "rows": rows,
                "shown": len(rows),
                "total": result.counts[name].update if name in result.counts else len(rows),
            }
            for name, rows in result.changes.items()
        ],
    }
    if result.same_names and job.action == JobAction.CHECK and not result.applied:
        form = MappingForm(same_names=result.same_names)
        context["mapping_form"] = form
        context["mapping_rows"] = [
            (item, form[form.field_name(item)]) for item in result.same_names
        ]
    return context


@role_required(Role.COORDINATOR)
def job_status(request, pk: int):
    job = get_object_or_404(selectors.jobs_of(request.user).defer("result"), pk=pk)
    return JsonResponse(
        {
            "finished": job.finished,
            "percent": job.percent,
            "text": _progress_text(job),
        }
    )


@role_required(Role.COORDINATOR)
@require_POST
def job_map(request, pk: int):
    job = get_object_or_404(selectors.jobs_of(request.user), pk=pk)
    result = ImportResult.from_json(job.result) if job.result else ImportResult()
    form = MappingForm(request.POST, same_names=result.same_names)
    if form.is_valid():
        try:
            import_job_map(job=job, mapping=form.mapping())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose one of the offered codes."))
    return redirect("interchange:job", pk=job.pk)


@role_required(Role.COORDINATOR)
@require_POST
def job_confirm(request, pk: int):
    job = get_object_or_404(selectors.jobs_of(request.user), pk=pk)
    try:
        import_job_confirm(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("interchange:job", pk=job.pk)


@role_required(Role.COORDINATOR)
def run_undo(request, pk: int):
    run = get_object_or_404(selectors.runs(), pk=pk)
    blockers = None
    if request.method == "POST" and run.undone_at is None:
        try:
            blockers = import_undo(run=run, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("interchange:run_undo", pk=run.pk)
        if not blockers:
            messages.success(request, _("The import was undone."))
            return redirect("interchange:run_undo", pk=run.pk)
    elif run.undone_at is None:
        blockers = undo.blockers(run)
    return render(request, "interchange/run_undo.html", {"run": run, "blockers": blockers})
