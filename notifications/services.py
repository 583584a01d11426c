"""Writes of the notifications app: a user's preferences, an admin's retry."""

from django.db import transaction
from django.utils import timezone

from notifications.models import ALWAYS_SENT, Kind, Preference, Status
from notifications.outbox import request_delivery


@transaction.atomic
def preference_save(
    *, user, language: str, reminder_days: int, turned_off: list[str], digest: bool
) -> Preference:
    preference, _created = Preference.objects.get_or_create(user=user)
    preference.language = language
    preference.reminder_days = reminder_days
    preference.turned_off = sorted(turned_off)
    preference.digest = digest
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def messages_retry(*, messages) -> int:
    """Failed messages go back to the queue with a fresh count of tries (the admin's action)."""
    count = messages.filter(status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(request_delivery)
    return count


def optional_kinds() -> list[str]:
    return [kind for kind in Kind if kind not in ALWAYS_SENT and kind != Kind.DIGEST]


def preference_for(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)
