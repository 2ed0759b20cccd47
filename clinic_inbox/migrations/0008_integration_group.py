"""Create the `integration` group for API clients (portal, phone system).

It is not an owner role: it holds only the permissions the integration API checks, so a
member can create messages and read a case's status but never works a queue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "integration"
PERMISSIONS = ("add_case", "view_case")


def create_integration_group(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="clinic_inbox", codename__in=PERMISSIONS)
    )


def remove_integration_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic_inbox", "0007_intake_channels_and_warnings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_integration_group, remove_integration_group)]
