"""Cut long runs of combining marks ("Zalgo" text) in the stored text: at most 30 on a base
character (`articles.text.limit_combining_marks`, part of `clean_stored_text` that every save
applies now). The page's CSS clips what a user text block draws outside itself, but 3,000 marks
clipped still black out the block's own lines, and feeds and e-mails have no CSS.

Row updates only (RunPython, no table rebuild: on SQLite a rebuild of articles_story would drop
the search triggers). The stories whose text, outlet, hashtags or corrections changed get a new
page version, so their cached pages go.
"""

import logging

from django.db import migrations, models

from articles.models import clean_stored_rows

logger = logging.getLogger(__name__)


def limit_combining_marks(apps, schema_editor):
    Story = apps.get_model("articles", "Story")
    cleaned = {}
    for name in ("Outlet", "SocialLink", "Hashtag", "Story", "Correction"):
        cleaned[name], left = clean_stored_rows(apps.get_model("articles", name))
        if left:
            logger.warning("%d %s rows left as they were: cleaned, they would duplicate another row.", left, name)
    SocialLink = apps.get_model("articles", "SocialLink")
    Correction = apps.get_model("articles", "Correction")
    outlets = {
        *cleaned["Outlet"],
        *SocialLink.objects.filter(pk__in=cleaned["SocialLink"]).values_list("outlet_id", flat=True),
    }
    changed = (
        models.Q(pk__in=cleaned["Story"])
        | models.Q(pk__in=Correction.objects.filter(pk__in=cleaned["Correction"]).values("story_id"))
        | models.Q(outlet_id__in=outlets)
        | models.Q(hashtag_links__hashtag_id__in=cleaned["Hashtag"])
    )
    Story.objects.filter(pk__in=Story.objects.filter(changed).values("pk")).update(
        page_version=models.F("page_version") + 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_first_sections_and_editor_permissions"),
    ]

    operations = [
        migrations.RunPython(limit_combining_marks, migrations.RunPython.noop),
    ]
