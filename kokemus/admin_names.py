"""Names in the administrator's language for the apps and models Kokemus takes from other
packages, and for the permissions built from them.

The admin showed "AXES", "OTP_TOTP", "Access attempts" and "Can add log entry": these packages
have no Finnish or Swedish, django-tasks-db and django-otp name some things in plain English,
and Django's session model borrowed our own Finnish for a supervision "session". Only the names
are changed here, at start-up: the database tables, app labels and migrations stay the
packages' own (the migration state reads the Meta a package declared, not these).
"""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("Login attempts"),
    "auditlog": _("Audit trail"),
    "otp_totp": _("Two-factor authentication"),
    "django_tasks_database": _("Background tasks"),
    "sessions": _("Login sessions"),
}

# (app label, model name): (singular, plural)
MODEL_NAMES = {
    ("axes", "accessattempt"): (_("failed login attempt"), _("failed login attempts")),
    ("axes", "accessfailurelog"): (_("logged login failure"), _("logged login failures")),
    ("axes", "accessattemptexpiration"): (_("lockout expiry"), _("lockout expiries")),
    ("axes", "accesslog"): (_("login record"), _("login records")),
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
    ("django_tasks_database", "dbtaskresult"): (_("background task"), _("background tasks")),
    ("sessions", "session"): (_("login session"), _("login sessions")),
}

# The actions of Django's default permissions ("Can add expert"), by codename prefix. Django
# stores their names in English once, at migrate; the admin shows them through these.
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add"),
    "change": pgettext_lazy("permission", "Can change"),
    "delete": pgettext_lazy("permission", "Can delete"),
    "view": pgettext_lazy("permission", "Can view"),
}


def rename_third_party() -> None:
    """Give the other packages' apps and models the names above (KokemusConfig.ready)."""
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:  # a package left out of INSTALLED_APPS keeps nothing
            apps.get_app_config(label).verbose_name = name
    for (label, model_name), (singular, plural) in MODEL_NAMES.items():
        if label in apps.app_configs:
            options = apps.get_model(label, model_name)._meta
            options.verbose_name, options.verbose_name_plural = singular, plural


def permission_label(permission: Permission) -> str:
    """ "Register | expert | Can add" in the page's language; a permission of a model that is
    gone, or one a package named itself, as Django shows it."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _separator, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != content_type.model:
        return f"{content_type} | {gettext(permission.name)}"
    options = model._meta
    action_name = PERMISSION_ACTIONS[action]
    return f"{options.app_config.verbose_name} | {options.verbose_name} | {action_name}"
