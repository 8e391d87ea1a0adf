"""Editors lose the delete permission on comments: "Remove" hides a comment and keeps it."""

from django.db import migrations


def drop_delete_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    delete = Permission.objects.filter(content_type__app_label="comments", codename="delete_comment")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*delete)


def restore_delete_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    delete = Permission.objects.filter(content_type__app_label="comments", codename="delete_comment")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*delete)


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_url_scheme_any_case")]

    operations = [migrations.RunPython(drop_delete_permission, restore_delete_permission)]
