"""Private links: the secret address that lets someone without an account (a requester, a
professional) reach one page. A link expires and can be revoked; an unknown, expired or revoked
token looks the same to whoever tries it, so a guesser learns nothing."""

import datetime
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class PrivateLink(models.Model):
    """The fields and rules every private link shares; a concrete link adds what it opens."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at

    @property
    def last_day(self):
        """The last day (Helsinki) on which the link works."""
        return (timezone.localtime(self.expires_at) - datetime.timedelta(seconds=1)).date()


def find_usable_link(queryset, token: str, now: datetime.datetime):
    """The working link with this token from the queryset (select_related as the page needs),
    or None for an unknown, expired or revoked one alike."""
    if not token:
        return None
    link = queryset.filter(token=token).first()
    return link if link is not None and link.is_usable(now) else None


def expiry_after(day: datetime.date, days: int) -> datetime.datetime:
    """Midnight (Helsinki) ending the day ``days`` after ``day``."""
    last = day + datetime.timedelta(days=days + 1)
    return timezone.make_aware(datetime.datetime.combine(last, datetime.time.min))
