"""The SPEC's default assignment types, a sample two-level set of service areas and the
experience areas. Organisations edit all of these in the admin afterwards."""

from django.db import migrations

ASSIGNMENT_TYPES = [
    ("client_support", "Asiakkaan tukena"),
    ("development", "Kehittäminen ja yhteiskehittäminen"),
    ("communication", "Tiedottaminen"),
    ("evaluation", "Arviointi"),
    ("training", "Koulutus ja luennointi"),
    ("peer_group", "Vertaisryhmän ohjaus"),
    ("experience_guidance", "Kokemusohjaus"),
    ("client_panel", "Asiakasraati"),
    ("other", "Muu"),
]

# division code, name, [(service code, name)]
SERVICE_AREAS = [
    ("mental_health", "Mielenterveys- ja päihdepalvelut", [
        ("mh_outpatient", "Mielenterveyden avopalvelut"),
        ("substance_services", "Päihdepalvelut"),
        ("mh_housing", "Asumispalvelut"),
    ]),
    ("family_social", "Perhe- ja sosiaalipalvelut", [
        ("child_welfare", "Lastensuojelu"),
        ("adult_social_work", "Aikuissosiaalityö"),
        ("family_services", "Perhepalvelut"),
    ]),
    ("health", "Terveyspalvelut", [
        ("primary_care", "Terveysasemat"),
        ("hospital", "Sairaalapalvelut"),
    ]),
    ("elderly", "Ikääntyneiden palvelut", [
        ("home_care", "Kotihoito"),
    ]),
    ("disability", "Vammaispalvelut", []),
]

EXPERIENCE_AREAS = [
    ("mental_health", "Mielenterveys"),
    ("substance_use", "Päihteet"),
    ("homelessness", "Asunnottomuus"),
    ("disability", "Vammaisuus"),
    ("long_term_illness", "Pitkäaikaissairaus"),
    ("family_child_welfare", "Perhe- ja lastensuojelu"),
]


def create(apps, schema_editor):
    AssignmentType = apps.get_model("registry", "AssignmentType")
    ServiceArea = apps.get_model("registry", "ServiceArea")
    ExperienceArea = apps.get_model("registry", "ExperienceArea")
    for order, (code, name) in enumerate(ASSIGNMENT_TYPES, start=1):
        AssignmentType.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )
    for code, name, services in SERVICE_AREAS:
        division, _ = ServiceArea.objects.get_or_create(code=code, defaults={"name": name})
        for service_code, service_name in services:
            ServiceArea.objects.get_or_create(
                code=service_code, defaults={"name": service_name, "parent": division}
            )
    for code, name in EXPERIENCE_AREAS:
        ExperienceArea.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("registry", "AssignmentType").objects.filter(
        code__in=[code for code, _ in ASSIGNMENT_TYPES]
    ).delete()
    ServiceArea = apps.get_model("registry", "ServiceArea")
    for code, _name, services in SERVICE_AREAS:
        ServiceArea.objects.filter(code__in=[c for c, _ in services]).delete()
        ServiceArea.objects.filter(code=code).delete()
    apps.get_model("registry", "ExperienceArea").objects.filter(
        code__in=[code for code, _ in EXPERIENCE_AREAS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
