"""Swedish and English names for the default topics of 0002, where still empty."""

from django.db import migrations

# code: (Swedish, English)
TOPICS = {
    "roles_boundaries": ("Roller och gränser", "Roles and boundaries"),
    "coping": ("Att orka i arbetet", "Coping at work"),
    "work_cultures": ("Arbetskulturer", "Work cultures"),
    "cooperation": ("Samarbete med yrkesutbildade", "Cooperation with professionals"),
    "difficult_situations": ("Svåra situationer", "Difficult situations"),
    "recovery": ("Egen återhämtning", "Own recovery"),
}


def name(apps, schema_editor):
    for topic in apps.get_model("supervision", "SupervisionTopic").objects.filter(code__in=TOPICS):
        swedish, english = TOPICS[topic.code]
        topic.name_sv = topic.name_sv or swedish
        topic.name_en = topic.name_en or english
        topic.save(update_fields=["name_sv", "name_en"])


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_names_in_swedish_and_english")]

    operations = [migrations.RunPython(name, migrations.RunPython.noop)]
