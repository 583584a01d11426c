"""Audit trail (django-auditlog): who viewed, created, changed or deleted an expert's personal
data, experience areas, agreements and fee figures, and when.

Personal values are masked in the trail: it records who changed which field and when, but
not the old and new name, so erasing an expert (anonymisation) leaves no trace of them here.
Each app registers its own models for auditing in its AppConfig.ready(); the expert's trail
(which entries belong to one expert) is read in kokemus.privacy.
"""

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

# django-auditlog names its actions in English only.
ACTION_LABELS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}
# Bookkeeping that changes with every save: the trail names what a person changed.
BOOKKEEPING_FIELDS = {"id", "version", "created_at", "updated_at"}


def mask_completely(value: str) -> str:
    return "***"


def record_view(instance) -> None:
    """Record that the current user opened or exported this object."""
    accessed.send(sender=type(instance), instance=instance)


def record_views(instances) -> None:
    """Record, in one query, that the current user saw each of these objects in a list or an
    export: the entries record_view would write one by one."""
    entries = []
    for instance in instances:
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),  # cached after the first
            object_pk=str(instance.pk),
            object_id=instance.pk,
            object_repr=str(instance),
            action=LogEntry.Action.ACCESS,
            cid=get_cid(),
        )
        # The request's actor and address, which auditlog's middleware fills in on pre_save;
        # bulk_create sends no signals.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
        entries.append(entry)
    LogEntry.objects.bulk_create(entries)


def changed_fields(entry: LogEntry) -> list[str]:
    """The fields an entry changed, by their labels in the user's language."""
    model = entry.content_type.model_class()
    labels = []
    # In the model's field order: auditlog records them in a set's order, which moves when a
    # field is added to the model.
    order = {field.name: n for n, field in enumerate(model._meta.fields)} if model else {}
    for name in sorted(entry.changes_dict, key=lambda name: order.get(name, len(order))):
        if name in BOOKKEEPING_FIELDS:
            continue
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except (AttributeError, FieldDoesNotExist):  # a model or field since removed
            labels.append(name)
    return labels
