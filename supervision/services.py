"""Every write about supervision groups and sessions: one function per business action."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kokemus.concurrency import claim_version
from registry.models import Expert, Professional
from supervision.models import (
    Attendance,
    GroupMembership,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
)


@transaction.atomic
def group_save(
    *,
    group: SupervisionGroup,
    experts: Iterable[Expert],
    professionals: Iterable[Professional],
    today: datetime.date,
    expected_version: int | None = None,
) -> SupervisionGroup:
    """Create or update a group with its current members (experts and professionals).

    A member taken off the list who has attended sessions is marked as left today, so the
    group's attendance history stays; one who never attended is simply removed.
    ``expected_version`` is the version the editing form was opened with (optimistic lock).
    """
    claim_version(group, expected_version)  # first: a stale form hears that it is stale
    group.full_clean()
    group.save()
    _set_members(group, "expert", {expert.pk for expert in experts}, today)
    _set_members(group, "professional", {person.pk for person in professionals}, today)
    return group


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
