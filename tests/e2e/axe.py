"""axe-core (vendored from npm, MPL-2.0) run inside the page through Playwright."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page) -> list[str]:
    """axe's serious and critical WCAG 2.1 AA findings on the current page, one line each."""
    # evaluate() is not subject to the page's Content-Security-Policy, unlike a script tag.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
