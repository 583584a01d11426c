"""The amount filter prints what floatformat:"2g" prints, in every language."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from kokemus.templatetags.amounts import amount

VALUES = [
    Decimal("0"),
    Decimal("0.00"),
    Decimal("-0.00"),
    Decimal("-0.004"),
    Decimal("0.005"),
    Decimal("1.005"),
    Decimal("-1.005"),
    Decimal("12.345"),
    Decimal("999.995"),
    Decimal("1234.5"),
    Decimal("-1234567.891"),
    Decimal("1000000"),
    Decimal("3E+2"),
    Decimal("123456789012.34"),
    None,
    "",
    "abc",
    3,
    2.5,
    Decimal("NaN"),
]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_amount_prints_as_floatformat_2g(language, value):
    with translation.override(language):
        assert amount(value) == floatformat(value, "2g")
