"""Which assignment types ask for the people reached when marked done (SPEC "people reached"):
client panels, lectures and workshops (training), communication, and development, whose
co-development works through client panels and workshop series. Organisations change this in
the admin."""

from django.db import migrations, models

REACHING_TYPES = ["client_panel", "training", "communication", "development"]


def mark(apps, schema_editor):
    AssignmentType = apps.get_model("registry", "AssignmentType")
    AssignmentType.objects.filter(code__in=REACHING_TYPES).update(records_reach=True)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_assignment_type_payroll_class"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmenttype",
            name="records_reach",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Marking an assignment of this type done asks how many people it reached "
                    "and which group they were (client panels, workshops, lectures, "
                    "communication)."
                ),
                verbose_name="records people reached",
            ),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
