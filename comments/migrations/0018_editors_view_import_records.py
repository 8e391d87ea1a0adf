"""Editors see what the WordPress and Disqus imports remember (which story or comment came from
which old one, the old addresses), read only: the view permission, nothing else (the imports write
these rows; `articles.import_admin`, `comments.import_admin`).

Here, in `comments`, because it names models of both apps and the Editors group is made here (0002).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
RECORDS = {
    "articles": ["importedsite", "importedpost", "oldaddress"],
    "comments": ["importedcomment", "importeddisquscomment"],
}


def view_permissions(apps):
    # Permissions are normally made after all migrations; this one needs them now.
    Permission = apps.get_model("auth", "Permission")
    found = []
    for label, models in RECORDS.items():
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        codenames = [f"view_{model}" for model in models]
        found += Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
    return found


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*view_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*view_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0017_imported_disqus_comments"),
        ("articles", "0024_old_address_comment_feeds_and_search"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
