"""Every write about supervision groups and sessions: one function per business action."""

import datetime
import itertools
from collections.abc import Iterable

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from kokemus.concurrency import claim_version
from registry.models import Expert, Professional
from supervision import notices
from supervision.models import (
    MAX_SERIES_SESSIONS,
    Attendance,
    GroupMembership,
    SeriesRule,
    SessionSeries,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
    TopicProposal,
)


@transaction.atomic
def group_save(
    *,
    group: SupervisionGroup,
    experts: Iterable[Expert],
    professionals: Iterable[Professional],
    today: datetime.date,
    expected_version: int | None = None,
    new_supervisor: str = "",
    supervisor_experience: str | None = None,
) -> SupervisionGroup:
    """Create or update a group with its current members (experts and professionals).

    A member taken off the list who has attended sessions is marked as left today, so the
    group's attendance history stays; one who never attended is simply removed.
    ``expected_version`` is the version the editing form was opened with (optimistic lock).
    ``new_supervisor`` ("First Last") becomes the supervisor: the professional of that name,
    or a new one; ``supervisor_experience`` is recorded on the supervisor the group ends up
    with (None: their recorded experience stays as it is).
    """
    claim_version(group, expected_version)  # first: a stale form hears that it is stale
    if new_supervisor.strip():
        group.supervisor = professional_by_name(new_supervisor)
    if supervisor_experience is not None and group.supervisor is not None:
        group.supervisor.peer_work_experience = supervisor_experience.strip()
        group.supervisor.save(update_fields=["peer_work_experience"])
    group.full_clean()
    group.save()
    _set_members(group, "expert", {expert.pk for expert in experts}, today)
    _set_members(group, "professional", {person.pk for person in professionals}, today)
    return group


def professional_by_name(name: str) -> Professional:
    """The professional of this name, or a new one ("Raija Rinne": the last word is the
    surname, as Finns write it)."""
    *first, last = name.split()
    first_name = " ".join(first)
    person = (
        Professional.objects.filter(first_name__iexact=first_name, last_name__iexact=last)
        .order_by("pk")
        .first()
    )
    if person is None:
        person = Professional(first_name=first_name, last_name=last)
        person.full_clean()
        person.save()
    return person


def _set_members(group: SupervisionGroup, field: str, wanted: set[int], today) -> None:
    memberships = group.memberships.filter(**{f"{field}__isnull": False})
    existing = {getattr(m, f"{field}_id"): m for m in memberships}
    for person_id, membership in existing.items():
        if person_id in wanted and membership.left_on is not None:
            membership.left_on = None  # came back
            membership.save(update_fields=["left_on"])
        elif person_id not in wanted and membership.left_on is None:
            if membership.attendances.exists():
                membership.left_on = max(today, membership.joined_on or today)
                membership.save(update_fields=["left_on"])
            else:
                membership.delete()
    GroupMembership.objects.bulk_create(
        GroupMembership(group=group, **{f"{field}_id": person_id})
        for person_id in wanted - set(existing)
    )


@transaction.atomic
def membership_add(
    *, group: SupervisionGroup, expert: Expert, today: datetime.date
) -> GroupMembership:
    """Add an expert to a group from today; one who left it earlier comes back."""
    if not group.is_active:
        raise ValidationError(
            _("The group %(group)s has ended: choose an active group.") % {"group": group.name}
        )
    membership = (
        GroupMembership.objects.select_for_update().filter(group=group, expert=expert).first()
    )
    if membership is None:
        membership = GroupMembership(group=group, expert=expert, joined_on=today)
    elif membership.left_on is None:
        raise ValidationError(
            _("%(name)s is already a member of %(group)s.")
            % {"name": expert.full_name, "group": group.name}
        )
    else:
        membership.left_on = None  # came back
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def session_save(
    *,
    session: SupervisionSession,
    topics: Iterable[SupervisionTopic],
    member_ids: Iterable[int],
    present_ids: Iterable[int],
    expected_version: int | None = None,
) -> SupervisionSession:
    """Create or update a session with its topics and the attendance of each listed member.

    ``member_ids`` are the group memberships whose attendance the form showed; each gets a row,
    present or absent, so the attendance rate counts the absent too. ``expected_version`` is
    the version the editing form was opened with (optimistic lock).
    """
    claim_version(session, expected_version)  # first: a stale form hears that it is stale
    session.full_clean()
    session.save()
    session.topics.set(topics)
    present = set(present_ids)
    member_ids = set(member_ids)
    session.attendances.exclude(membership_id__in=member_ids).delete()
    existing = {a.membership_id: a for a in session.attendances.all()}
    for membership_id in member_ids:
        attendance = existing.get(membership_id)
        is_present = membership_id in present
        if attendance is None:
            Attendance.objects.create(
                session=session, membership_id=membership_id, present=is_present
            )
        elif attendance.present != is_present:
            attendance.present = is_present
            attendance.save(update_fields=["present"])
    return session


# --- Recurring sessions --------------------------------------------------------------------


def series_dates(series: SessionSeries) -> list[datetime.date]:
    """Every date of the series' rule from its first date, up to its last date or count."""
    if series.rule == SeriesRule.MONTHLY:
        rule = rrule.rrule(
            rrule.MONTHLY,
            byweekday=rrule.weekday(series.weekday, series.nth),
            dtstart=series.first_date,
            until=series.last_date,
            count=series.count,
        )
    else:
        # The first session is the first of the weekday on or after the first date.
        rule = rrule.rrule(
            rrule.WEEKLY,
            interval=series.interval_weeks,
            byweekday=series.weekday,
            dtstart=series.first_date,
            until=series.last_date,
            count=series.count,
        )
    # The rule is open-ended only if both ends were left out, which the model refuses: cap it
    # anyway, so that no mistake loops for ever.
    dates = [moment.date() for moment in itertools.islice(rule, MAX_SERIES_SESSIONS + 1)]
    if len(dates) > MAX_SERIES_SESSIONS:
        raise ValidationError(
            _(
                "The series would make more than %(most)s sessions. Choose an earlier last "
                "date or a number of sessions."
            )
            % {"most": MAX_SERIES_SESSIONS},
            code="too_many_sessions",
        )
    return dates


def _is_open(session: SupervisionSession, today: datetime.date) -> bool:
    """A session a series may still move or remove: still to come and without attendance."""
    return session.date > today and not session.has_attendance


@transaction.atomic
def series_save(
    *,
    series: SessionSeries,
    today: datetime.date,
    expected_version: int | None = None,
) -> SessionSeries:
    """Create or change a series and make its sessions match the rule.

    The series' coming sessions that nobody has recorded attendance for take the new dates in
    order (so their topic proposals go with them), surplus ones are removed and missing ones
    made. Past sessions and those with attendance stay as they are. The expert members get an
    invitation with the coming dates and a cancellation of the removed ones
    (supervision.notices).
    """
    claim_version(series, expected_version)  # first: a stale form hears that it is stale
    series.full_clean()
    dates = series_dates(series)
    is_new = series.pk is None
    series.save()
    sessions = list(
        series.sessions.annotate(
            has_attendance=Exists(Attendance.objects.filter(session=OuterRef("pk")))
        ).order_by("date", "pk")
    )
    open_sessions = [session for session in sessions if _is_open(session, today)]
    kept = {session.date for session in sessions} - {session.date for session in open_sessions}
    # A new series may start today; an existing one leaves today's session as it is.
    wanted = [day for day in dates if (day >= today if is_new else day > today) and day not in kept]
    for session, day in zip(open_sessions, wanted, strict=False):
        _follow_rule(session, series, day)
        session.save()
    removed = open_sessions[len(wanted) :]
    notices.series_cancellations(series=series, sessions=removed, today=today)
    SupervisionSession.objects.filter(pk__in=[session.pk for session in removed]).delete()
    for day in wanted[len(open_sessions) :]:
        session = SupervisionSession(group=series.group, series=series)
        _follow_rule(session, series, day)
        session.full_clean()
        session.save()
    notices.series_invitations(series=series, today=today)
    return series


def _follow_rule(session: SupervisionSession, series: SessionSeries, day: datetime.date) -> None:
    session.date = day
    session.start_time = series.start_time
    session.duration_minutes = series.duration_minutes
    session.location = series.location


@transaction.atomic
def series_end(
    *, series: SessionSeries, today: datetime.date, expected_version: int | None = None
) -> SessionSeries:
    """End a series today: its coming sessions without attendance are removed."""
    series.last_date = max(today, series.first_date)
    series.count = None
    return series_save(series=series, today=today, expected_version=expected_version)


# --- Members: new or experienced, own frequency target -------------------------------------


@transaction.atomic
def membership_update(
    *, membership: GroupMembership, expected_version: int | None = None
) -> GroupMembership:
    """Mark a member new or experienced and set their own target. ``expected_version`` is the
    version the form was opened with: of two coordinators' edits the later is refused."""
    claim_version(membership, expected_version)  # first: a stale form hears that it is stale
    membership.full_clean()
    membership.save(update_fields=["seniority", "target_interval_weeks"])
    return membership


# --- Topic proposals -----------------------------------------------------------------------


@transaction.atomic
def proposal_add(*, session: SupervisionSession, expert: Expert, text: str) -> TopicProposal:
    """An expert member proposes a topic for one of their group's coming sessions (the view
    has found the session among theirs)."""
    proposal = TopicProposal(session=session, proposed_by=expert, text=text.strip())
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_take_up(*, proposal: TopicProposal, taken_up: bool = True) -> TopicProposal:
    proposal.taken_up = taken_up
    proposal.save(update_fields=["taken_up"])
    return proposal
