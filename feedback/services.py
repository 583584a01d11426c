"""Every write about feedback: asking for it, the expert's reflection, the professional's
answer, a coordinator clearing a reflection from the dashboard, stopping a link."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Assignment, AssignmentStatus, Participation
from feedback import notices
from feedback.models import FeedbackLink, ProfessionalFeedback, Reflection
from kokemus.private_links import expiry_after

# How long the professional's link works after it is sent (days).
FEEDBACK_LINK_DAYS = 30
# How long an expert may change their reflection after first giving it (days).
REFLECTION_EDIT_DAYS = 14


@transaction.atomic
def ask_for_feedback(*, assignment: Assignment) -> int:
    """Once an assignment is done: each expert on it is asked for their reflection and the
    contact professional (with an e-mail) gets a feedback link; how many messages were new.

    Idempotent: whoever was asked before is not asked again (notices.py), and the contact's
    link is made once. The assignment's row is locked, so two saves at once make one link.
    A former contact's link stops working whatever the status."""
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=assignment.pk)
    )
    _stop_former_contacts_links(locked)
    if locked.status != AssignmentStatus.DONE:
        return 0
    recorded = notices.reflections_asked(assignment=locked)
    link = _contact_link(locked)
    if link is not None:
        recorded += notices.feedback_asked(link=link)
    return recorded


def _stop_former_contacts_links(assignment: Assignment) -> int:
    """The link belongs to the contact: when the contact changes (say the first was the wrong
    person), the former contact's link stops. An answer they already gave stays."""
    return (
        assignment.feedback_links.filter(revoked_at__isnull=True)
        .exclude(professional_id=assignment.contact_id)
        .update(revoked_at=timezone.now())
    )


def _contact_link(assignment: Assignment) -> FeedbackLink | None:
    """The contact professional's link: the one made for them before (even one since stopped:
    a coordinator stopped it on purpose), else a new one if they have an e-mail address."""
    contact = assignment.contact
    if contact is None or not contact.email.strip():
        return None
    made = assignment.feedback_links.filter(professional=contact).order_by("pk").first()
    if made is not None:
        return None if made.revoked_at else made
    expires_at = expiry_after(timezone.localdate(), FEEDBACK_LINK_DAYS)
    return FeedbackLink.objects.create(
        assignment=assignment, professional=contact, expires_at=expires_at
    )


# --- The expert's reflection ---------------------------------------------------------------


def reflection_editable(reflection: Reflection | None, now: datetime.datetime) -> bool:
    """A reflection may be given any time after the work, and changed for a while after."""
    if reflection is None or reflection.pk is None:
        return True
    return now < reflection.created_at + datetime.timedelta(days=REFLECTION_EDIT_DAYS)


@transaction.atomic
def reflection_save(
    *,
    participation: Participation,
    how_it_went: str,
    load: int,
    wants_talk: bool,
    now: datetime.datetime | None = None,
) -> Reflection:
    """Give or change the expert's reflection on their done assignment. One that asks for a
    talk or reports a high load comes (back) on the coordinator's dashboard."""
    now = now or timezone.now()
    if participation.assignment.status != AssignmentStatus.DONE:
        raise ValidationError(_("You can reflect on a done assignment only."))
    reflection = Reflection.objects.select_for_update().filter(
        participation=participation
    ).first() or Reflection(participation=participation)
    if not reflection_editable(reflection, now):
        raise ValidationError(
            _("A reflection can be changed for %(days)s days after it was given.")
            % {"days": REFLECTION_EDIT_DAYS}
        )
    reflection.how_it_went = how_it_went.strip()
    reflection.load = load
    reflection.wants_talk = wants_talk
    if reflection.calls_for_attention:
        reflection.handled_at = reflection.handled_by = None
    reflection.full_clean(exclude=["participation"])
    reflection.save()
    return reflection


@transaction.atomic
def reflection_handle(*, reflection: Reflection, by, now: datetime.datetime | None = None) -> bool:
    """A coordinator has talked with the expert or otherwise seen to it: the reflection leaves
    the dashboard. False if someone had already marked it."""
    updated = Reflection.objects.filter(pk=reflection.pk, handled_at__isnull=True).update(
        handled_at=now or timezone.now(), handled_by=by
    )
    return bool(updated)


# --- The professional's feedback -----------------------------------------------------------


@transaction.atomic
def professional_feedback_give(
    *, link: FeedbackLink, rating: int, comment: str
) -> ProfessionalFeedback:
    """The one answer a link takes; a second (another tab, a double click) is refused."""
    locked = FeedbackLink.objects.select_for_update().get(pk=link.pk)
    if ProfessionalFeedback.objects.filter(link=locked).exists():
        raise ValidationError(_("Feedback has already been given through this link. Thank you!"))
    feedback = ProfessionalFeedback(
        assignment_id=locked.assignment_id, link=locked, rating=rating, comment=comment.strip()
    )
    feedback.full_clean(exclude=["link", "assignment"])
    feedback.save()
    return feedback


@transaction.atomic
def links_revoke(*, assignment: Assignment, now: datetime.datetime | None = None) -> int:
    """Stop the assignment's feedback links (e.g. one went to a wrong address); how many."""
    return assignment.feedback_links.filter(revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
