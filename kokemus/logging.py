"""Structured logging: one JSON object per line on stdout, for journald, Docker or a collector.

Django's records and gunicorn's (its error log and its access log, one line per request) go
through ``JsonFormatter`` (or ``TextFormatter``); settings.LOGGING and kokemus/gunicorn_config.py
both use them. Both mask the bearer tokens that URLs carry (``mask_tokens``).
"""

import contextlib
import datetime
import json
import logging
import re

# gunicorn's access-log atoms (record.args) -> our field names
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-forwarded-for}i": "forwarded_for",
}
# URL paths that carry a bearer token, which whoever reads a log could use: the calendar feed's
# (portal/urls.py, /oma/kalenteri/<token>.ics), the password-reset link's (kokemus/urls.py,
# /salasana/uusi/<uidb64>/<token>/; Django's next step, .../set-password/, holds none) and a
# requester's status page (orders/urls.py, /tilaa/tila/<token>/).
# tests/test_log_masking.py checks them against the URLs the project reverses.
_SEGMENT = r"[^/?#\s\"\\]+"
TOKENS_IN_PATHS = re.compile(
    rf"(?P<calendar>/kalenteri/){_SEGMENT}(?=\.ics)"
    rf"|(?P<reset>/salasana/uusi/{_SEGMENT}/)(?!set-password/){_SEGMENT}"
    rf"|(?P<status>/tilaa/tila/){_SEGMENT}"
)
MASK = "***"


def mask_tokens(text: str) -> str:
    """``text`` (a log line) with every bearer token in a URL path replaced by ***."""
    return TOKENS_IN_PATHS.sub(lambda match: match[match.lastgroup] + MASK, text)


# Attributes every LogRecord has; anything else was passed in ``extra``.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message and context."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "request"
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
            entry.update(_extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_tokens(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """Plain lines for reading by eye (LOG_FORMAT=text), tokens masked as in JSON."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_tokens(super().format(record))


def _access_fields(atoms: dict) -> dict:
    fields = {}
    for atom, name in ACCESS_FIELDS.items():
        try:
            value = atoms[atom]  # gunicorn's SafeAtoms looks headers up by "{name}i"
        except KeyError:
            continue
        if value in (None, "", "-"):
            continue
        if name in ("status", "bytes", "duration_ms"):
            with contextlib.suppress(TypeError, ValueError):
                value = int(value)
        fields[name] = value
    return fields


def _extra_fields(record: logging.LogRecord) -> dict:
    fields = {}
    for key, value in vars(record).items():
        if key in _STANDARD_ATTRIBUTES or key.startswith("_"):
            continue
        if key == "request":  # django.request passes the HttpRequest itself
            fields["method"] = getattr(value, "method", None)
            fields["path"] = getattr(value, "path", None)
            continue
        fields[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
    return fields
