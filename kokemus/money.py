"""Sums of money and hours as the organisation pays them: to the cent, half up."""

from decimal import ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
_FLOAT_DIGITS = Context(prec=15)


def cents(value) -> Decimal:
    """To cents, half up, as the fee statement rounds. SQLite sums decimals as floats: they are
    cut to 15 significant digits first, as Django does, so 15.075 is not 15.07499…"""
    if isinstance(value, float):
        value = _FLOAT_DIGITS.create_decimal_from_float(value)
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)
