"""Text for files that people open in Excel: values, never formulas (SPEC)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(text: str) -> str:
    """A name typed as "=…" (or "+…", "-…", "@…") stays a name in Excel, not a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
