"""Moderators and Editors see a comment's earlier versions on its page in admin, as they see its log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Moderators", "Editors"]
CODENAME = "view_commentversion"


def version_permission(apps):
    # Permissions are normally made after all migrations; this one needs it now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="comments", codename=CODENAME)


def give_groups_version_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = version_permission(apps)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def take_groups_version_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="comments", codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0013_comment_edits"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_groups_version_permission, take_groups_version_permission)]
