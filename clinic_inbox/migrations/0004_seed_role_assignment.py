"""One RoleAssignment row per owner role (auto-assignment off), and the office manager's
permissions to run auto-assignment from the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["virtual_assistant", "care_coordinator", "billing", "clinical", "office_manager"]

# (model, actions) the office_manager group gains.
MANAGER = [
    ("staffprofile", ("view", "add", "change")),
    ("roleassignment", ("view", "change")),
]


def manager_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label="clinic_inbox", codename=f"{action}_{model}")
        for model, actions in MANAGER
        for action in actions
    ]


def seed(apps, schema_editor):
    RoleAssignment = apps.get_model("clinic_inbox", "RoleAssignment")
    for role in ROLES:
        RoleAssignment.objects.get_or_create(role=role, defaults={"auto_assign": False})

    # Permissions are normally created after migrate; the grant needs them now.
    app_config = apps.get_app_config("clinic_inbox")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="office_manager").permissions.add(*manager_permissions(apps))


def unseed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="office_manager").permissions.remove(*manager_permissions(apps))
    apps.get_model("clinic_inbox", "RoleAssignment").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic_inbox", "0003_staff_profile_role_assignment"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
