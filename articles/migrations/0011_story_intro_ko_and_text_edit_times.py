"""A Korean intro, and when each language's text last changed (the stale-Korean notice).

On SQLite, adding the NOT NULL `intro_ko` rebuilds `articles_story`, which drops the search
triggers of 0009: they are created again here, from 0009's own SQL. The search index does not
include `intro_ko` (README "Design notes", "Two languages as fields").
"""

import importlib

from django.db import migrations, models

story_search = importlib.import_module("articles.migrations.0009_story_search")

# The three CREATE TRIGGER statements of 0009, and their DROPs for the way back.
SQLITE_TRIGGERS = [sql for sql in story_search.SQLITE_FORWARDS if "CREATE TRIGGER" in sql]
SQLITE_DROP_TRIGGERS = [sql for sql in story_search.SQLITE_BACKWARDS if "DROP TRIGGER" in sql]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_clean_stored_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="english_edited_at",
            field=models.DateTimeField(
                editable=False,
                help_text="When the English headline, intro or body last changed.",
                null=True,
                verbose_name="English text edited",
            ),
        ),
        migrations.AddField(
            model_name="story",
            name="korean_edited_at",
            field=models.DateTimeField(
                editable=False,
                help_text="When the Korean text last changed or an editor confirmed it up to date.",
                null=True,
                verbose_name="Korean text edited",
            ),
        ),
        # On the way back, removing intro_ko rebuilds the table again: this step then recreates them.
        story_search.RunSQLOn("sqlite", migrations.RunSQL.noop, SQLITE_DROP_TRIGGERS + SQLITE_TRIGGERS),
        migrations.AddField(
            model_name="story",
            name="intro_ko",
            field=models.TextField(
                blank=True,
                help_text="The standfirst in Korean; Korean pages show the English one without it.",
                verbose_name="Korean intro",
            ),
        ),
        # The rebuild dropped them.
        story_search.RunSQLOn("sqlite", SQLITE_DROP_TRIGGERS + SQLITE_TRIGGERS, migrations.RunSQL.noop),
    ]
