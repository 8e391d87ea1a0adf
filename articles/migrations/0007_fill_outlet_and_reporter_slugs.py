"""Give existing outlets and bylines the slugs new ones get on save (the same rules, written out here)."""

from django.db import migrations, models
from django.utils.text import slugify


def name_slug(name, max_length):
    return slugify(name, allow_unicode=True)[:max_length].strip("-_")


def fill_slugs(apps, schema_editor):
    Outlet = apps.get_model("articles", "Outlet")
    Story = apps.get_model("articles", "Story")
    taken = set()
    for outlet in Outlet.objects.order_by("pk"):
        base = name_slug(outlet.name, 110) or "outlet"
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        Outlet.objects.filter(pk=outlet.pk).update(slug=slug)
    for reporter in Story.objects.exclude(reporter="").values_list("reporter", flat=True).distinct():
        Story.objects.filter(reporter=reporter).update(reporter_slug=name_slug(reporter, 120))
    # Cached story pages predate the links to outlet and reporter pages.
    Story.objects.update(page_version=models.F("page_version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_outlet_and_reporter_slugs"),
    ]

    operations = [
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
