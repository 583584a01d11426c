"""Which experts suit a request, why each one does, and in which order the page lists them.

An expert is suggested when all of these hold:

1. a signed agreement covers the request's date (agreements.selectors.agreements_covering);
2. where the request names an experience area: the expert has it under a valid consent (a
   withdrawn consent deletes its areas, and is excluded here as well, so its areas never count);
3. within reach: the request is remote, or the expert lives in its municipality;
4. the expert works in the request's language;
5. not booked at that time: no planned or done assignment that overlaps it (registry.Expert
   rows that are anonymised or inactive never appear).

An expert whose earnings limit the request's fee would reach (orders.earnings) is still listed,
flagged and last, and is left out of an open call. The order spreads the work: fewest
assignments in the request's month first, then the longest since their last one.

The list costs the same few queries for 10 or 1,000 experts: one for the candidates with their
counts, one for their bookings around the date, one for their agreements.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agreements.fees import euros
from agreements.models import COUNTED_STATUSES, Agreement, Participation
from agreements.rules import covering_agreement
from agreements.selectors import agreements_covering
from kokemus.lists import next_month
from orders.earnings import Headroom, earnings_headroom
from orders.models import Mode, Request
from registry.models import Expert, ExpertExperience, ExpertStatus, Language, speaks

ORDER_EXPLANATION = gettext_lazy(
    "Fewest assignments in the request's month first, to spread the work fairly; then the "
    "longest time since their last assignment."
)


@dataclass(frozen=True)
class Slot:
    """When something takes place: its date(s), and its start time and hours if known."""

    date: datetime.date
    end_date: datetime.date | None
    start_time: datetime.time | None
    hours: Decimal

    @property
    def last_date(self) -> datetime.date:
        return self.end_date or self.date

    def overlaps(self, other: "Slot") -> bool:
        """Whether the two share any time. Without both start times, or over several days, a
        shared day counts as a clash: better one suggestion less than a double booking."""
        if self.last_date < other.date or other.last_date < self.date:
            return False
        if self.end_date or other.end_date or self.start_time is None or other.start_time is None:
            return True
        if self.date != other.date:
            return False
        start, other_start = (
            datetime.datetime.combine(self.date, self.start_time),
            datetime.datetime.combine(other.date, other.start_time),
        )
        end = start + datetime.timedelta(hours=float(self.hours))
        other_end = other_start + datetime.timedelta(hours=float(other.hours))
        return start < other_end and other_start < end


def slot_of(order: Request) -> Slot:
    return Slot(order.date, order.end_date, order.start_time, order.hours)


@dataclass
class Suggestion:
    """A matching expert with the reasons they match, in the page's order.

    The reasons and warnings are written when first read: the page shows the first 30 of
    what may be hundreds (their dates and translations were a quarter of its time)."""

    order: Request = field(repr=False)
    expert: Expert
    agreement: Agreement
    month_count: int
    last_date: datetime.date | None
    fee_cents: int
    headroom: Headroom | None = None

    @property
    def at_earnings_limit(self) -> bool:
        return self.headroom is not None and self.headroom.is_passed_by(self.fee_cents)

    @cached_property
    def reasons(self) -> list[str]:
        return _reasons(self.order, self)

    @cached_property
    def warnings(self) -> list[str]:
        return _warnings(self)

    def sort_key(self):
        return (
            self.at_earnings_limit,
            self.month_count,
            self.last_date or datetime.date.min,
            self.expert.last_name,
            self.expert.first_name,
            self.expert.pk,
        )


def candidates(order: Request) -> QuerySet[Expert]:
    """The experts who meet criteria 1–4 (the database's part)."""
    experts = Expert.objects.filter(
        Exists(agreements_covering(order.date).filter(expert=OuterRef("pk"))),
        speaks(order.language),
        anonymised_at__isnull=True,
        status=ExpertStatus.ACTIVE,
    )
    if order.experience_area_id:
        consented = ExpertExperience.objects.filter(
            expert=OuterRef("pk"),
            area_id=order.experience_area_id,
            consent__withdrawn_at__isnull=True,
        )
        experts = experts.filter(Exists(consented))
    if order.mode == Mode.ON_SITE:
        experts = experts.filter(municipality__iexact=order.municipality.strip())
    return experts.select_related("user")


# How far back work_of first looks for an expert's last assignment; older ones are looked up
# only for the experts without one in this window (most experts have one in it).
RECENT_WORK_DAYS = 60


def work_of(order: Request, experts: QuerySet[Expert]) -> dict[int, tuple[int, datetime.date]]:
    """Each expert's counted assignments in the request's month and their last one before its
    day: as subqueries per expert they cost 0.4 s at 100k assignments, and grouped over the
    whole history 0.1 s. The recent weeks (which hold the month) give both for most experts
    in one grouped query; a second looks further back only for the experts (``experts`` as
    evaluated) without work in them, and is left out when there are none."""
    first = order.date.replace(day=1)
    since = min(first, order.date - datetime.timedelta(days=RECENT_WORK_DAYS))
    recent = _counted_work(expert__in=experts.values("pk")).filter(
        assignment__date__gte=since, assignment__date__lt=next_month(first)
    )
    work = {
        expert_id: (count, last)
        for expert_id, count, last in recent.annotate(
            month_count=Count("pk", filter=Q(assignment__date__gte=first)),
            last_date=Max("assignment__date", filter=Q(assignment__date__lt=order.date)),
        ).values_list("expert_id", "month_count", "last_date")
    }
    without_recent = [e.pk for e in experts if work.get(e.pk, (0, None))[1] is None]
    if without_recent:
        earlier = _counted_work(expert__in=without_recent).filter(assignment__date__lt=since)
        for expert_id, last in earlier.annotate(last_date=Max("assignment__date")).values_list(
            "expert_id", "last_date"
        ):
            work[expert_id] = (work.get(expert_id, (0, None))[0], last)
    return work


def _counted_work(**experts) -> QuerySet[Participation]:
    """The participations of the experts (a lookup on ``expert``) that count as work, to be
    grouped by expert."""
    return (
        Participation.objects.filter(assignment__status__in=COUNTED_STATUSES, **experts)
        .values("expert_id")
        .order_by()
    )


def busy_expert_ids(order: Request, experts: QuerySet[Expert]) -> set[int]:
    """Of ``experts``, those booked at a time that overlaps the request (criterion 5). The
    request's own assignment does not count: its experts are booked on it, not elsewhere."""
    slot = slot_of(order)
    bookings = (
        Participation.objects.filter(
            Q(assignment__end_date__isnull=True, assignment__date__gte=order.date)
            | Q(assignment__end_date__gte=order.date),
            expert__in=experts.values("pk"),
            assignment__status__in=COUNTED_STATUSES,
            assignment__date__lte=slot.last_date,
        )
        .exclude(assignment_id=order.assignment_id)
        .values_list(
            "expert_id",
            "assignment__date",
            "assignment__end_date",
            "assignment__start_time",
            "assignment__hours",
        )
    )
    return {expert_id for expert_id, *when in bookings if Slot(*when).overlaps(slot)}


def covering_by_expert(order: Request, experts: QuerySet[Expert]) -> dict[int, Agreement]:
    """Each expert's agreement whose fee applies on the request's date (agreements.rules)."""
    by_expert = defaultdict(list)
    mine = agreements_covering(order.date).filter(expert__in=experts.values("pk"))
    for agreement in mine.order_by("pk"):
        by_expert[agreement.expert_id].append(agreement)
    return {pk: covering_agreement(agreements, order.date) for pk, agreements in by_expert.items()}


def estimated_fee_cents(order: Request, agreement: Agreement) -> int:
    """The request's fee under ``agreement`` (agreements.fees: hours × hourly fee plus the
    per-assignment fee, half up to cents), for the earnings limit."""
    euros = order.hours * agreement.hourly_fee + agreement.assignment_fee
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def suggestions(order: Request) -> list[Suggestion]:
    """The experts to suggest for ``order``, in the page's order, each with their reasons."""
    experts = candidates(order)
    busy = busy_expert_ids(order, experts)
    agreements = covering_by_expert(order, experts)
    headroom = earnings_headroom(experts=experts, day=order.date)
    work = work_of(order, experts)
    found = []
    for expert in experts:
        agreement = agreements.get(expert.pk)
        if expert.pk in busy or agreement is None:
            continue
        month_count, last_date = work.get(expert.pk, (0, None))
        suggestion = Suggestion(
            order=order,
            expert=expert,
            agreement=agreement,
            month_count=month_count,
            last_date=last_date,
            fee_cents=estimated_fee_cents(order, agreement),
            headroom=headroom.get(expert.pk),
        )
        found.append(suggestion)
    return sorted(found, key=Suggestion.sort_key)


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _reasons(order: Request, suggestion: Suggestion) -> list[str]:
    """The reasons the expert matches."""
    expert, agreement = suggestion.expert, suggestion.agreement
    reasons = [
        _("Agreement %(number)s covers %(date)s")
        % {"number": agreement.number, "date": _short(order.date)}
    ]
    if order.experience_area_id:
        reasons.append(
            _("Experience area %(area)s, with consent")
            % {"area": order.experience_area.translated_name}
        )
    if order.mode == Mode.REMOTE:
        reasons.append(_("Remote: the place does not matter"))
    else:
        reasons.append(_("Lives in %(municipality)s") % {"municipality": expert.municipality})
    reasons.append(_("Works in %(language)s") % {"language": Language(order.language).label})
    reasons.append(_("Free at that time"))
    month = date_format(order.date, "F Y")
    reasons.append(
        ngettext(
            "%(count)s assignment in %(month)s",
            "%(count)s assignments in %(month)s",
            suggestion.month_count,
        )
        % {"count": suggestion.month_count, "month": month}
    )
    if suggestion.last_date:
        reasons.append(_("Last assignment %(date)s") % {"date": _short(suggestion.last_date)})
    else:
        reasons.append(_("No earlier assignments"))
    return reasons


def _warnings(suggestion: Suggestion) -> list[str]:
    """What the coordinator should know first."""
    warnings = []
    if suggestion.at_earnings_limit:
        warnings.append(
            _("This assignment would reach their earnings limit (%(left)s € left).")
            % {"left": euros(suggestion.headroom.left_cents)}
        )
    if not suggestion.expert.email.strip():
        warnings.append(_("No e-mail address: tell them yourself."))
    if suggestion.expert.user_id is None:
        warnings.append(_("No login: they cannot answer in Kokemus."))
    return warnings
