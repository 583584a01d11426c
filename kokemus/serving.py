"""Checks made when a web server (gunicorn, runserver) loads Kokemus, not for every command."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_secret_key() -> None:
    """A server in production mode must not sign sessions with the public development key."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. In development, set DEBUG=true "
            "(bin/demo does)."
        )
