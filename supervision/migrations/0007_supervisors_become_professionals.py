"""Each group's supervisor, a name and a text until now, becomes a professional record: one
person for every group they supervise, their experience of peer work recorded on them."""

from django.db import migrations


def split_name(name: str) -> tuple[str, str]:
    """"Raija Rinne" → ("Raija", "Rinne"); the last word is the surname, as Finns write."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return " ".join(words[:-1]), words[-1]


def supervisors_to_professionals(apps, schema_editor):
    Group = apps.get_model("supervision", "SupervisionGroup")
    Professional = apps.get_model("registry", "Professional")
    for group in Group.objects.exclude(supervisor_name="").order_by("pk"):
        first_name, last_name = split_name(group.supervisor_name)
        person = (
            Professional.objects.filter(first_name__iexact=first_name, last_name__iexact=last_name)
            .order_by("pk")
            .first()
        )
        if person is None:
            person = Professional.objects.create(first_name=first_name, last_name=last_name)
        experience = group.supervisor_peer_experience.strip()
        if experience and experience not in person.peer_work_experience:
            person.peer_work_experience = "\n\n".join(
                text for text in (person.peer_work_experience, experience) if text
            )
            person.save(update_fields=["peer_work_experience"])
        group.supervisor = person
        group.save(update_fields=["supervisor"])


def professionals_to_supervisors(apps, schema_editor):
    Group = apps.get_model("supervision", "SupervisionGroup")
    for group in Group.objects.filter(supervisor__isnull=False).select_related("supervisor"):
        person = group.supervisor
        group.supervisor_name = f"{person.first_name} {person.last_name}".strip()[:200]
        group.supervisor_peer_experience = person.peer_work_experience
        group.save(update_fields=["supervisor_name", "supervisor_peer_experience"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_professional_peer_work_experience"),
        ("supervision", "0006_planned_supervision"),
    ]

    operations = [
        migrations.RunPython(supervisors_to_professionals, professionals_to_supervisors),
    ]
