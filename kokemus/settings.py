"""Kokemus settings, read from the environment (see README "Configuration").

DEBUG is off unless the environment turns it on, so a forgotten variable never serves a
debug page: development sets DEBUG=true (bin/demo does); production sets SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL, and every secure default below is on.
"""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Management commands run without a SECRET_KEY (a script migrating or importing signs nothing
# that outlives it); the web server refuses to start without one when DEBUG is off
# (kokemus.serving.refuse_insecure_secret_key, called by wsgi.py and asgi.py).
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="") or DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: Kokemus's queries are short, and for the one long one (a year's
    # report at 1M assignments) compiling took ~40 ms more than it saved. A random page read
    # priced near a sequential one, as a county's data is all in memory: the planner then
    # takes the index joins of a month's report and of the pages (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The report's covering index (agreements 0003) pays off on PostgreSQL; SQLite makes it a plain
# index, which is all it needs, and would otherwise say so before every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kokemus.apps.KokemusConfig",
    "registry",
    "agreements",
    "supervision",
    "reporting",
    "portal",
    "interchange",
    "notifications",
    "payroll",
    "orders",
    "pairs",
    "guidance",
    "feedback",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kokemus.middleware.RefuseNulCharactersMiddleware",  # before anything queries with them
    "kokemus.middleware.PrivateNoStoreMiddleware",  # static files above, everything else below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kokemus.sessions.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kokemus.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kokemus.urls"
WSGI_APPLICATION = "kokemus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kokemus.access.roles_context",
            ],
        },
    },
]

# Passwords: Argon2 first; the others only verify hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failures and refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: 5 failures lock that username from that address for 15 minutes. Admins unlock by
# deleting the attempt in the admin (Axes › Access attempts).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)  # proxies in front of us
AXES_CLIENT_IP_CALLABLE = "kokemus.client_address.client_address"  # reads the count above
AXES_USERNAME_CALLABLE = "kokemus.accounts.axes_username"  # cut to what axes can store

# Sessions end after 30 idle minutes (requests renew them); staff sessions also end when the
# browser closes (kokemus.sessions).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)

# Two-factor login (TOTP): optional for coordinators and admins, required when this is on.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Kokemus")

AUDITLOG_MASK_CALLABLE = "kokemus.audit.mask_completely"
# A restore (loaddata) brings the audit trail back as it was: it writes no entries of its own,
# which would also collide with the restored entries' ids on PostgreSQL.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Finnish first; Swedish and English follow.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kokemus.formats"]  # English and Swedish with Finnish date order
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="Kokemus")
# The largest import (files together), about 450,000 assignments; such an import takes about a
# minute. nginx's client_max_body_size and proxy_read_timeout and GUNICORN_TIMEOUT are set to
# let it through (docs/deployment.md "Request limits").
IMPORT_MAX_MEGABYTES = env.int("IMPORT_MAX_MEGABYTES", default=50)
# Where the accessibility statement sends feedback (Act on the Provision of Digital Services).
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")
# Experts with no agreement and no assignment for this many years are anonymised
# (manage.py apply_retention); see docs/privacy.md.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)
# The monthly report hides from the evaluation group a figure about persons that rests on fewer
# than this many distinct experts (SPEC "Small counts"; reporting/disclosure.py). Below 3, two
# experts in a cell would each read the other's figure, so 3 is the least it may be.
_small_count = env.str("SMALL_COUNT_THRESHOLD", default="3").strip()
if not _small_count.isdecimal() or int(_small_count) < 3:
    raise ImproperlyConfigured("SMALL_COUNT_THRESHOLD must be a whole number of 3 or more.")
SMALL_COUNT_THRESHOLD = int(_small_count)
# An expert who works should attend supervision at least this often (days) unless their group
# or membership sets a target in weeks (supervision coverage; docs/supervision.md).
SUPERVISION_TARGET_DAYS = env.int("SUPERVISION_TARGET_DAYS", default=90)

# --- payroll: hours reports, receipts, travel (payroll app; docs/payroll.md) ---
# Receipts of the experts' costs are personal data: kept here, outside the static files and any
# folder a web server serves, and sent only through a view that checks who asks.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
RECEIPT_MAX_BYTES = env.int("RECEIPT_MAX_BYTES", default=10 * 1024 * 1024)


def _kilometre_allowances(name: str, default: str) -> dict[int, Decimal]:
    """YEAR=€/km pairs, e.g. "2025=0.52,2026=0.55": the Tax Administration's tax-free
    kilometre allowance for a car, by the year its decision is for."""
    try:
        pairs = (item.split("=") for item in env.str(name, default=default).split(",") if item)
        allowances = {int(year): Decimal(rate) for year, rate in pairs}
    except (ValueError, InvalidOperation) as error:
        raise ImproperlyConfigured(f"{name} must be YEAR=RATE pairs, e.g. 2026=0.55.") from error
    if not allowances or any(rate < 0 for rate in allowances.values()):
        raise ImproperlyConfigured(f"{name} must name at least one year with a rate of 0 or more.")
    return allowances


# The cap on the €/km rate paid for travel: the Tax Administration's decisions on tax-free
# travel allowances (Verohallinnon päätös verovapaista matkakustannusten korvauksista vuonna …),
# car: 2024 0.57, 2025 0.52, 2026 0.55 €/km. A year not listed takes the latest earlier one.
TAX_FREE_KILOMETRE_ALLOWANCES = _kilometre_allowances(
    "TAX_FREE_KILOMETRE_ALLOWANCES", "2024=0.57,2025=0.52,2026=0.55"
)
# --- end payroll ---
# The public request form (orders): posts allowed per client address in an hour (every post
# counts, refused or not), the largest post in bytes, and how many days after the requested
# date the requester's private status link keeps working.
REQUEST_FORM_POSTS_PER_HOUR = env.int("REQUEST_FORM_POSTS_PER_HOUR", default=10)
REQUEST_FORM_MAX_BYTES = env.int("REQUEST_FORM_MAX_BYTES", default=20_000)
REQUEST_LINK_DAYS = env.int("REQUEST_LINK_DAYS", default=30)
# Closed requests keep their requester's details this long after their last day, for questions
# and invoicing; then manage.py apply_retention --apply erases them (docs/privacy.md).
REQUEST_RETENTION_DAYS = env.int("REQUEST_RETENTION_DAYS", default=365)
# Work pairs: how long the professional's private link to the pair's plan works (days).
PAIR_LINK_DAYS = env.int("PAIR_LINK_DAYS", default=180)

# E-mail: EMAIL_URL names the SMTP server (smtp+tls://user:password@host:587, smtps://… for
# implicit TLS); without it, development prints messages to the console.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kokemus@localhost")
EMAIL_REPLY_TO = env.str("EMAIL_REPLY_TO", default="")
# Links in e-mail lead here (no request to take the address from when a worker renders them).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A message that fails is tried again after 5 min, 10, 20… and given up after this many tries.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_DELAY = datetime.timedelta(seconds=env.int("EMAIL_RETRY_SECONDS", default=300))

# Background work (e-mail delivery) through Django's task framework, the django-tasks backport
# until Django 6: tasks wait in the database, so SQLite and PostgreSQL need no broker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# In each server process's memory: reused PDFs (kokemus.pdf) in the default cache, the experts'
# built calendar feeds (portal.calendar) in their own, so that many feeds never push out a PDF.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "feeds": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "feeds",
        "OPTIONS": {"MAX_ENTRIES": 1000},  # a feed of 80 events is ~25 kB
    },
}

# Transport security: on whenever DEBUG is off (each can be overridden, e.g. behind a proxy).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own files: no inline script or style anywhere, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The load balancer's /healthz may speak plain HTTP (kokemus/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs: one JSON object a line in production (kokemus/logging.py), plain text in development.
# bin/serve sends them to stdout with gunicorn's (LOG_STREAM=stdout); management commands keep
# them on stderr, so that what a command prints (monthly_report --format json) stays clean.
LOG_STREAM = env.str("LOG_STREAM", default="stderr")
# The server logs each event worth keeping; a command logs only what went wrong.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO" if LOG_STREAM == "stdout" else "WARNING").upper()
if LOG_STREAM not in ("stdout", "stderr"):
    raise ImproperlyConfigured("LOG_STREAM must be stdout or stderr.")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "kokemus.logging.JsonFormatter"},
        "text": {
            "class": "kokemus.logging.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": f"ext://sys.{LOG_STREAM}",
            "formatter": LOG_FORMAT,
        }
    },
    # WeasyPrint runs in the PDF renderer, which passes on only its warnings and errors
    # (kokemus/pdf_renderer.py): its INFO on each step of every PDF never reaches this log.
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
