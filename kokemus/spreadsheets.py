"""Text for files that people open in Excel: values, never formulas (SPEC).

The rule, shared by every export and by the interchange import:

- a text cell that begins with a character a spreadsheet reads as the start of a formula
  (``=``, ``+``, ``-``, ``@``, tab or carriage return) or with an apostrophe gets one
  apostrophe in front (``as_text``), Excel's own mark for "this is text";
- the import takes one leading apostrophe away (``from_text``).

Text that already begins with an apostrophe gets one more, so that taking one away gives back
every string exactly: ``'t Hooft`` → ``''t Hooft`` → ``'t Hooft``. Numbers are not text: a
negative amount stays a number; a phone number ``+358 40…`` is text and gets the apostrophe.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def as_text(text: str) -> str:
    """A name typed as "=…" (or "+…", "-…", "@…") stays a name in Excel, not a formula."""
    return TEXT_MARK + text if text.startswith((*FORMULA_STARTS, TEXT_MARK)) else text


def from_text(text: str) -> str:
    """The text ``as_text`` was given: one leading apostrophe less."""
    return text.removeprefix(TEXT_MARK)
