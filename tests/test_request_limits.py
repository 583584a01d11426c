"""One set of numbers for the largest request, everywhere it is set.

The import accepts IMPORT_MAX_MEGABYTES of files and a file that large takes about a minute to
import. nginx must let such a body through and wait for the answer longer than that; gunicorn's
timeout must not end the request first; the docs must say the same numbers the code uses. The
nginx example used to allow 20 MB and wait 75 s while the application took 50 MB.
"""

import os
import re
import subprocess
import sys

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from interchange.forms import UploadForm

DEPLOYMENT = (settings.BASE_DIR / "docs" / "deployment.md").read_text()
README = (settings.BASE_DIR / "README.md").read_text()
# The longest request a user makes, with room: an upload of the largest import's files (the
# import itself runs in the background worker, docs/performance.md "Import limits").
LONGEST_REQUEST_SECONDS = 60


def _gunicorn_timeout() -> int:
    environment = {k: v for k, v in os.environ.items() if k != "GUNICORN_TIMEOUT"}
    done = subprocess.run(
        [sys.executable, "-c", "import kokemus.gunicorn_config as c; print(c.timeout)"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(done.stdout)


def _nginx(directive: str) -> str:
    block = DEPLOYMENT.split("```nginx", 1)[1].split("```", 1)[0]
    return re.search(rf"^\s*{directive}\s+(\S+);", block, re.MULTILINE).group(1)


def _table_default(text: str, variable: str) -> str:
    return re.search(rf"^\| `{variable}`[^|]*\| `?([^`|]+)`? \|", text, re.MULTILINE).group(1)


def test_nginx_lets_the_largest_import_through_and_waits_for_it():
    body = int(_nginx("client_max_body_size").removesuffix("m"))
    read_timeout = int(_nginx("proxy_read_timeout").removesuffix("s"))

    assert settings.IMPORT_MAX_MEGABYTES == 50
    # the files, plus the form around them (field names, boundaries, the CSRF token)
    assert settings.IMPORT_MAX_MEGABYTES < body <= settings.IMPORT_MAX_MEGABYTES + 2
    assert read_timeout > _gunicorn_timeout() >= 2 * LONGEST_REQUEST_SECONDS


def test_the_docs_give_the_defaults_the_code_has():
    timeout = str(_gunicorn_timeout())
    megabytes = str(settings.IMPORT_MAX_MEGABYTES)

    assert _table_default(DEPLOYMENT, "GUNICORN_TIMEOUT") == timeout
    assert _table_default(DEPLOYMENT, "IMPORT_MAX_MEGABYTES") == megabytes
    assert _table_default(README, "IMPORT_MAX_MEGABYTES") == megabytes
    assert f"`{timeout}`, `1000`" in README  # GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS


def test_the_import_page_refuses_files_over_the_limit(settings):
    settings.IMPORT_MAX_MEGABYTES = 1
    data = b"x" * (1024 * 1024 + 1)
    upload = SimpleUploadedFile("experts.csv", data, content_type="text/csv")
    form = UploadForm(data={}, files=MultiValueDict({"files": [upload]}))

    assert not form.is_valid()
    assert form.errors["files"] == ["The files are too large: at most 1 MB together."]
