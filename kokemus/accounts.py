"""Logging in and resetting a password: the limits around Django's own views."""

from django.conf import settings

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
