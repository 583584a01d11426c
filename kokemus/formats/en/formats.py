# English for a Finnish organisation: Finnish dates, English numbers (1,234.50).
from kokemus.formats.finnish_dates import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
