"""Swedish and English names for the default reference data of 0002, where still empty.

Names an organisation has already given stay as they are."""

from django.db import migrations

# code: (Swedish, English)
ASSIGNMENT_TYPES = {
    "client_support": ("Som stöd för klienten", "Client support"),
    "development": ("Utveckling och samutveckling", "Development and co-development"),
    "communication": ("Information", "Communication"),
    "evaluation": ("Utvärdering", "Evaluation"),
    "training": ("Utbildning och föreläsningar", "Training and lecturing"),
    "peer_group": ("Ledning av kamratgrupp", "Leading a peer group"),
    "experience_guidance": ("Erfarenhetshandledning", "Experience guidance"),
    "client_panel": ("Klientpanel", "Client panel"),
    "other": ("Annat", "Other"),
}

SERVICE_AREAS = {
    "mental_health": (
        "Mentalvårds- och missbrukartjänster",
        "Mental health and substance abuse services",
    ),
    "mh_outpatient": ("Öppenvård inom mentalvården", "Outpatient mental health services"),
    "substance_services": ("Missbrukartjänster", "Substance abuse services"),
    "mh_housing": ("Boendetjänster", "Housing services"),
    "family_social": ("Familje- och socialtjänster", "Family and social services"),
    "child_welfare": ("Barnskydd", "Child welfare"),
    "adult_social_work": ("Socialt arbete för vuxna", "Adult social work"),
    "family_services": ("Familjetjänster", "Family services"),
    "health": ("Hälsovårdstjänster", "Health services"),
    "primary_care": ("Hälsostationer", "Health centres"),
    "hospital": ("Sjukhustjänster", "Hospital services"),
    "elderly": ("Tjänster för äldre", "Services for older people"),
    "home_care": ("Hemvård", "Home care"),
    "disability": ("Handikappservice", "Disability services"),
}

EXPERIENCE_AREAS = {
    "mental_health": ("Psykisk hälsa", "Mental health"),
    "substance_use": ("Missbruk", "Substance use"),
    "homelessness": ("Bostadslöshet", "Homelessness"),
    "disability": ("Funktionsnedsättning", "Disability"),
    "long_term_illness": ("Långvarig sjukdom", "Long-term illness"),
    "family_child_welfare": ("Familje- och barnskydd", "Family and child welfare"),
}

NAMES = {
    "AssignmentType": ASSIGNMENT_TYPES,
    "ServiceArea": SERVICE_AREAS,
    "ExperienceArea": EXPERIENCE_AREAS,
}


def name(apps, schema_editor):
    for model_name, names in NAMES.items():
        model = apps.get_model("registry", model_name)
        for item in model.objects.filter(code__in=names):
            swedish, english = names[item.code]
            item.name_sv = item.name_sv or swedish
            item.name_en = item.name_en or english
            item.save(update_fields=["name_sv", "name_en"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_names_in_swedish_and_english")]

    operations = [migrations.RunPython(name, migrations.RunPython.noop)]
