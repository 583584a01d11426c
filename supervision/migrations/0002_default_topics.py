"""Supervision topics named in the seeds: roles and boundaries, coping at work, and so on."""

from django.db import migrations

TOPICS = [
    ("roles_boundaries", "Roolit ja rajat"),
    ("coping", "Työssä jaksaminen"),
    ("work_cultures", "Työskentelykulttuurit"),
    ("cooperation", "Yhteistyö ammattilaisten kanssa"),
    ("difficult_situations", "Vaikeat tilanteet"),
    ("recovery", "Oma toipuminen"),
]


def create(apps, schema_editor):
    SupervisionTopic = apps.get_model("supervision", "SupervisionTopic")
    for code, name in TOPICS:
        SupervisionTopic.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("supervision", "SupervisionTopic").objects.filter(
        code__in=[code for code, _ in TOPICS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
