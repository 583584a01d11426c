"""Sending the outbox: each message once, retried with backoff, failed after MAX_ATTEMPTS.

A worker claims a batch of due messages with one conditional UPDATE (… WHERE status =
'pending'), which SQLite and PostgreSQL both serialise: of two workers exactly one claims a
message. It sends the batch over one SMTP connection and marks the sent ones in one UPDATE, so
a batch costs the same few queries whatever its size.

The remaining window for a duplicate: a worker that dies after the SMTP server accepted a
message but before it marked it sent. Its claim lapses after CLAIM_TIMEOUT and the message is
sent again. Nothing is ever lost: a message leaves the outbox only as sent or failed.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone

from notifications.models import Message, Status

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next try: 5 minutes, then 10, 20, 40… (attempts made so far)."""
    return settings.EMAIL_RETRY_DELAY * 2 ** (attempts - 1)


def deliver_due(*, batch_size: int = BATCH_SIZE) -> int:
    """Send every message due now, batch by batch; return how many were sent."""
    worker = uuid.uuid4().hex
    release_lapsed_claims()
    sent = 0
    while batch := claim(worker=worker, batch_size=batch_size):
        sent += send(batch)
    return sent


def release_lapsed_claims() -> int:
    """Messages whose worker vanished mid-send go back to the queue."""
    lapsed = timezone.now() - CLAIM_TIMEOUT
    return Message.objects.filter(status=Status.SENDING, claimed_at__lt=lapsed).update(
        status=Status.PENDING, claimed_by=""
    )


def claim(*, worker: str, batch_size: int) -> list[Message]:
    now = timezone.now()
    due = Message.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:batch_size])
    if not ids:
        return []
    Message.objects.filter(pk__in=ids, status=Status.PENDING).update(
        status=Status.SENDING, claimed_by=worker, claimed_at=now
    )
    claimed = Message.objects.filter(pk__in=ids, status=Status.SENDING, claimed_by=worker)
    return list(claimed.order_by("next_attempt_at", "pk"))


def send(batch: list[Message]) -> int:
    sent, failed = [], []
    try:
        with get_connection(fail_silently=False) as connection:
            for message in batch:
                try:
                    connection.send_messages([email_of(message)])
                except Exception as error:  # noqa: BLE001 - any SMTP or network error
                    failed.append((message, error))
                else:
                    sent.append(message.pk)
    except Exception as error:  # noqa: BLE001 - the connection itself failed
        done = set(sent)
        failed += [(message, error) for message in batch if message.pk not in done]
    now = timezone.now()
    Message.objects.filter(pk__in=sent).update(
        status=Status.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
    )
    if failed:
        mark_failed(failed, now)
    return len(sent)


def mark_failed(failed: list[tuple[Message, Exception]], now: datetime.datetime) -> None:
    for message, error in failed:
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            message.status = Status.FAILED
            logger.error("message %s failed for good: %s", message.pk, message.last_error)
        else:
            message.status = Status.PENDING
            message.next_attempt_at = now + backoff(message.attempts)
    Message.objects.bulk_update(
        [message for message, _error in failed],
        ["attempts", "last_error", "status", "next_attempt_at"],
    )


def email_of(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[message.to],
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(message.html, "text/html")
    if message.ics:
        email.attach(
            "kutsu.ics",
            message.ics,
            f"text/calendar; method={message.ics_method}; charset=utf-8",
        )
    return email
