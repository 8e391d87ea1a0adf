"""The staff groups' rights on the photo library: Reporters upload photos and change their own
(add, change, view; photos/admin.py keeps them to their own), Editors everything, Moderators nothing.

The groups are made by comments 0002 (Moderators, Editors) and articles 0017 (Reporters).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTERS = "Reporters"
EDITORS = "Editors"
REPORTER_PERMISSIONS = ["add_photo", "change_photo", "view_photo"]
EDITOR_PERMISSIONS = ["add_photo", "change_photo", "delete_photo", "view_photo", "change_others_photos"]


def photo_permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="photos", codename__in=codenames)


def give_groups_photo_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("photos")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ((REPORTERS, REPORTER_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*photo_permissions(apps, codenames))


def take_groups_photo_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=[REPORTERS, EDITORS]):
        group.permissions.remove(*photo_permissions(apps, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0001_initial"),
        ("articles", "0017_roles_reporters_group"),
        ("comments", "0002_moderator_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_groups_photo_permissions, take_groups_photo_permissions)]
