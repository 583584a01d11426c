"""The client of a period is a pseudonymous code only: never a name, never a personal identity
code (henkilötunnus). A code that looks like one is refused, however it is written."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# DDMMYY, the century sign (+, -, A–F, U–Y; the hyphen is noise below), three digits and the
# check character, after separator noise is taken out.
IDENTITY_CODE = re.compile(r"(?=(\d{2})(\d{2})(\d{2})[+A-FU-Y]?\d{3}[0-9A-Y])")  # overlapping
NOISE = re.compile(r"[^0-9A-Z+]")


def looks_like_identity_code(code: str) -> bool:
    """True where ``code`` holds a day and month followed by what a henkilötunnus has, whether
    or not its check character is right: a mistyped identity code identifies just as well."""
    # NFKC first: full-width or other-script digits would otherwise fall out with the noise
    compact = NOISE.sub("", unicodedata.normalize("NFKC", code).upper())
    for match in IDENTITY_CODE.finditer(compact):
        day, month, year = (int(part) for part in match.groups())
        try:
            datetime.date(2000 + year, month, day)  # any leap year is as good as another
        except ValueError:
            if not (day == 29 and month == 2):
                continue
        return True
    return False


def validate_client_code(code: str) -> None:
    if looks_like_identity_code(code):
        raise ValidationError(
            _(
                "This looks like a personal identity code. Record the client by a pseudonymous "
                "code only, such as KO-2025-07: never a name or an identity code."
            ),
            code="identity_code",
        )
