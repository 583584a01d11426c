"""Form widgets that stay fast with long option lists."""

import html

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A select for hundreds of options (e.g. every expert), with the markup of forms.Select.

    Django renders each option through two template includes, about 0.1 ms each: 500
    experts in each of several rows made a page take hundreds of milliseconds. Here the
    options are written in Python; the <select> itself still comes from a template, so the
    attributes crispy-forms adds (class, aria-describedby, aria-invalid) are kept.
    """

    template_name = "kokemus/widgets/long_select.html"
    allow_multiple_selected = False

    def get_context(self, name, value, attrs):
        # Widget's context only: ChoiceWidget's would build a dict for every option.
        context = super(ChoiceWidget, self).get_context(name, value, attrs)
        context["widget"]["options"] = self.options_html(context["widget"]["value"])
        return context

    def options_html(self, values: list[str]) -> SafeString:
        """The <option>s (and <optgroup>s); like forms.Select, only one option is selected."""
        chosen = {str(value) for value in values}
        parts = []
        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{_escape(value)}">')
                parts.extend(
                    self._option(subvalue, sublabel, chosen) for subvalue, sublabel in label
                )
                parts.append("\n  </optgroup>")
            else:
                parts.append(self._option("" if value is None else value, label, chosen))
        return mark_safe("".join(parts))

    @staticmethod
    def _option(value, label, chosen: set[str]) -> str:
        value = str(value)
        selected = value in chosen
        if selected:
            chosen.clear()  # the first match wins, as in forms.Select
        selected_attr = " selected" if selected else ""
        return f'\n  <option value="{_escape(value)}"{selected_attr}>{_escape(label)}</option>'


def _escape(text) -> str:
    """django.utils.html.conditional_escape without its lazy-string wrapper (2,000 calls a page)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))
