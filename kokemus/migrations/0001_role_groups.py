"""The role groups of the SPEC (coordinator, evaluation, expert) with their model permissions.

Views check the role by group name (kokemus/access.py); these permissions matter where a
coordinator is also made staff for the admin. Experts and the evaluation group get no write
permission on any model: their pages are limited by querysets, not by model permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT = ["view", "add", "change"]
EDIT_AND_DELETE = ["view", "add", "change", "delete"]

COORDINATOR = {
    "registry": {
        "expert": EDIT,
        "professional": EDIT,
        "experienceconsent": EDIT,
        "expertexperience": EDIT_AND_DELETE,
        "servicearea": ["view"],
        "assignmenttype": ["view"],
        "experiencearea": ["view"],
    },
    "agreements": {
        "agreement": EDIT,
        "assignment": EDIT,
        "participation": EDIT_AND_DELETE,
    },
    "supervision": {
        "supervisiongroup": EDIT,
        "groupmembership": EDIT_AND_DELETE,
        "supervisionsession": EDIT_AND_DELETE,
        "attendance": EDIT_AND_DELETE,
        "supervisiontopic": ["view"],
    },
}
EVALUATION = {"registry": {"servicearea": ["view"], "assignmenttype": ["view"]}}
ROLES = {"coordinator": COORDINATOR, "evaluation": EVALUATION, "expert": {}}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to attach them.
    for app_label in ("registry", "agreements", "supervision"):
        app_config = apps.get_app_config(app_label)
        stub = getattr(app_config, "models_module", None) is None  # migration state's stub
        if stub:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        if stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            (app_label, f"{action}_{model}")
            for app_label, models in grants.items()
            for model, actions in models.items()
            for action in actions
        ]
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in codenames
            ]
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0002_default_reference_data"),
        ("agreements", "0001_initial"),
        ("supervision", "0002_default_topics"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
