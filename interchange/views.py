"""The coordinator's import in the browser: upload, preview (nothing written), confirm."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interchange import formats, uploads
from interchange.forms import UploadForm
from interchange.services import ImportResult, import_data
from kokemus.access import Role, role_required


def _preview(request, result: ImportResult, token: str | None):
    return render(
        request,
        "interchange/preview.html",
        {"result": result, "token": token, "form": UploadForm()},
    )


@role_required(Role.COORDINATOR)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = form.contents()
        result = import_data(files, dry_run=True)
        token = uploads.keep(request, files) if result.ok else None
        return _preview(request, result, token)
    return render(request, "interchange/upload.html", {"form": form, "files": formats.FILES})


@role_required(Role.COORDINATOR)
@require_POST
def confirm(request):
    files = uploads.take(request, request.POST.get("token", ""))
    if files is None:
        messages.error(request, _("The uploaded files are no longer kept. Upload them again."))
        return redirect("interchange:upload")
    result = import_data(files, dry_run=False, by=request.user)
    if not result.ok:  # the database changed after the preview
        return _preview(request, result, None)
    totals = [
        sum(getattr(c, kind) for c in result.counts.values()) for kind in ("create", "update")
    ]
    messages.success(
        request,
        _("Imported: %(created)s rows created and %(updated)s updated.")
        % {"created": totals[0], "updated": totals[1]},
    )
    return redirect("interchange:upload")
