"""Shared by the served-mode scripts: the manifest, bench/pages.txt and logging in.

Works with any requests-like session: requests.Session (check_pages.py) or Locust's client.
"""

import json
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = Path(os.environ.get("KOKEMUS_BENCH_OUT", BENCH / "out"))
LOGIN_PATH = "/kirjaudu/"
# Issue 21 leaves the login out of its targets: Argon2 spends ~0.4 s of CPU on each password
# on purpose.
UNJUDGED = ("POST /kirjaudu/",)
# Every request but those, together: the aggregate that the targets judge (bench/locustfile.py
# writes it, bench/summary.py reads it).
JUDGED_CSV = OUT / "locust_judged.csv"


@dataclass(frozen=True)
class Page:
    role: str
    template: str  # the path with {placeholders}; also the name in the statistics


def load_manifest(path: Path | None = None) -> dict:
    return json.loads((path or OUT / "manifest.json").read_text())


def read_pages(path: Path = BENCH / "pages.txt") -> list[Page]:
    pages = []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            role, template = stripped.split()
            pages.append(Page(role, template))
    return pages


def placeholders(manifest: dict, expert_login: dict) -> dict:
    return {
        "expert_pk": manifest["expert_pks"][0],
        "assignment_pk": manifest["assignment_pks"][0],
        "request_pk": manifest["request_pks"][0],
        "run_pk": manifest["run_pks"][0],
        "own_assignment_pk": expert_login["assignment_pk"],
        "own_agreement_pk": expert_login["agreement_pk"],
        "reportable_assignment_pk": _first(expert_login["reportable_assignment_pks"]),
        "offer_pk": _first(expert_login["offer_pks"]),
        "period_pk": manifest["period_pks"][0],
        "own_period_pk": expert_login["period_pk"] or "none",
        "calendar_token": expert_login["calendar_token"],
        "month": manifest["months"][0],
        "year": manifest["year"],
    }


def usernames_by_role(manifest: dict) -> dict[str, str]:
    """The load-test login that pages.txt's roles use: each role's first (the expert's is the
    one whose placeholders fill the pages)."""
    return {
        "coordinator": manifest["logins"]["coordinator"][0],
        "evaluation": manifest["logins"]["evaluation"][0],
        "expert": manifest["logins"]["expert"][0]["username"],
    }


def _first(pks: list[int]) -> int | str:
    return pks[0] if pks else "none"  # a page that then fails loudly in check_pages


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def login(session, username: str, password: str) -> None:
    """Log in through the login page, as a browser does (CSRF token from the form)."""
    page = session.get(LOGIN_PATH)
    response = session.post(
        LOGIN_PATH,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed: {response.status_code}")


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's own POST form.

    That is the first <form method="post"> that posts back to the page (no action, or
    ``action``), which skips the menu's logout and language forms.
    """

    def __init__(self, action: str | None):
        super().__init__()
        self._actions = {None, "", action}
        self.fields: list[tuple[str, str]] = []
        self._in_form = self._done = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "form"
            and not self._done
            and (attrs.get("method") or "").lower() == "post"
            and attrs.get("action") in self._actions
        ):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.strip("\n")))
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_fields(html: str, action: str | None = None) -> list[tuple[str, str]]:
    parser = _FormFields(action)
    parser.feed(html)
    return parser.fields
