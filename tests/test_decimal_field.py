"""Decimals in forms: a comma or a point in every language, as the import takes them."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from kokemus.forms import DecimalField

LANGUAGES = ["fi", "sv", "en"]


class HoursForm(forms.Form):
    hours = DecimalField(max_digits=8, decimal_places=2)


def cleaned(value: str, language: str):
    with translation.override(language):
        form = HoursForm({"hours": value})
        return form.cleaned_data["hours"] if form.is_valid() else form.errors["hours"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        (" 0,75 ", Decimal("0.75")),
        ("-1,5", Decimal("-1.5")),
        ("1 234,50", Decimal("1234.50")),  # spaces between thousands, as Finnish Excel writes
        ("1\u00a0234.50", Decimal("1234.50")),  # a no-break space
        ("12", Decimal("12")),
    ],
)
def test_a_decimal_comma_or_point_is_taken_in_every_language(language, typed, number):
    assert cleaned(typed, language) == number


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed", ["1,234.50", "1.234,50", "1,2,3", "puolitoista", "NaN", "1,5 h"])
def test_anything_else_is_not_a_number(language, typed):
    with translation.override("en"):
        assert cleaned(typed, language) == ["Enter a number."]


@pytest.mark.parametrize(("language", "shown"), [("fi", "1,50"), ("sv", "1,50"), ("en", "1.50")])
def test_the_value_is_shown_in_the_pages_language_with_the_decimal_keypad(language, shown):
    with translation.override(language):
        html = str(HoursForm(initial={"hours": Decimal("1.50")})["hours"])
    assert f'value="{shown}"' in html
    assert 'type="text"' in html and 'inputmode="decimal"' in html
