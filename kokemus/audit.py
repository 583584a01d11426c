"""Audit trail (django-auditlog): who viewed, created, changed or deleted an expert's personal
data, experience areas, agreements and fee figures, and when.

Personal values are masked in the trail: it records who changed which field and when, but
not the old and new name, so erasing an expert (anonymisation) leaves no trace of them here.
"""

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

PERSONAL_FIELDS = ["first_name", "last_name", "email", "phone", "municipality", "availability"]
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


def register_models() -> None:
    from agreements.models import Agreement, Assignment, Participation
    from registry.models import ExperienceConsent, Expert, ExpertExperience

    auditlog.register(Expert, mask_fields=PERSONAL_FIELDS)
    auditlog.register(ExperienceConsent, mask_fields=["purpose"])
    auditlog.register(ExpertExperience)
    auditlog.register(Agreement)
    auditlog.register(Assignment)
    auditlog.register(Participation)


def record_view(instance) -> None:
    """Record that the current user opened or exported this object."""
    accessed.send(sender=type(instance), instance=instance)


def record_views(instances) -> None:
    """Record, in one query, that the current user saw each of these objects in a list or an
    export: the entries record_view would write one by one."""
    _record_bulk(instances, LogEntry.Action.ACCESS, None)


def record_changes(instances, changes: dict[str, list]) -> None:
    """Record, in one query, the same change to each of these objects, made by a bulk update
    (which sends no signals): ``changes`` maps a field to its [old, new] values, as auditlog
    writes them."""
    _record_bulk(instances, LogEntry.Action.UPDATE, changes)


def _record_bulk(instances, action, changes) -> None:
    entries = []
    for instance in instances:
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),  # cached after the first
            object_pk=str(instance.pk),
            object_id=instance.pk,
            object_repr=str(instance),
            action=action,
            changes=changes,
            cid=get_cid(),
        )
        # The request's actor and address, which auditlog's middleware fills in on pre_save;
        # bulk_create sends no signals.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
        entries.append(entry)
    LogEntry.objects.bulk_create(entries)


def expert_trail(expert) -> QuerySet[LogEntry]:
    """The trail of one expert: their own record and everything tied to them, newest first."""
    return (
        LogEntry.objects.filter(expert_trail_condition(expert))
        .select_related("actor", "content_type")
        .order_by("-timestamp")
    )


def expert_trail_condition(expert) -> Q:
    """Which log entries belong to the expert, with the related ids read now (so the
    condition still finds entries of objects deleted afterwards)."""
    from agreements.models import Agreement, Participation
    from registry.models import ExperienceConsent, Expert, ExpertExperience

    related = {
        Expert: [expert.pk],
        Agreement: Agreement.objects.filter(expert=expert).values_list("pk", flat=True),
        Participation: Participation.objects.filter(expert=expert).values_list("pk", flat=True),
        ExperienceConsent: expert.consents.values_list("pk", flat=True),
        ExpertExperience: ExpertExperience.objects.filter(expert=expert).values_list(
            "pk", flat=True
        ),
    }
    condition = Q()
    for model, pks in related.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=list(pks))
    return condition


def changed_fields(entry: LogEntry) -> list[str]:
    """The fields an entry changed, by their labels in the user's language, in the model's
    order of fields (auditlog keeps them in the order of a set, which changes with the fields
    of every model loaded before)."""
    model = entry.content_type.model_class()
    order = {field.name: n for n, field in enumerate(model._meta.fields)} if model else {}
    names = sorted(entry.changes_dict, key=lambda name: order.get(name, len(order)))
    labels = []
    for name in names:
        if name in BOOKKEEPING_FIELDS:
            continue
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except (AttributeError, FieldDoesNotExist):  # a model or field since removed
            labels.append(name)
    return labels
