"""System checks of Kokemus's own settings (``manage.py check``; ``check --deploy`` in CI and
at every start of bin/serve)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# The product's name, which settings.py gives ORGANISATION_NAME by default for development:
# on an agreement it would stand where the contracting organisation belongs.
PLACEHOLDER_ORGANISATION_NAMES = {"", "Kokemus"}


@register(Tags.security, deploy=True)
def organisation_name_is_set(app_configs, **kwargs) -> list[Error]:
    """Production must name the organisation: it is the commissioning party of every agreement
    and stands on every report and fee statement."""
    if settings.DEBUG or settings.ORGANISATION_NAME.strip() not in PLACEHOLDER_ORGANISATION_NAMES:
        return []
    return [
        Error(
            "ORGANISATION_NAME is not set: agreements, reports and fee statements would name "
            "Kokemus as the organisation.",
            hint="Set ORGANISATION_NAME to the organisation's name, e.g. "
            "ORGANISATION_NAME='Keski-Pohjanmaan hyvinvointialue'.",
            id="kokemus.E001",
        )
    ]
