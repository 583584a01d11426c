"""Recording messages: rendered in the recipient's language, kept unless already recorded.

Callers (each app's notices.py) say who hears of what; this module decides whether the
recipient wants it and writes it to the outbox in the caller's transaction. Delivery happens
after the commit (notifications.delivery), so a rolled-back change sends nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from kokemus.access import Role
from notifications.models import Message, Preference
from notifications.tasks import deliver_outbox
from registry.models import Expert


@dataclass(frozen=True)
class Recipient:
    email: str
    first_name: str
    user: User | None
    preference: Preference = field(compare=False)

    @property
    def language(self) -> str:
        return self.preference.language

    def wants(self, kind: str) -> bool:
        return bool(self.email) and self.preference.wants(kind)


def preferences_of(users: list[User]) -> dict[int, Preference]:
    """The users' preferences in one query; a user without one gets the defaults."""
    ids = [user.pk for user in users if user is not None]
    return {p.user_id: p for p in Preference.objects.filter(user_id__in=ids)}


def recipient(*, email: str, first_name: str, user: User | None, preferences=None) -> Recipient:
    if preferences is None:
        preferences = preferences_of([user])
    preference = preferences.get(user.pk) if user is not None else None
    return Recipient(email.strip(), first_name, user, preference or Preference())


def expert_recipients(experts: list[Expert]) -> dict[int, Recipient]:
    preferences = preferences_of([expert.user for expert in experts])
    return {
        expert.pk: recipient(
            email=expert.email,
            first_name=expert.first_name,
            user=expert.user,
            preferences=preferences,
        )
        for expert in experts
        if expert.anonymised_at is None
    }


def coordinator_recipients() -> list[Recipient]:
    users = list(
        User.objects.filter(Q(groups__name=Role.COORDINATOR) | Q(is_staff=True), is_active=True)
        .exclude(email="")
        .distinct()
    )
    preferences = preferences_of(users)
    return [
        recipient(email=u.email, first_name=u.first_name, user=u, preferences=preferences)
        for u in users
    ]


@dataclass
class Notice:
    """One message to be recorded: ``template`` names notifications/<template>.txt and
    <template>_subject.txt, rendered with ``context`` plus the recipient; the HTML part is the
    same text in notifications/message.html."""

    event: str
    kind: str
    to: Recipient
    template: str
    context: dict
    ics: str = ""
    ics_method: str = ""


def render_text(name: str, context: dict) -> str:
    """A plain-text template without HTML escaping: "O'Brien & co" stays as it is."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render(notice: Notice) -> Message:
    context = {
        **notice.context,
        "recipient": notice.to,
        "site_url": settings.SITE_URL,
        "organisation": settings.ORGANISATION_NAME,
    }
    with translation.override(notice.to.language):
        subject = " ".join(
            render_text(f"notifications/{notice.template}_subject.txt", context).split()
        )
        text = render_text(f"notifications/{notice.template}.txt", context).strip() + "\n"
        html = render_to_string(
            "notifications/message.html", {**context, "subject": subject, "text": text}
        )
    return Message(
        event=notice.event,
        kind=notice.kind,
        to=notice.to.email,
        user=notice.to.user,
        language=notice.to.language,
        subject=subject[:250],
        text=text,
        html=html,
        ics=notice.ics,
        ics_method=notice.ics_method,
        next_attempt_at=timezone.now(),
    )


def record(notices: list[Notice]) -> int:
    """Write the wanted notices to the outbox (one insert); an event already recorded for an
    address is skipped. Delivery is asked for once the caller's transaction commits."""
    messages = [render(notice) for notice in notices if notice.to.wants(notice.kind)]
    if not messages:
        return 0
    Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=500)
    transaction.on_commit(request_delivery)
    return len(messages)


def request_delivery() -> None:
    deliver_outbox.enqueue()


def without_recorded(notices: list[Notice]) -> list[Notice]:
    """The notices not yet in the outbox, found in one query per 1,000 events, so that a
    planner that runs every few minutes renders only what is new."""
    recorded = set()
    events = sorted({notice.event for notice in notices})
    for start in range(0, len(events), 1000):
        recorded.update(
            Message.objects.filter(event__in=events[start : start + 1000]).values_list(
                "event", "to"
            )
        )
    return [notice for notice in notices if (notice.event, notice.to.email) not in recorded]
