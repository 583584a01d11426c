"""The coordinator's payroll pages (/palkkiot/): approving hours reports, the month's payroll
runs and their files, earnings limits; and the receipt of a line, for its expert as well.

Earnings limits are health-adjacent data: coordinators only, and never in any report.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agreements.models import Participation
from kokemus.access import Role, is_coordinator, role_required
from kokemus.audit import record_view, record_views
from kokemus.converters import as_id
from kokemus.lists import month_param, paginate
from payroll import exports, selectors, services
from payroll.filters import LineFilter
from payroll.forms import (
    CommentForm,
    EarningsLimitForm,
    LineSelectionForm,
    ReportLineForm,
    RunMonthForm,
)
from payroll.models import EarningsLimit, LineStatus, PayrollRun, ReportLine
from payroll.receipts import content_type
from registry.models import Expert


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(request, default: str, **kwargs):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # not redirect(): "0000-01" would be a view name
    return redirect(default, **kwargs)


# --- Approval ------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def approval_list(request):
    """Lines to approve (by default those waiting), many at once with the tick boxes."""
    filterset = LineFilter(request.GET, queryset=selectors.approval_queue())
    page = paginate(request, filterset.qs, per_page=50)
    return render(
        request,
        "payroll/approval_list.html",
        {"filter": filterset, "page_obj": page, "query": request.GET.urlencode()},
    )


@role_required(Role.COORDINATOR)
@require_POST
def lines_approve(request):
    ids = request.POST.getlist("lines")
    line_ids = [as_id(pk) for pk in ids]  # None for what no row's id can be
    form = LineSelectionForm(request.POST, line_ids=[pk for pk in line_ids if pk is not None])
    if not form.is_valid():
        messages.error(request, _("Tick at least one line."))
        return _back(request, "payroll:approval_list")
    approved = services.lines_approve(line_ids=form.cleaned_data["lines"], by=request.user)
    if approved:
        messages.success(
            request,
            ngettext("%(count)s line approved.", "%(count)s lines approved.", len(approved))
            % {"count": len(approved)},
        )
    skipped = len(form.cleaned_data["lines"]) - len(approved)
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s line was not waiting for approval and was left as it was.",
                "%(count)s lines were not waiting for approval and were left as they were.",
                skipped,
            )
            % {"count": skipped},
        )
    return _back(request, "payroll:approval_list")


@role_required(Role.COORDINATOR)
def line_detail(request, pk: int):
    line = _line_or_404(pk)
    return _line_page(request, line)


def _line_or_404(pk: int) -> ReportLine:
    try:
        return selectors.line_for_page(pk)
    except ReportLine.DoesNotExist as missing:
        raise Http404 from missing


def _line_page(request, line: ReportLine, *, return_form=None, correct_form=None):
    paid = line.is_paid
    current = line.sign > 0 and not line.superseded
    return render(
        request,
        "payroll/line_detail.html",
        {
            "line": line,
            "history": selectors.line_history(line),
            "can_approve": line.status == LineStatus.SUBMITTED,
            "can_return": current and not paid and line.status != LineStatus.RETURNED,
            "can_correct": current and paid,
            "return_form": return_form or CommentForm(prefix="return"),
            "correct_form": correct_form or CommentForm(prefix="correct"),
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def line_return(request, pk: int):
    line = _line_or_404(pk)
    form = CommentForm(request.POST, prefix="return")
    if not form.is_valid():
        return _line_page(request, line, return_form=form)
    try:
        services.line_return(line=line, comment=form.cleaned_data["comment"], by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The line was returned to the expert for correction."))
    return redirect("payroll:line_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def line_correct(request, pk: int):
    line = _line_or_404(pk)
    form = CommentForm(request.POST, prefix="correct")
    if not form.is_valid():
        return _line_page(request, line, correct_form=form)
    try:
        replacement = services.line_correct(
            line=line, comment=form.cleaned_data["comment"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("payroll:line_detail", pk=pk)
    messages.success(
        request,
        _(
            "The paid line was reversed, and a new line went to the expert for correction. "
            "Both will be paid in the next run."
        ),
    )
    return redirect("payroll:line_detail", pk=replacement.pk)


@role_required(Role.COORDINATOR)
def report_for(request, participation_pk: int):
    """The coordinator reports (or corrects, until approved) an expert's line for them: an
    expert without a login, or one who asked for help."""
    participation = get_object_or_404(
        Participation.objects.select_related("expert", "assignment__type", "agreement"),
        pk=participation_pk,
    )
    line = selectors.current_line_of(participation)
    has_receipt = bool(line and line.receipt)
    completes = selectors.report_asks_reach(participation)
    if request.method == "POST":
        form = ReportLineForm(
            request.POST, request.FILES, has_receipt=has_receipt, completes=completes
        )
        if form.is_valid():
            try:
                line = services.line_submit(
                    participation=participation, by=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                _errors_on_fields(form, error)
            else:
                messages.success(
                    request,
                    _("The report of %(expert)s was saved; it waits for approval.")
                    % {"expert": participation.expert.full_name},
                )
                return redirect("payroll:line_detail", pk=line.pk)
    else:
        form = ReportLineForm(
            initial=ReportLineForm.initial_from(line, participation),
            has_receipt=has_receipt,
            completes=completes,
        )
    return render(
        request,
        "payroll/report_for.html",
        {"participation": participation, "line": line, "form": form},
    )


def _errors_on_fields(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@role_required(Role.COORDINATOR, Role.EXPERT)
def line_receipt(request, pk: int):
    """The receipt file: a coordinator's, or the expert's own (another's is 404)."""
    lines = ReportLine.objects.exclude(receipt="")
    if not is_coordinator(request.user):
        lines = lines.filter(participation__expert__user=request.user)
    line = get_object_or_404(lines, pk=pk)
    try:
        with line.receipt.open("rb") as receipt:  # at most RECEIPT_MAX_BYTES
            data = receipt.read()
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = line.receipt.name
    response = HttpResponse(data, content_type=content_type(name))
    extension = name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="kuitti-{line.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    record_view(line)
    return response


# --- Payroll runs --------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def run_list(request):
    """The runs so far, and what a run of the chosen month would pay now."""
    month = month_param(request)
    preview = selectors.month_preview(month)
    return render(
        request,
        "payroll/run_list.html",
        {
            "runs": selectors.runs(),
            "month": month,
            "preview": preview,
            "preview_rows": paginate(request, preview.experts),
            "waiting": selectors.waiting_count(),
            "form": RunMonthForm(initial={"year": month.year, "month": month.month}),
            "existing": PayrollRun.objects.filter(month=month).defer("sums").first(),
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def run_create(request):
    form = RunMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year and the month."))
        return redirect("payroll:run_list")
    try:
        run = services.run_create(month=form.first_day(), by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        month = form.first_day()
        return redirect(f"{reverse('payroll:run_list')}?year={month.year}&month={month.month}")
    messages.success(request, _("The run was made. Check it, then export it."))
    return redirect("payroll:run_detail", pk=run.pk)


@role_required(Role.COORDINATOR)
def run_detail(request, pk: int):
    run = get_object_or_404(PayrollRun.objects.select_related("created_by", "exported_by"), pk=pk)
    summary = selectors.run_summary(run)
    rows = paginate(request, summary.experts)
    warnings = selectors.run_warnings(run)
    # Fee figures are personal data: whose this page shows, in its rows and its warnings.
    shown = {totals.expert.pk: totals.expert for totals in rows}
    warned = {expert.pk: expert for expert, warning in warnings}
    record_views((shown | warned).values())
    return render(
        request,
        "payroll/run_detail.html",
        {
            "run": run,
            "summary": summary,
            "rows": rows,
            "warnings": [warning for expert, warning in warnings],
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def run_export(request, pk: int):
    run = get_object_or_404(PayrollRun, pk=pk)
    try:
        services.run_export(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The run is exported and locked. Download its files below."))
    return redirect("payroll:run_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def run_discard(request, pk: int):
    run = get_object_or_404(PayrollRun, pk=pk)
    try:
        services.run_discard(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("payroll:run_detail", pk=pk)
    messages.success(request, _("The draft run was discarded; its lines wait for the next run."))
    return redirect("payroll:run_list")


def _exported_run(pk: int) -> PayrollRun:
    """A run's files exist once it is exported: a draft's are 404 (nothing to pay from yet)."""
    run = get_object_or_404(PayrollRun, pk=pk)
    if not run.is_locked:
        raise Http404
    return run


@role_required(Role.COORDINATOR)
def run_file(request, pk: int, file_format: str):
    if file_format not in exports.FORMATS:
        raise Http404
    run = _exported_run(pk)
    data = exports.render(run, file_format)
    record_views(list(selectors.run_experts(run)))
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(run, file_format)}"'
    return response


@role_required(Role.COORDINATOR)
def run_statement(request, pk: int, expert_pk: int):
    run = _exported_run(pk)
    expert = get_object_or_404(selectors.run_experts(run), pk=expert_pk)
    return _statement_response(run, expert)


def _statement_response(run: PayrollRun, expert: Expert) -> HttpResponse:
    record_view(expert)
    response = HttpResponse(exports.as_pdf(run, expert), content_type="application/pdf")
    name = f"palkkioselvitys-{run.month:%Y-%m}-{expert.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@role_required(Role.EXPERT)
def my_statement(request, pk: int):
    """The expert's own statement of an exported run that paid them (another's run: 404)."""
    expert = get_object_or_404(Expert, user=request.user)
    run = get_object_or_404(selectors.runs_paying(expert), pk=pk)
    return _statement_response(run, expert)


# --- Earnings limits -----------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def limit_list(request):
    today = timezone.localdate()
    limits = list(selectors.limits_for_list())
    positions = selectors.earnings_positions([limit.expert_id for limit in limits], today)
    rows = [(limit, positions.get(limit.expert_id)) for limit in limits]
    return render(request, "payroll/limit_list.html", {"rows": rows, "today": today})


@role_required(Role.COORDINATOR)
def limit_edit(request, expert_pk: int):
    expert = get_object_or_404(Expert, pk=expert_pk, anonymised_at__isnull=True)
    limit = EarningsLimit.objects.filter(expert=expert).first()
    if request.method == "POST":
        form = EarningsLimitForm(request.POST, instance=limit or EarningsLimit(expert=expert))
        if form.is_valid():
            try:
                services.earnings_limit_save(
                    expert=expert,
                    by=request.user,
                    **{name: form.cleaned_data[name] for name in EarningsLimitForm.Meta.fields},
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The earnings limit of %(expert)s was saved.") % {"expert": expert.full_name},
                )
                return redirect("payroll:limit_list")
    else:
        form = EarningsLimitForm(instance=limit)
    position = selectors.earnings_position(expert, timezone.localdate()) if limit else None
    return render(
        request,
        "payroll/limit_form.html",
        {"expert": expert, "form": form, "limit": limit, "position": position},
    )


@role_required(Role.COORDINATOR)
@require_POST
def limit_delete(request, expert_pk: int):
    expert = get_object_or_404(Expert, pk=expert_pk)
    if services.earnings_limit_delete(expert=expert, by=request.user):
        messages.success(
            request,
            _("The earnings limit of %(expert)s was removed.") % {"expert": expert.full_name},
        )
    return redirect("payroll:limit_list")
