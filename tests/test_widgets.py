"""LongSelect writes the same options as Django's Select, only faster."""

import re

import pytest
from django import forms

from kokemus.widgets import FixedChoices, LongSelect

CHOICES = [("", "---------"), (1, "Aino <Ö>"), (2, "Bertil & Co"), ("Group", [(3, "Cecilia")])]


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_long_select_renders_like_select():
    for value in ["", 2, 3, None]:
        expected = forms.Select(choices=CHOICES).render("expert", value, {"id": "x"})
        actual = LongSelect(choices=CHOICES).render("expert", value, {"id": "x"})
        assert _normalised(actual) == _normalised(expected)


def test_long_select_escapes_and_selects_one_option():
    html = LongSelect(choices=[(1, "A <b>"), (1, "Again")]).render("expert", 1)
    assert "A &lt;b&gt;" in html
    assert html.count(" selected") == 1


FLAT = [("", "---------"), (1, "Aino <Ö>"), (2, "Bertil & Co"), (3, "Cecilia")]


def test_long_select_with_shared_choices_renders_like_select_for_each_value():
    # One FixedChoices for several selects (the expert rows): options escaped once, each
    # select still marks only its own value.
    shared = FixedChoices(FLAT)
    for value in ["", 2, 3, None, 9]:
        expected = forms.Select(choices=FLAT).render("expert", value, {"id": "x"})
        actual = LongSelect(choices=shared).render("expert", value, {"id": "x"})
        assert _normalised(actual) == _normalised(expected)
    assert shared.rendered is not None


def test_choice_field_keeps_fixed_choices_as_given():
    shared = FixedChoices(FLAT)
    field = forms.TypedChoiceField(coerce=int, required=False, widget=LongSelect)
    field.choices = shared
    assert field.choices is shared and field.widget.choices is shared
    assert field.clean("2") == 2
    with pytest.raises(forms.ValidationError):
        field.clean("9")
