"""The Reporters group (write their own stories, submit them for review) and the editors' right to publish.

Reporters get add/change/view on stories but not delete, and `submit_story`, not `publish_story`:
the story admin keeps them to their own drafts (articles/admin.py). They read hashtags (the
autocomplete needs it) and set a story's hashtags. Editors get `publish_story`, `submit_story`
and the status log. Moderators get nothing here: comments only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTERS = "Reporters"
EDITORS = "Editors"
REPORTER_PERMISSIONS = [
    "add_story",
    "change_story",
    "view_story",
    "submit_story",
    "add_storyhashtag",
    "change_storyhashtag",
    "delete_storyhashtag",
    "view_storyhashtag",
    "view_hashtag",
]
EDITOR_PERMISSIONS = ["publish_story", "submit_story", "view_storystatuschange"]


def articles_permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)


def create_reporters(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    reporters, _ = Group.objects.get_or_create(name=REPORTERS)
    reporters.permissions.set(articles_permissions(apps, REPORTER_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*articles_permissions(apps, EDITOR_PERMISSIONS))


def remove_reporters(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=REPORTERS).delete()
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.remove(*articles_permissions(apps, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_roles_story_workflow"),
        ("comments", "0002_moderator_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_reporters, remove_reporters)]
