"""Form widgets that stay fast with long option lists."""

import html

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe


class FixedChoices(BaseChoiceIterator):
    """Choices already in (value, label) form, to share between many fields as they are.

    A plain list set on a ChoiceField is normalised twice (for the field and its widget),
    item by item: ~1.5 ms for 500 experts, on each expert row of a formset. Django leaves a
    choice iterator as it is.
    """

    def __init__(self, choices):
        self.choices = list(choices)  # flat: (value, label) pairs, no groups
        self.rendered: list[tuple[str, str]] | None = None  # filled by LongSelect

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)


class DecimalInput(forms.TextInput):
    """The text field of a decimal (kokemus.forms.DecimalField), with the phone's decimal
    keypad: a number field let some browsers drop the comma of "1,5" and send 15.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})


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
        if isinstance(self.choices, FixedChoices):
            return self._shared_options_html(self.choices, chosen)
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

    def _shared_options_html(self, choices: FixedChoices, chosen: set[str]) -> SafeString:
        """Options shared by many selects (each expert row): escaped once, then each select
        marks its own choice."""
        if choices.rendered is None:
            choices.rendered = [
                (str("" if value is None else value), self._option(value, label, set()))
                for value, label in choices
            ]
        parts = [option for _, option in choices.rendered]
        for index, (value, _) in enumerate(choices.rendered):
            if value in chosen:
                parts[index] = self._option(value, choices.choices[index][1], chosen)
                break
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
