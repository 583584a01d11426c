"""Reference data named in Finnish, Swedish and English.

The Finnish name is the record's ``name`` (the interchange files carry it); ``name_sv`` and
``name_en`` are optional, and where one is empty the Finnish name stands in.
"""

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _language() -> str:
    return (get_language() or "fi")[:2]


def in_active_language(name: str, name_sv: str, name_en: str) -> str:
    other = {"sv": name_sv, "en": name_en}.get(_language())
    return other or name


def name_fields() -> tuple[models.CharField, models.CharField, models.CharField]:
    """The three name fields, for the model to assign to ``name``, ``name_sv`` and ``name_en``."""
    return (
        models.CharField(_("name in Finnish"), max_length=200),
        models.CharField(
            _("name in Swedish"),
            max_length=200,
            blank=True,
            help_text=_("Empty: the Finnish name."),
        ),
        models.CharField(
            _("name in English"),
            max_length=200,
            blank=True,
            help_text=_("Empty: the Finnish name."),
        ),
    )


def name_to_order_by(prefix: str = ""):
    """The name in the active language as an expression, for order_by()."""
    language = _language()
    if language not in ("sv", "en"):
        return F(f"{prefix}name")
    return Coalesce(NullIf(F(f"{prefix}name_{language}"), Value("")), F(f"{prefix}name"))


class TranslatedName:
    """A model with name, name_sv and name_en shows the name of the page's language."""

    @property
    def translated_name(self) -> str:
        return in_active_language(self.name, self.name_sv, self.name_en)
