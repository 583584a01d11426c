"""gunicorn settings for bin/serve, all from the environment (docs/deployment.md).

WEB_CONCURRENCY  worker processes (default: 2 × CPUs + 1)
GUNICORN_THREADS threads per worker (default 4, the gthread worker; 1: the sync worker)
HOST, PORT       where to listen (default 0.0.0.0:8000); GUNICORN_BIND overrides both
GUNICORN_TIMEOUT seconds before a silent worker is restarted (default 120). With threads the
                 worker is not silent while one of them serves a long request, so this
                 catches a hung worker; with the sync worker (GUNICORN_THREADS=1) it ends a
                 request, and the longest, an import of IMPORT_MAX_MEGABYTES, takes about a
                 minute. nginx's proxy_read_timeout is above it (docs/deployment.md).
GUNICORN_MAX_REQUESTS  restart a worker after this many requests (default 1000, 0 = never),
                 so memory that PDF rendering leaves behind is given back
FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are trusted (gunicorn reads it itself)
"""

import multiprocessing
import os
import subprocess
import sys


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None


bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"
)
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
# Threads, so that a slow request (a report PDF takes seconds) does not hold a whole worker and
# make every other request queue behind it: that wait was most of the load test's p95
# (docs/performance.md). Each thread keeps its own database connection (CONN_MAX_AGE).
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5  # behind nginx or a balancer that reuses connections
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10  # workers don't all restart at once

# gunicorn 24+ opens a control socket in $HOME; two instances on one host (bench/served.sh
# next to a running one) would share it, and nothing here uses it.
control_socket_disable = True

# A heartbeat file in memory, not on a possibly slow container disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Logs: one JSON line per request (gunicorn.access) and per event (gunicorn.error) on stdout,
# like Django's; logconfig_dict alone turns the access log on.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'  # only for LOG_FORMAT=text
_format = os.environ.get("LOG_FORMAT", "json")
_level = os.environ.get("LOG_LEVEL", "INFO").upper()
_stream = "stderr" if os.environ.get("LOG_STREAM") == "stderr" else "stdout"
logconfig_dict = {
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
            "stream": f"ext://sys.{_stream}",
            "formatter": _format if _format in ("json", "text") else "json",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": _level, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": _level},
}


# The background worker (e-mail, periodic messages) runs beside the server unless WORKER=false,
# e.g. on all but one of several app servers, or where a systemd unit runs it
# (docs/deployment.md). It ends with the server.
def when_ready(server):
    if os.environ.get("WORKER", "true").lower() != "false":
        server.kokemus_worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-reload", "--verbosity", "0"]
        )


def on_exit(server):
    worker = getattr(server, "kokemus_worker", None)
    if worker is not None:
        worker.terminate()
        worker.wait(timeout=30)
