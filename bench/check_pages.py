"""Check that every page in bench/pages.txt answers 200 for its role on a served Kokemus.

    python bench/check_pages.py --base http://127.0.0.1:8765

Pages in the "pending merge" block may answer 404 (their branch is not merged yet): that is
a warning, and the page is written to bench/out/missing.txt so the load test leaves it out.
Exits non-zero when any other page answers anything but 200.
"""

import argparse
import sys
import time
from pathlib import Path

import requests
from common import OUT, load_manifest, login, placeholders, read_pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8765")
    parser.add_argument("--missing", type=Path, default=OUT / "missing.txt")
    args = parser.parse_args()

    manifest = load_manifest()
    expert = manifest["logins"]["expert"][0]
    values = placeholders(manifest, expert)
    usernames = {
        "coordinator": manifest["logins"]["coordinator"][0],
        "evaluation": manifest["logins"]["evaluation"][0],
        "expert": expert["username"],
    }
    sessions: dict[str, requests.Session] = {}
    failures, missing = [], []
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
        elif page.pending and response.status_code == 404:
            print(f"WARN {line}  (pending merge: left out of the load test)")
            missing.append(page.template)
        else:
            print(f"FAIL {line}")
            failures.append(url)
    args.missing.parent.mkdir(parents=True, exist_ok=True)
    args.missing.write_text("".join(f"{template}\n" for template in missing))
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
