"""Clean the text stored before text hygiene: no control character XML 1.0 cannot carry, no
unpaired bidi control (the rules of `articles.text.clean_stored_text`, as every save applies now).

Updates rows in place (RunPython, no table rebuild: on SQLite a rebuild of articles_story would
drop the search triggers). The stories whose text or outlet changed get a new page version, so
their cached pages go.
"""

import logging

from django.db import migrations, models

from articles.models import clean_stored_rows

logger = logging.getLogger(__name__)


def clean_stored_text(apps, schema_editor):
    Story = apps.get_model("articles", "Story")
    cleaned = {}
    for name in ("Outlet", "SocialLink", "Hashtag", "Story"):
        cleaned[name], left = clean_stored_rows(apps.get_model("articles", name))
        if left:
            logger.warning("%d %s rows left as they were: cleaned, they would duplicate another row.", left, name)
    SocialLink = apps.get_model("articles", "SocialLink")
    outlets = {
        *cleaned["Outlet"],
        *SocialLink.objects.filter(pk__in=cleaned["SocialLink"]).values_list("outlet_id", flat=True),
    }
    # Hashtags, like outlets, show on every page of their stories.
    changed = (
        models.Q(pk__in=cleaned["Story"])
        | models.Q(outlet_id__in=outlets)
        | models.Q(hashtag_links__hashtag_id__in=cleaned["Hashtag"])
    )
    Story.objects.filter(pk__in=Story.objects.filter(changed).values("pk")).update(
        page_version=models.F("page_version") + 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_story_search"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text, migrations.RunPython.noop),
    ]
