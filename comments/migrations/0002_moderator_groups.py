"""The two staff roles: Moderators (comments only) and Editors (stories and comments)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
EDITORS = "Editors"

COMMENT_PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "change_comment"),
    ("comments", "moderate_comment"),
    ("comments", "view_commentreport"),
    ("comments", "view_moderationlogentry"),
]
STORY_PERMISSIONS = [
    (app, f"{action}_{model}")
    for app, model in [
        ("articles", "story"),
        ("articles", "storyhashtag"),
        ("articles", "hashtag"),
        ("articles", "outlet"),
        ("articles", "sociallink"),
    ]
    for action in ("add", "change", "delete", "view")
]
EDITOR_COMMENT_PERMISSIONS = COMMENT_PERMISSIONS


def permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in pairs:
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.set(permissions(apps, COMMENT_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(permissions(apps, STORY_PERMISSIONS + EDITOR_COMMENT_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[MODERATORS, EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0003_comments_enabled"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
