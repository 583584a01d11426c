"""Who is asked for feedback after a done assignment, by e-mail (notifications app).

Each expert on it is asked for their reflection, with the address of the form in their portal;
the contact professional, who has no login, gets their private feedback link. Each message is
recorded once: its event names the assignment and the expert (or the link), so an assignment
saved again, or returned to planned and done again, asks nobody twice.
"""

from django.conf import settings
from django.urls import reverse

from agreements.models import Assignment
from feedback.models import FeedbackLink
from notifications.models import Kind, Preference
from notifications.outbox import Notice, Recipient, expert_recipients, record, without_recorded


def reflections_asked(*, assignment: Assignment) -> int:
    experts = [p.expert for p in assignment.participations.select_related("expert__user")]
    url = reverse("reflections:reflection_form", args=[assignment.pk])
    notices = [
        Notice(
            event=f"reflection:assignment-{assignment.pk}:expert-{expert_id}",
            kind=Kind.REFLECTION,
            to=to,
            template="reflection_asked",
            context={"assignment": assignment, "url": url},
        )
        for expert_id, to in expert_recipients(experts).items()
    ]
    return record(without_recorded(notices))


def feedback_asked(*, link: FeedbackLink) -> int:
    """The professional's link, in the organisation's language (they chose none)."""
    professional = link.professional
    to = Recipient(
        professional.email.strip(),
        professional.first_name,
        None,
        Preference(language=settings.LANGUAGE_CODE),
    )
    notice = Notice(
        event=f"feedback_request:assignment-{link.assignment_id}:link-{link.pk}",
        kind=Kind.FEEDBACK_REQUEST,
        to=to,
        template="feedback_asked",
        context={
            "assignment": link.assignment,
            "link": link,
            "url": reverse("professional_feedback:form", args=[link.token]),
        },
    )
    return record(without_recorded([notice]))
