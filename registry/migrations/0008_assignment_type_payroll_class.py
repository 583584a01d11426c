"""How each assignment type's fees are paid: lectures (training) and meetings (the client panel)
as wage, the Tax Administration's view of lecture and meeting fees; the rest as compensation for
work. Organisations change this in the admin."""

from django.db import migrations, models

WAGE_TYPES = ["training", "client_panel"]


def classify(apps, schema_editor):
    AssignmentType = apps.get_model("registry", "AssignmentType")
    AssignmentType.objects.filter(code__in=WAGE_TYPES).update(payroll_class="wage")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_expert_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmenttype",
            name="payroll_class",
            field=models.CharField(
                choices=[("wage", "wage"), ("compensation", "compensation for work")],
                default="compensation",
                help_text=(
                    "Wage for lectures and meeting fees (the Tax Administration's view), "
                    "otherwise compensation for work. The payroll run classifies each line by this."
                ),
                max_length=12,
                verbose_name="paid as",
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
