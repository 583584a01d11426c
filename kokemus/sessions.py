"""Kokemus' session policy: sessions end after SESSION_COOKIE_AGE idle seconds, and staff
sessions also when the browser closes, for every way of logging in (ours and the admin's)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESHED_AT = "refreshed_at"
REFRESH_EVERY_SECONDS = 60


@receiver(user_logged_in)
def start_the_idle_clock(sender, request, user, **kwargs):
    request.session[REFRESHED_AT] = int(time.time())
    if user.is_staff:
        request.session.set_expiry(0)


class IdleTimeoutMiddleware:
    """Renew an active session's expiry at most once a minute.

    Saving the session on every request would add a database write to every page; a minute's
    precision on a 30-minute idle timeout costs nothing. Sits just inside SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_AT, 0) >= REFRESH_EVERY_SECONDS:
                session[REFRESHED_AT] = now  # SessionMiddleware saves it and renews the cookie
        return response
