# Swedish as written in Finland (finlandssvenska): Finnish dates, not Sweden's 2026-11-26, and
# Swedish numbers (1 234,50).
from kokemus.formats.finnish_dates import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
