"""Logging in and resetting a password: the limits around Django's own views."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kokemus.client_address import client_address
from kokemus.models import PasswordResetRequest

logger = logging.getLogger(__name__)

# django-axes stores the username of a failed login in a column of 255 characters.
AXES_USERNAME_LENGTH = 255


def axes_username(request, credentials: dict | None) -> str | None:
    """The username django-axes records for a login attempt (AXES_USERNAME_CALLABLE).

    As axes reads it, cut to its column: Django's login form does not check the length of what
    is typed, and on PostgreSQL a longer one made the failed login a 500.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username


# Password-reset mails: at most this many per address and per client address in the window.
# Counted in the database, so that every worker and every app server counts together (the
# default cache lives in each process).
RESET_WINDOW = datetime.timedelta(hours=1)
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"kokemus.password_reset.{kind}", value).hexdigest()


def password_reset_admit(*, email: str, client: str) -> bool:
    """Whether a reset mail may go to ``email`` for a request from ``client`` (an IP address);
    if so, the request is counted. Forgets requests older than the window."""
    now = timezone.now()
    email_digest = _digest("email", email.strip().casefold())
    client_digest = _digest("client", client)
    with transaction.atomic():
        PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
        recent = PasswordResetRequest.objects.all()
        if (
            recent.filter(email_digest=email_digest).count() >= RESETS_PER_ADDRESS
            or recent.filter(client_digest=client_digest).count() >= RESETS_PER_CLIENT
        ):
            return False
        PasswordResetRequest.objects.create(
            email_digest=email_digest, client_digest=client_digest, requested_at=now
        )
    return True


class LimitedPasswordResetView(PasswordResetView):
    """Django's password reset, sending no more than the limits allow. The answer past a limit
    is the answer to any address: "if it is known, a link was sent"."""

    def form_valid(self, form):
        client = client_address(self.request)
        if password_reset_admit(email=form.cleaned_data["email"], client=client):
            return super().form_valid(form)
        logger.warning("Password reset: a limit was reached; no mail sent")
        return HttpResponseRedirect(self.get_success_url())
