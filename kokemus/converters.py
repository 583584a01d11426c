"""URL converters: an id in a URL is a row id the database can hold, or the page is not found.

``<id:pk>`` instead of ``<int:pk>``: the digits of ``/oma/tehtavat/99999999999999999999/`` are
a number no id column holds (ids are 64-bit: BigAutoField), and a query with it fails on
SQLite ("Python int too large") instead of finding nothing. Here it simply does not match.
"""

from django.urls.converters import IntConverter

LARGEST_ID = 2**63 - 1  # BigAutoField, on every database Django supports


class IdConverter(IntConverter):
    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise ValueError("not a row id")  # the resolver's "no match": a 404
        return number


def as_id(text: str) -> int | None:
    """The row id ``text`` names, or None when it names none (not digits, or too large)."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None
