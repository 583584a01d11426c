"""Check constraints whose message belongs to one field."""

from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router


class ConstraintErrorsOnFields:
    """Django's constraint check, with each rule's message on the field it is about, so that a
    form (and the admin) marks that field and says it there, not only above the form.

    ``constraint_fields`` maps a constraint's name to its field; Django itself places only a
    single-field unique constraint's message, and this keeps that.
    """

    constraint_fields: ClassVar[dict[str, str]] = {}

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    errors.setdefault(self._field_of(constraint, error), []).append(error)
        if errors:
            raise ValidationError(errors)

    def _field_of(self, constraint, error: ValidationError) -> str:
        if constraint.name in self.constraint_fields:
            return self.constraint_fields[constraint.name]
        fields = getattr(constraint, "fields", ())
        if error.code == "unique" and len(fields) == 1:
            return fields[0]
        return NON_FIELD_ERRORS
