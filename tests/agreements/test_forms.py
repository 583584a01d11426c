"""The assignment form's expert rows share one list of choices per formset, never per process."""

from agreements.forms.assignments import ParticipantForm, expert_row_choices


def test_expert_rows_use_the_formsets_choices():
    shared = expert_row_choices([(1, "Aino Aalto")])
    rows = [ParticipantForm(expert_choices=shared) for _ in range(2)]
    assert all(row.fields["expert"].choices is shared for row in rows)


def test_a_row_without_choices_gets_its_own_not_a_shared_default():
    # LongSelect caches the rendered options on the choices object: a module-level default
    # would carry one request's rendering into every other.
    first, second = ParticipantForm(), ParticipantForm()
    assert first.fields["expert"].choices is not second.fields["expert"].choices
    assert list(first.fields["expert"].choices) == [("", "---------")]
