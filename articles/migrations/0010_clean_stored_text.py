"""Clean the text stored before text hygiene: no control character XML 1.0 cannot carry, no
unpaired bidi control (the rules of `articles.text.clean_stored_text`, as every save applies now).

Updates rows in place (RunPython, no table rebuild: on SQLite a rebuild of articles_story would
drop the search triggers). Cleaned stories get a new page version, so cached pages go.
"""

import logging

from django.db import migrations, models

from articles.models import clean_stored_rows

logger = logging.getLogger(__name__)


def clean_stored_text(apps, schema_editor):
    Story = apps.get_model("articles", "Story")
    for name in ("Outlet", "SocialLink", "Hashtag", "Story"):
        cleaned, left = clean_stored_rows(apps.get_model("articles", name))
        if left:
            logger.warning("%d %s rows left as they were: cleaned, they would duplicate another row.", left, name)
    # Bumping every version is simpler than tracking which stories changed, and happens once.
    Story.objects.update(page_version=models.F("page_version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_story_search"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text, migrations.RunPython.noop),
    ]
