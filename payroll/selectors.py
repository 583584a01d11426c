"""Reads about hours reports, payroll runs and earnings limits that views, exports, the
dashboard, other apps and the monthly report share.

Amounts are summed by the database in whole cents (payroll.amounts, agreements.fees), one
aggregate query per table whatever the number of lines.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from agreements.fees import euros, fee_cents, fee_cents_value, worked_hours
from agreements.models import COUNTED_STATUSES, Assignment, AssignmentStatus, Participation
from agreements.selectors import WorkDay, covering_agreements_by_expert, work_date
from kokemus.lists import next_month
from kokemus.money import cents
from payroll.amounts import line_amounts
from payroll.models import EarningsLimit, LineStatus, PayrollRun, ReportLine, RunStatus
from registry.models import Expert, PayrollClass

# --- Lines ---------------------------------------------------------------------------------


def line_class() -> Coalesce:
    """A line's payroll class: recorded when it went into a run, else its assignment type's."""
    return Coalesce(
        NullIf(F("payroll_class"), Value("")),
        F("participation__assignment__type__payroll_class"),
        output_field=CharField(),
    )


def lines_with_amounts() -> QuerySet[ReportLine]:
    """Lines with their amounts in cents and what a list row shows, in one query."""
    return (
        ReportLine.objects.select_related(
            "participation__expert", "participation__assignment__type", "run"
        )
        .defer("run__sums")  # up to ~50 kB of JSON a run, which no line shows
        .annotate(**line_amounts(), paid_as=line_class())
    )


def approved_lines() -> QuerySet[ReportLine]:
    """Approved lines with their amounts and ``signed_hours``: what the SPEC's fees sum."""
    return ReportLine.objects.filter(status=LineStatus.APPROVED).annotate(
        **line_amounts(), signed_hours=F("sign") * F("hours")
    )


def lines_for_expert(expert: Expert) -> QuerySet[ReportLine]:
    return lines_with_amounts().filter(participation__expert=expert)


def approval_queue() -> QuerySet[ReportLine]:
    """The coordinator's approval list: lines that are not reversals, oldest work first (by
    the work's date as an expression: agreements.selectors.work_date)."""
    return (
        lines_with_amounts().filter(sign=1).order_by(work_date("participation__assignment__"), "pk")
    )


def line_for_page(pk: int) -> ReportLine:
    return lines_with_amounts().select_related("agreement", "reverses", "corrects").get(pk=pk)


def line_history(line: ReportLine) -> list[ReportLine]:
    """Every line of the same participation (the paid line, its reversal, its correction)."""
    return list(lines_with_amounts().filter(participation_id=line.participation_id).order_by("pk"))


def current_line_of(participation: Participation) -> ReportLine | None:
    """The expert's current line on the assignment, with its amounts (None: not reported)."""
    return (
        lines_with_amounts()
        .filter(participation=participation, sign=1, superseded=False)
        .select_related("agreement")
        .first()
    )


def report_asks_reach(participation: Participation) -> Assignment | None:
    """The assignment that the expert's report would mark done (services.line_submit: the
    last expert on a planned assignment to report), where its type records the people
    reached: the report asks for them. None otherwise."""
    assignment = participation.assignment
    if assignment.status != AssignmentStatus.PLANNED or not assignment.type.records_reach:
        return None
    current = ReportLine.objects.filter(participation=OuterRef("pk"), sign=1, superseded=False)
    others = assignment.participations.exclude(pk=participation.pk)
    return None if others.filter(~Exists(current)).exists() else assignment


def reports_by_participation(assignment: Assignment) -> dict[int, ReportLine]:
    """The current line of each expert on the assignment who has reported, by participation
    id: who has reported, for the coordinator's assignment page. One query."""
    return {
        line.participation_id: line
        for line in ReportLine.objects.filter(
            participation__assignment=assignment, sign=1, superseded=False
        )
    }


def reported_expert_names(assignment: Assignment, expert_ids) -> list[str]:
    """Of these experts on the assignment, those who have reported it (so stay on it)."""
    participations = assignment.participations.filter(
        expert_id__in=expert_ids, report_lines__isnull=False
    ).select_related("expert")
    return sorted({p.expert.full_name for p in participations})


def has_pending_lines(assignment: Assignment) -> bool:
    """Whether experts' reports of the assignment wait for approval or are approved."""
    return ReportLine.objects.filter(
        participation__assignment=assignment,
        sign=1,
        superseded=False,
        status__in=[LineStatus.SUBMITTED, LineStatus.APPROVED],
    ).exists()


# How far back My page asks for reports: older work is history (perhaps imported from the
# spreadsheets and paid outside Kokemus), which an expert must not be nudged to report again.
REPORT_REMINDER_DAYS = 60


def reminders_since(today: datetime.date) -> datetime.date:
    """The day before the first whose work My page asks to be reported."""
    return today - datetime.timedelta(days=REPORT_REMINDER_DAYS)


def unreported_among(days: list[WorkDay], today: datetime.date) -> list[Participation]:
    """Of an expert's work (agreements.selectors.work_days_of_expert, read ``since``
    reminders_since(today) at the latest), the assignments of the last REPORT_REMINDER_DAYS,
    not cancelled, with no report yet or a returned one, oldest first (at most 20), each with
    ``returned``: what My page asks them to report. One query."""
    first = reminders_since(today)
    recent = [
        day.pk for day in days if first < day.date <= today and day.status in COUNTED_STATUSES
    ]
    current = ReportLine.objects.filter(participation=OuterRef("pk"), sign=1, superseded=False)
    return list(
        Participation.objects.filter(pk__in=recent)
        .annotate(returned=Exists(current.filter(status=LineStatus.RETURNED)))
        .filter(Q(returned=True) | ~Exists(current))
        .select_related("assignment")
        .order_by("assignment__date", "pk")[:20]
    )


def waiting_count() -> int:
    return ReportLine.objects.filter(status=LineStatus.SUBMITTED).count()


# --- Payroll runs: totals per expert and class ------------------------------------------------


@dataclass
class Totals:
    lines: int = 0
    hours: Decimal = Decimal("0.00")
    hourly: Decimal = Decimal("0.00")
    assignment_fees: Decimal = Decimal("0.00")
    travel: Decimal = Decimal("0.00")
    other: Decimal = Decimal("0.00")

    @property
    def fees(self) -> Decimal:
        return self.hourly + self.assignment_fees

    @property
    def total(self) -> Decimal:
        return self.fees + self.travel + self.other

    def add(self, other: "Totals") -> None:
        self.lines += other.lines
        self.hours += other.hours
        self.hourly += other.hourly
        self.assignment_fees += other.assignment_fees
        self.travel += other.travel
        self.other += other.other


@dataclass
class ExpertTotals:
    expert: Expert
    by_class: dict[str, Totals] = field(default_factory=dict)
    totals: Totals = field(default_factory=Totals)

    @property
    def ordered_classes(self) -> list[tuple[str, Totals]]:
        """(class code, totals) in a fixed order: wage first."""
        return [
            (code, self.by_class[code]) for code in PayrollClass.values if code in self.by_class
        ]

    @property
    def classes(self) -> list[tuple[str, Totals]]:
        """(label, totals) in the same order, for pages."""
        return [(PayrollClass(code).label, totals) for code, totals in self.ordered_classes]


@dataclass
class RunSummary:
    experts: list[ExpertTotals]
    by_class: dict[str, Totals]
    totals: Totals

    @property
    def classes(self) -> list[tuple[str, Totals]]:
        return [
            (PayrollClass(code).label, self.by_class[code])
            for code in PayrollClass.values
            if code in self.by_class
        ]


def _signed_hours() -> Sum:
    return Sum(F("sign") * F("hours"))


def summarise(lines: QuerySet[ReportLine]) -> RunSummary:
    """Totals per expert and payroll class, then per class and in all: two queries.

    Euros come from sums of whole cents, so every column adds up to the cent as printed.
    """
    return summary_of(class_sums(lines))


def run_summary(run: PayrollRun) -> RunSummary:
    """A run's totals: an exported run's from the sums kept at its export (its lines never
    change again; at 1M assignments they took ~160 ms to add up), a draft's added up now."""
    return summary_of(run.sums if run.sums is not None else class_sums(run.lines.all()))


def class_sums(lines: QuerySet[ReportLine]) -> list[dict]:
    """The lines' sums per expert and payroll class, as PayrollRun.sums keeps them (JSON): the
    expert's id, the class, the number of lines, the hours (text) and the euro columns in whole
    cents. One aggregate query."""
    rows = (
        lines.annotate(**line_amounts(), paid_as=line_class())
        .values("participation__expert_id", "paid_as")
        .annotate(
            count=Count("pk"),
            hours_sum=_signed_hours(),
            hourly=Sum("hourly_cents"),
            per_assignment=Sum("assignment_fee_cents"),
            travel=Sum("travel_cents"),
            other=Sum("other_cents"),
        )
        .order_by()
    )
    return [
        {
            "expert": row["participation__expert_id"],
            "paid_as": row["paid_as"],
            "lines": row["count"],
            "hours": str(cents(row["hours_sum"])),
            **{key: int(row[key] or 0) for key in ("hourly", "per_assignment", "travel", "other")},
        }
        for row in rows
    ]


def summary_of(sums: list[dict]) -> RunSummary:
    """class_sums as a RunSummary, by the experts' names as they are now (an expert anonymised
    since shows anonymised), each expert's classes in a fixed order: one query."""
    experts = (
        Expert.objects.filter(pk__in={row["expert"] for row in sums})
        .only("first_name", "last_name", "anonymised_at", "external_id")
        .order_by("last_name", "first_name", "pk")  # as the database collates names
    )
    by_expert = {expert.pk: ExpertTotals(expert) for expert in experts}
    by_class: dict[str, Totals] = defaultdict(Totals)
    totals = Totals()
    for row in sums:
        figures = Totals(
            lines=row["lines"],
            hours=Decimal(row["hours"]),
            hourly=euros(row["hourly"]),
            assignment_fees=euros(row["per_assignment"]),
            travel=euros(row["travel"]),
            other=euros(row["other"]),
        )
        expert = by_expert[row["expert"]]
        expert.by_class[row["paid_as"]] = figures
        expert.totals.add(figures)
        by_class[row["paid_as"]].add(figures)
        totals.add(figures)
    return RunSummary(list(by_expert.values()), dict(by_class), totals)


def run_lines(run: PayrollRun) -> QuerySet[ReportLine]:
    """Every line of a run with what the files print, in one query, in a fixed order (so the
    same run gives the same file)."""
    return (
        ReportLine.objects.filter(run=run)
        .select_related(
            "participation__expert",
            "participation__assignment__type",
            "agreement",
        )
        .annotate(**line_amounts(), paid_as=line_class())
        .order_by(
            "participation__expert__last_name",
            "participation__expert__first_name",
            "participation__expert_id",
            "participation__assignment__date",
            "pk",
        )
    )


def runs() -> QuerySet[PayrollRun]:
    return (
        PayrollRun.objects.select_related("created_by", "exported_by")
        .defer("sums")  # at 1M assignments ~50 kB of JSON a run, which a list does not show
        .annotate(line_count=Count("lines"))
    )


def month_preview(month: datetime.date) -> RunSummary:
    """What a run of ``month`` would pay now (payroll.services.payable_lines)."""
    from payroll.services import payable_lines

    return summarise(payable_lines(month))


def run_experts(run: PayrollRun) -> QuerySet[Expert]:
    return Expert.objects.filter(participations__report_lines__run=run).distinct()


def runs_paying(expert: Expert) -> QuerySet[PayrollRun]:
    """The exported runs that paid the expert, newest first, for their statements."""
    paid = ReportLine.objects.filter(participation__expert=expert, run__isnull=False)
    return (
        PayrollRun.objects.filter(status=RunStatus.EXPORTED, pk__in=paid.values("run_id"))
        .defer("sums")  # not shown
        .order_by("-month")
    )


# --- Earnings limits -----------------------------------------------------------------------

# The share of a limit from which Kokemus warns (90 %); at 100 % the limit is passed.
NEAR_SHARE = Decimal("0.90")


@dataclass(frozen=True)
class PeriodPosition:
    """An expert's fees in one period against their limit for it (euros)."""

    period: str  # "month" or "year"
    limit: Decimal
    booked: Decimal  # planned or done work not reported yet: its estimated fee
    reported: Decimal  # reported lines not yet paid
    paid: Decimal  # lines in exported runs

    @property
    def used(self) -> Decimal:
        return self.booked + self.reported + self.paid

    @property
    def share(self) -> Decimal:
        return (self.used / self.limit).quantize(Decimal("0.001"))

    @property
    def percent(self) -> int:
        return int((self.share * 100).to_integral_value())

    @property
    def level(self) -> str:
        """ok, near (from 90 %) or over (from 100 %)."""
        if self.used >= self.limit:
            return "over"
        return "near" if self.share >= NEAR_SHARE else "ok"

    @property
    def left(self) -> Decimal:
        return max(self.limit - self.used, Decimal("0.00"))

    def plus(self, extra: Decimal) -> "PeriodPosition":
        return PeriodPosition(
            self.period, self.limit, self.booked + extra, self.reported, self.paid
        )


@dataclass(frozen=True)
class EarningsPosition:
    """``earnings_position``'s answer: the limit record and each period that has a limit."""

    expert_id: int
    limit: EarningsLimit
    day: datetime.date
    month: PeriodPosition | None
    year: PeriodPosition | None

    @property
    def periods(self) -> list[PeriodPosition]:
        return [p for p in (self.month, self.year) if p is not None]

    @property
    def level(self) -> str:
        levels = {p.level for p in self.periods}
        return next((level for level in ("over", "near") if level in levels), "ok")


def _period_sums(expert_ids, day: datetime.date) -> dict[int, dict[str, dict[str, int]]]:
    """For each expert, cents booked, reported and paid in the month of ``day`` and in its
    year, by the month of the work (the assignment's date). Two aggregate queries."""
    first = day.replace(day=1)
    after = next_month(first)
    year = day.year
    in_month = Q(date__gte=first, date__lt=after)
    sums = defaultdict(lambda: {"month": defaultdict(int), "year": defaultdict(int)})

    lines = (
        ReportLine.objects.filter(
            participation__expert_id__in=expert_ids,
            participation__assignment__date__year=year,
        )
        .annotate(
            cents=line_amounts()["fee_cents"],
            date=F("participation__assignment__date"),
            paid=Case(
                When(run__status=RunStatus.EXPORTED, then=Value(1)),
                default=Value(0),
            ),
        )
        .values("participation__expert_id", "paid")
        .annotate(
            year_cents=Sum("cents"),
            month_cents=Sum(
                Case(When(in_month, then="cents"), default=0, output_field=BigIntegerField())
            ),
        )
    )
    for row in lines:
        kind = "paid" if row["paid"] else "reported"
        mine = sums[row["participation__expert_id"]]
        mine["year"][kind] += row["year_cents"] or 0
        mine["month"][kind] += row["month_cents"] or 0

    unreported = (
        Participation.objects.filter(
            expert_id__in=expert_ids,
            assignment__date__year=year,
            assignment__status__in=COUNTED_STATUSES,
        )
        .filter(~Exists(ReportLine.objects.filter(participation=OuterRef("pk"))))
        .annotate(cents=fee_cents(), date=F("assignment__date"))
        .values("expert_id")
        .annotate(
            year_cents=Sum("cents"),
            month_cents=Sum(
                Case(When(in_month, then="cents"), default=0, output_field=BigIntegerField())
            ),
        )
    )
    for row in unreported:
        mine = sums[row["expert_id"]]
        mine["year"]["booked"] += row["year_cents"] or 0
        mine["month"]["booked"] += row["month_cents"] or 0
    return sums


def _position(limit: EarningsLimit, day: datetime.date, sums) -> EarningsPosition:
    def period(name: str, amount: Decimal | None) -> PeriodPosition | None:
        if amount is None:
            return None
        cents = sums[name]
        return PeriodPosition(
            name,
            amount,
            booked=euros(cents["booked"]),
            reported=euros(cents["reported"]),
            paid=euros(cents["paid"]),
        )

    return EarningsPosition(
        limit.expert_id,
        limit,
        day,
        month=period("month", limit.monthly_limit),
        year=period("year", limit.yearly_limit),
    )


def earnings_positions(expert_ids, day: datetime.date) -> dict[int, EarningsPosition]:
    """``earnings_position`` for many experts in three queries; experts without a limit are
    not in the map."""
    return positions_of(EarningsLimit.objects.filter(expert_id__in=list(expert_ids)), day)


def positions_of(limits, day: datetime.date) -> dict[int, EarningsPosition]:
    """The positions of these limits (a queryset or list) in two queries more."""
    limits = list(limits)
    if not limits:
        return {}
    sums = _period_sums([limit.expert_id for limit in limits], day)
    return {limit.expert_id: _position(limit, day, sums[limit.expert_id]) for limit in limits}


def earnings_position(expert: Expert, day: datetime.date) -> EarningsPosition | None:
    """The expert's fees in the month and the year of ``day`` against their earnings limit
    (None: no limit recorded). ``month`` and ``year`` each hold ``limit``, ``used`` (booked +
    reported + paid, euros) and ``share`` (used / limit). Coordinators only, and the expert
    themselves; never in any report."""
    return earnings_positions([expert.pk], day).get(expert.pk)


def warnings_for(position: EarningsPosition, name: str, extra: Decimal = Decimal(0)) -> list[str]:
    """The warnings for one expert (``name`` as the page shows them): a period at 90 % of its
    limit or more, with ``extra`` euros added (an offer not yet booked)."""
    messages = []
    for period in position.periods:
        after = period.plus(extra)
        values = {
            "expert": name,
            "percent": after.percent,
            "used": number_format(after.used, 2, force_grouping=True),
            "limit": number_format(after.limit, 2, force_grouping=True),
        }
        if after.level == "over" and period.period == "month":
            text = _(
                "%(expert)s passes their monthly earnings limit: %(used)s € of %(limit)s € "
                "(%(percent)s %%)."
            )
        elif after.level == "over":
            text = _(
                "%(expert)s passes their yearly earnings limit: %(used)s € of %(limit)s € "
                "(%(percent)s %%)."
            )
        elif after.level == "near" and period.period == "month":
            text = _(
                "%(expert)s reaches %(percent)s %% of their monthly earnings limit: %(used)s € "
                "of %(limit)s €."
            )
        elif after.level == "near":
            text = _(
                "%(expert)s reaches %(percent)s %% of their yearly earnings limit: %(used)s € "
                "of %(limit)s €."
            )
        else:
            continue
        messages.append(text % values)
    return messages


def earnings_warnings(
    *, expert: Expert, day: datetime.date, extra: Decimal = Decimal(0)
) -> list[str]:
    """Translated warnings, none when the expert is below 90 % of each limit (or has none):
    for a booking already saved (``extra`` 0) or an offer of ``extra`` euros more. They warn,
    never block."""
    position = earnings_position(expert, day)
    return warnings_for(position, expert.full_name, extra) if position else []


def offer_fee(*, expert: Expert, day: datetime.date, hours: Decimal) -> Decimal:
    """The fee an offer of ``hours`` on ``day`` would bring under the expert's covering
    agreement (agreements.fees arithmetic); 0 without one."""
    agreement = covering_agreements_by_expert(expert_ids=[expert.pk], day=day).get(expert.pk)
    if agreement is None:
        return Decimal("0.00")
    return euros(fee_cents_value(hours, agreement.hourly_fee, agreement.assignment_fee))


def offer_warnings(*, expert: Expert, day: datetime.date, hours: Decimal) -> list[str]:
    """The warnings of an offer (request issue): as ``earnings_warnings`` with the offer's fee
    added."""
    return earnings_warnings(
        expert=expert, day=day, extra=offer_fee(expert=expert, day=day, hours=hours)
    )


def booking_warnings(assignment: Assignment) -> list[str]:
    """After an assignment is saved: a warning for each expert on it at 90 % of a limit or
    more in the assignment's month or year. Four queries."""
    experts = {p.expert_id: p.expert for p in assignment.participations.select_related("expert")}
    positions = earnings_positions(experts.keys(), assignment.date)
    return [
        message
        for expert_id, position in positions.items()
        for message in warnings_for(position, experts[expert_id].full_name)
    ]


def run_warnings(run: PayrollRun) -> list[tuple[Expert, str]]:
    """The run's experts at 90 % of a limit or more in the run's month or year: (expert,
    warning), so that the page can record whose fees it showed.

    Read from the limits of the run's experts (the few who have one) with those experts, not
    from every expert of the run: that was a month's ~470 whole rows (~20 ms)."""
    limits = list(
        EarningsLimit.objects.filter(expert__in=run_experts(run).values("pk")).select_related(
            "expert"
        )
    )
    experts = {limit.expert_id: limit.expert for limit in limits}
    positions = positions_of(limits, run.month)
    return [
        (experts[expert_id], message)
        for expert_id, position in sorted(positions.items())
        for message in warnings_for(position, experts[expert_id].full_name)
    ]


def experts_near_limit(day: datetime.date) -> list[tuple[Expert, EarningsPosition]]:
    """Experts within 10 % of a limit (or past it) in the month or year of ``day``, for the
    coordinator's dashboard, most used first. Three queries however many experts."""
    limits = list(
        EarningsLimit.objects.filter(expert__anonymised_at__isnull=True).select_related("expert")
    )
    experts = {limit.expert_id: limit.expert for limit in limits}
    near = [(pk, p) for pk, p in positions_of(limits, day).items() if p.level != "ok"]
    near.sort(key=lambda item: -max(period.share for period in item[1].periods))
    return [(experts[pk], position) for pk, position in near]


def limits_for_list() -> QuerySet[EarningsLimit]:
    return EarningsLimit.objects.select_related("expert", "recorded_by").order_by(
        "expert__last_name", "expert__first_name", "pk"
    )


# --- Paid work: the monthly report and the fee statement ------------------------------------


def line_payments() -> QuerySet[ReportLine]:
    """Every hours report line as ``(participation, fee, travel, other)``: what it pays in
    cents if approved (a reversal with its sign), else 0. A participation with any line pays
    the sum of its lines, not its recorded hours (reporting.selectors sums them per
    participation in its one statement). Every line of a participation is in its assignment's
    month, and its lines sum to at least 0 (a reversal takes back an approved line)."""
    approved = Q(status=LineStatus.APPROVED)
    amounts = line_amounts()
    return ReportLine.objects.annotate(
        **{
            name: Case(
                When(approved, then=amounts[f"{name}_cents"]),
                default=Value(0),
                output_field=BigIntegerField(),
            )
            for name in ("fee", "travel", "other")
        }
    ).values_list("participation", "fee", "travel", "other")


def fees_of_expert(expert: Expert, year: int) -> dict:
    """The expert's paid work of ``year``, one line per assignment under its month, with each
    month's and the year's totals: the fee statement (``{"year", "months": [{"month_start",
    "lines", "totals"}], "totals", "agreements"}``).

    A line is the assignment's approved hours reports (a paid line, its reversal and its
    correction net out), or, if nobody reported it, the done participation at its recorded
    hours (history, work from before hours reports), both by agreements.fees arithmetic in
    whole cents. One query.
    """
    approved = Q(report_lines__status=LineStatus.APPROVED)
    amounts = line_amounts("report_lines__")
    participations = (
        # the year as a range of the days index: a first day in the year ends on or after 1.1.
        Participation.objects.filter(
            expert=expert, last_day__gte=datetime.date(year, 1, 1), first_day__year=year
        )
        .select_related("assignment__type", "agreement")
        .annotate(
            line_count=Count("report_lines"),
            approved_count=Count("report_lines", filter=approved),
            approved_hours=Sum(F("report_lines__sign") * F("report_lines__hours"), filter=approved),
            approved_cents=Sum(amounts["fee_cents"], filter=approved),
            recorded_hours=worked_hours(),
            recorded_cents=fee_cents(),
        )
        .order_by("assignment__date", "assignment__start_time", "assignment_id", "pk")
    )
    months = {}
    for participation in participations:
        done = participation.assignment.status == AssignmentStatus.DONE
        if participation.approved_count:
            worked, fee = participation.approved_hours, participation.approved_cents
        elif done and not participation.line_count:
            worked, fee = participation.recorded_hours, participation.recorded_cents
        else:
            continue  # reported but not approved yet, or not done: nothing paid
        participation.worked, participation.fee = cents(worked), euros(fee)
        first = participation.assignment.date.replace(day=1)
        months.setdefault(first, {"month_start": first, "lines": []})["lines"].append(participation)
    for month in months.values():
        month["totals"] = _fee_totals(month["lines"])
    lines = [line for month in months.values() for line in month["lines"]]
    agreements = {line.agreement_id: line.agreement for line in lines if line.agreement_id}
    return {
        "year": year,
        "months": list(months.values()),
        "totals": _fee_totals(lines),
        "agreements": sorted(agreements.values(), key=lambda agreement: agreement.number),
    }


def _fee_totals(lines: list[Participation]) -> dict:
    """The lines added up as printed (exact: each is whole cents)."""
    return {
        "assignments": len(lines),
        "hours": sum((line.worked for line in lines), Decimal("0.00")),
        "fees": sum((line.fee for line in lines), Decimal("0.00")),
    }


def fee_years_of_expert(expert: Expert) -> list[int]:
    """Years in which the expert has done assignments or approved hours reports, newest first.

    The years of any work of theirs come from the days index alone; then one statement asks of
    each year whether it has such work, reading the index from the year's start up to the
    first found (a year without any reads the expert's later days). Asking it of every
    participation at once joined each to its assignment and lines (30–35 ms after ten years).
    """
    years = [d.year for d in Participation.objects.filter(expert=expert).dates("first_day", "year")]
    if not years:
        return []
    each_year = ", ".join(["(%s, %s, %s)"] * len(years))
    params = [
        value
        for year in years
        for value in (year, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _PAID_YEARS.format(years=each_year),
            [*params, expert.pk, AssignmentStatus.DONE, LineStatus.APPROVED],
        )
        paid = {int(year) for year, found in cursor.fetchall() if found}
    return [year for year in reversed(years) if year in paid]


# Of each year given, whether the expert has paid work in it: the days index read in order
# from the year's start (a year's work ends in it or later) up to the first such work. (As an
# EXISTS, PostgreSQL dropped the order and read every later day of the expert's for each year.)
_PAID_YEARS = f"""
    WITH years (year, starts, ends) AS (VALUES {{years}})
    SELECT year, (
        SELECT 1 FROM {Participation._meta.db_table} p
        JOIN {Assignment._meta.db_table} a ON a.id = p.assignment_id
        WHERE p.expert_id = %s AND p.last_day >= years.starts
            AND p.first_day BETWEEN years.starts AND years.ends
            AND (a.status = %s OR EXISTS (
                SELECT 1 FROM {ReportLine._meta.db_table} l
                WHERE l.participation_id = p.id AND l.status = %s
            ))
        ORDER BY p.last_day LIMIT 1
    ) FROM years
"""


def line_prefetch() -> Prefetch:
    """Each participation's current line, for pages that list participations."""
    return Prefetch(
        "report_lines",
        queryset=ReportLine.objects.filter(sign=1, superseded=False),
        to_attr="current_lines",
    )
