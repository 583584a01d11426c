"""Uploaded files kept between the preview and the confirmation.

The files go to a private temporary folder named by a random token; the token lives in the
user's session and in the confirmation form, and both must agree, so nobody can confirm
another user's upload or point the import at a path of their choosing.
"""

import secrets
import shutil
import tempfile
import time
from pathlib import Path

from django.utils.crypto import constant_time_compare

SESSION_KEY = "interchange_upload"
MAX_AGE_SECONDS = 24 * 60 * 60


def _root() -> Path:
    root = Path(tempfile.gettempdir()) / "kokemus-import"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def _remove_stale(root: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def keep(request, files: list[tuple[str, bytes]]) -> str:
    """Store the files for this user's confirmation; return the token."""
    discard(request)
    root = _root()
    _remove_stale(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(mode=0o700)
    names = []
    for index, (name, data) in enumerate(files):
        (folder / str(index)).write_bytes(data)
        names.append(Path(name).name)
    request.session[SESSION_KEY] = {"token": token, "names": names}
    return token


def take(request, token: str) -> list[tuple[str, bytes]] | None:
    """The files kept under ``token`` for this user, or None; they are then forgotten."""
    kept = request.session.get(SESSION_KEY)
    if not kept or not token or not constant_time_compare(kept["token"], token):
        return None
    folder = _root() / kept["token"]
    try:
        files = [
            (name, (folder / str(index)).read_bytes()) for index, name in enumerate(kept["names"])
        ]
    except FileNotFoundError:
        files = None
    discard(request)
    return files


def discard(request) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept:
        shutil.rmtree(_root() / kept["token"], ignore_errors=True)
