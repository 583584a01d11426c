from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordResetRequest(models.Model):
    """A password-reset request that was answered with a mail (kokemus.accounts): counted
    against its address and its client for an hour, then deleted.

    Both are kept as keyed hashes, never as typed: a row says nothing about who asked for what.
    """

    email_digest = models.CharField(_("address digest"), max_length=64)
    client_digest = models.CharField(_("client digest"), max_length=64)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")
        indexes = [
            # the two counts of recent requests in password_reset_admit
            models.Index(fields=["email_digest", "requested_at"], name="reset_by_email"),
            models.Index(fields=["client_digest", "requested_at"], name="reset_by_client"),
            # the deletion of the expired ones
            models.Index(fields=["requested_at"], name="reset_by_time"),
        ]

    def __str__(self):
        return f"{self.requested_at:%Y-%m-%d %H:%M}"
