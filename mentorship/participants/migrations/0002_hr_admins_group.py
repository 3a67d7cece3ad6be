from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_ADMIN_GROUP = "HR admins"
PERMISSIONS = [
    ("participants", "view_participant"),
    ("participants", "change_participant"),
    ("participants", "view_orgunit"),
    ("participants", "add_orgunit"),
    ("participants", "change_orgunit"),
]


def create_hr_admins(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now so the group gets them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_hr_admins, migrations.RunPython.noop)]
