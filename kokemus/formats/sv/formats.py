# Swedish as written in Finland (finlandssvenska): the Finnish dates of the English formats
# (26.11.2026, not Sweden's 2026-11-26), with Swedish numbers (1 234,50).
from kokemus.formats.en.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
