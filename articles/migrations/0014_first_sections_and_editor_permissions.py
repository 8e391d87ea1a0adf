"""The first sections (World, Korea, Culture) with the hashtags that file imported stories in them,
and the Editors group's permissions on sections and front page pins (Editors is made by comments 0002).

The claimed hashtags are a starting point an editor changes in admin: place and topic tags
of the kind the story pages carry, the demo stories' among them, so `make run` shows sections.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
SECTIONS = [
    # (name, Korean name, slug, position, hashtags that file an imported story here)
    ("World", "세계", "world", 10, "#World #세계 #Tallinn"),
    ("Korea", "한국", "korea", 20, "#Korea #한국 #Seoul #서울"),
    ("Culture", "문화", "culture", 30, "#Culture #문화 #Culture_Week #문화교류"),
]
PERMISSIONS = [
    f"{action}_{model}" for model in ("section", "frontpagepin") for action in ("add", "change", "delete", "view")
]


def create_sections(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    for name, name_ko, slug, position, hashtags in SECTIONS:
        Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_ko": name_ko, "position": position, "claimed_hashtags": hashtags}
        )


def remove_sections(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    Section.objects.filter(slug__in=[slug for _, _, slug, _, _ in SECTIONS], stories__isnull=True).delete()


def give_editors_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=PERMISSIONS))


def take_editors_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_sections_and_front_page_pins"),
        ("comments", "0002_moderator_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_sections, remove_sections),
        migrations.RunPython(give_editors_permissions, take_editors_permissions),
    ]
