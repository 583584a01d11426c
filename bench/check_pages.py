"""Check that every page in bench/pages.txt answers 200 for its role on a served Kokemus.

    python bench/check_pages.py --base http://127.0.0.1:8765

Exits non-zero when any page answers anything but 200.
"""

import argparse
import sys
import time

import requests
from common import load_manifest, login, placeholders, read_pages, usernames_by_role


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8765")
    args = parser.parse_args()

    manifest = load_manifest()
    expert = manifest["logins"]["expert"][0]
    values = placeholders(manifest, expert)
    usernames = usernames_by_role(manifest)
    sessions: dict[str, requests.Session] = {}
    failures = []
    for page in read_pages():
        session = sessions.get(page.role)
        if session is None:
            session = sessions[page.role] = BaseUrlSession(args.base)
            if page.role != "anonymous":
                login(session, usernames[page.role], manifest["password"])
        url = page.template.format(**values)
        started = time.monotonic()
        response = session.get(url, allow_redirects=False)
        took = (time.monotonic() - started) * 1000
        line = f"{response.status_code} {took:7.0f} ms  {page.role:<11} {url}"
        if response.status_code == 200:
            print(f"ok   {line}")
        else:
            print(f"FAIL {line}")
            failures.append(url)
    if failures:
        print(f"{len(failures)} page(s) did not answer 200.", file=sys.stderr)
        return 1
    return 0


class BaseUrlSession(requests.Session):
    """A session whose paths are relative to the served Kokemus."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base + url, *args, **kwargs)


if __name__ == "__main__":
    sys.exit(main())
