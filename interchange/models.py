"""A record of each confirmed import, so that the audit trail says who imported what and when.

The import writes its rows with bulk statements, which send no signals, so the per-row trail of
django-auditlog is silent about them; this one row per import (registered with auditlog in
``InterchangeConfig.ready``) is what the trail shows instead.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the trail entry keeps its actor; this row keeps its counts
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    files = models.JSONField(_("files"), default=list)  # the names as given
    # interchange file -> {"create": n, "update": n, "unchanged": n}
    counts = models.JSONField(_("rows"), default=dict)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return _("Import of %(files)s") % {"files": ", ".join(self.files)}
