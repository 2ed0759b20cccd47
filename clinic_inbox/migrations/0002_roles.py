"""Create the five staff roles as groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["virtual_assistant", "care_coordinator", "billing", "clinical", "office_manager"]

# (app_label, model, actions) every staff role holds.
STAFF = [
    ("clinic_inbox", "case", ("view", "add", "change")),
    ("clinic_inbox", "patient", ("view", "add", "change")),
    ("clinic_inbox", "timelineevent", ("view",)),
    ("clinic_inbox", "reply", ("view", "add")),
    ("clinic_inbox", "internalnote", ("view", "add")),
    ("routing", "category", ("view",)),
    ("routing", "urgencytier", ("view",)),
    ("routing", "responsepolicy", ("view",)),
]
# Office managers run the routing set-up and the schedules.
MANAGER = [
    ("routing", "category", ("add", "change")),
    ("routing", "urgencytier", ("change",)),
    ("routing", "responsepolicy", ("change",)),
    ("routing", "routingrule", ("view", "add", "change", "delete")),
    ("routing", "redflagterm", ("view", "add", "change", "delete")),
    ("routing", "businesscalendar", ("view", "add", "change")),
    ("routing", "openinghours", ("view", "add", "change", "delete")),
    ("routing", "closure", ("view", "add", "change", "delete")),
    ("django_celery_beat", "periodictask", ("view", "change")),
    ("django_celery_beat", "crontabschedule", ("view", "add", "change")),
    ("django_celery_beat", "intervalschedule", ("view", "add", "change")),
]
CLINICAL_ONLY = [("clinic_inbox", "reply_clinical"), ("clinic_inbox", "clear_red_flag")]


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(spec):
        found = []
        for app_label, model, actions in spec:
            for action in actions:
                found.append(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )
        return found

    staff = perms(STAFF)
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*staff)
    Group.objects.get(name="office_manager").permissions.add(*perms(MANAGER))
    Group.objects.get(name="clinical").permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app, codename=code)
            for app, code in CLINICAL_ONLY
        ]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic_inbox", "0001_initial"),
        ("routing", "0002_seed_vocabulary"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
