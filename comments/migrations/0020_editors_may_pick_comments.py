"""Editors may mark comments as editor's picks (`comments.pick_comment`).

A pick is the paper recommending a comment to every reader, under the label "Editor's pick": an
editorial judgement, so it goes with the Editors group (who already moderate the queue).
Moderators decide whether a comment may stand, not what the paper recommends: they get nothing
here (a superuser can give a moderator the permission on their account).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PICK_PERMISSION = "pick_comment"


def pick_permission(apps):
    # Permissions are normally made after all migrations; this one needs it now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="comments", codename=PICK_PERMISSION)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*pick_permission(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*pick_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0019_editors_picks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
