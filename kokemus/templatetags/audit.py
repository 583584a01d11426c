from django import template

from kokemus.audit import ACTION_LABELS, changed_fields

register = template.Library()


@register.filter
def action_label(entry) -> str:
    return str(ACTION_LABELS.get(entry.action, entry.get_action_display()))


@register.filter
def changed_field_labels(entry) -> str:
    return ", ".join(changed_fields(entry))
