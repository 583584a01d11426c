"""The data version (0002) also rises with the tables the report's newer tables read: the
requests, kokemusohjaus periods and the feedback after assignments."""

import functools
import importlib

from django.db import migrations

triggers = importlib.import_module("reporting.migrations.0002_data_version_triggers")

TABLES = (
    "orders_request",
    "guidance_period",
    "guidance_goal",
    "guidance_meeting",
    "feedback_reflection",
    "feedback_professionalfeedback",
)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_data_version_triggers"),
        ("orders", "0003_requester_erasure"),
        ("guidance", "0001_periods_goals_meetings"),
        ("feedback", "0001_reflections_and_professional_feedback"),
    ]

    operations = [
        migrations.RunPython(
            functools.partial(triggers.create_triggers, tables=TABLES),
            functools.partial(triggers.drop_triggers, tables=TABLES, function=False),
            elidable=False,
        )
    ]
