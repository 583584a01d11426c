"""LongSelect writes the same options as Django's Select, only faster."""

import re

from django import forms

from kokemus.widgets import LongSelect

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
