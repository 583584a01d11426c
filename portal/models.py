"""The expert's self-service: only the secret of the personal calendar feed is stored here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Expert


class CalendarToken(models.Model):
    """The secret in an expert's personal iCalendar URL; delete it to revoke the feed."""

    expert = models.OneToOneField(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return str(self.expert)
