"""Editors add, change and view corrections; nobody but superusers deletes one (a public record).

The groups are made here, in `comments` (0002_moderator_groups); Moderators get nothing on
corrections. It depends on both groups and the Correction model, so on a fresh database
0002's `permissions.set()` cannot run after it and take the permissions away again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CORRECTION_PERMISSIONS = ["add_correction", "change_correction", "view_correction"]


def correction_permissions(apps):
    # Permissions are normally made after all migrations; this one needs them now.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="articles", codename__in=CORRECTION_PERMISSIONS)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*correction_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*correction_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_clean_stored_text_and_fingerprints"),
        ("articles", "0012_corrections"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
