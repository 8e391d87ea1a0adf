"""Story bodies become rich text (articles/rich_text.py); search reads their plain text, and the Korean intro.

1. Two nullable columns, `body_plain` and `body_ko_plain`: the bodies as plain text, kept by every
   save (`Story.store_bodies`). Nullable, so SQLite adds them with ALTER TABLE ADD COLUMN and
   rebuilds no table (the search triggers stay).
2. Every stored body, English and Korean, is converted from plain paragraphs to HTML paragraphs
   (`paragraphs_to_html`: blank lines → paragraphs, single line breaks → <br>, text escaped),
   row by row with update(); back: `html_to_paragraphs`. The stories' page versions move on.
3. Search indexes the plain text, so that no tag or address of the markup is found, and the
   Korean intro, which it did not before. SQLite: the FTS5 table gets an `intro_ko` column (FTS5
   tables cannot gain columns: it is made again and filled), its triggers read the plain columns.
   PostgreSQL: the stored document's function and trigger, and the trigram index's expression.
   Where a plain column is NULL (a row made by bulk_create(), which skips save(), without it) the
   index reads the body itself; update() and bulk_create() callers set the plain columns too. Later migrations that rebuild articles_story on SQLite must
   create the triggers again from SQLITE_TRIGGERS here (no longer from 0009).
"""

import importlib

from django.db import migrations, models

from articles.rich_text import body_text, html_to_paragraphs, paragraphs_to_html

story_search = importlib.import_module("articles.migrations.0009_story_search")

BATCH = 500

SQLITE_COLUMNS = "headline, headline_ko, intro, intro_ko, body, body_ko"
SQLITE_VALUES = (
    "{row}headline, {row}headline_ko, {row}intro, {row}intro_ko, "
    "COALESCE({row}body_plain, {row}body), COALESCE({row}body_ko_plain, {row}body_ko)"
)
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER articles_story_search_insert AFTER INSERT ON articles_story BEGIN
        INSERT INTO articles_story_search (rowid, {SQLITE_COLUMNS})
        VALUES (new.id, {SQLITE_VALUES.format(row="new.")});
    END
    """,
    """
    CREATE TRIGGER articles_story_search_update
    AFTER UPDATE OF headline, headline_ko, intro, intro_ko, body, body_ko, body_plain, body_ko_plain
    ON articles_story BEGIN
        UPDATE articles_story_search
        SET headline = new.headline, headline_ko = new.headline_ko, intro = new.intro,
            intro_ko = new.intro_ko, body = COALESCE(new.body_plain, new.body),
            body_ko = COALESCE(new.body_ko_plain, new.body_ko)
        WHERE rowid = new.id;
    END
    """,
    """
    CREATE TRIGGER articles_story_search_delete AFTER DELETE ON articles_story BEGIN
        DELETE FROM articles_story_search WHERE rowid = old.id;
    END
    """,
]
SQLITE_DROP = story_search.SQLITE_BACKWARDS  # the three triggers, then the table
SQLITE_FORWARDS = [
    *SQLITE_DROP,
    f"CREATE VIRTUAL TABLE articles_story_search USING fts5({SQLITE_COLUMNS}, tokenize = 'trigram')",
    *SQLITE_TRIGGERS,
    f"INSERT INTO articles_story_search (rowid, {SQLITE_COLUMNS}) "
    f"SELECT id, {SQLITE_VALUES.format(row='')} FROM articles_story",
]
# Back: 0009's table and triggers, filled from the columns as they are then (plain bodies again).
SQLITE_BACKWARDS = [*SQLITE_DROP, *story_search.SQLITE_FORWARDS]

# As 0009's document, with the Korean intro (`simple`, weight B like the intro) and the plain bodies.
POSTGRESQL_DOCUMENT = """
    setweight(to_tsvector('english', COALESCE({row}headline, '')), 'A')
    || setweight(to_tsvector('simple', COALESCE({row}headline_ko, '')), 'A')
    || setweight(to_tsvector('english', COALESCE({row}intro, '')), 'B')
    || setweight(to_tsvector('simple', COALESCE({row}intro_ko, '')), 'B')
    || setweight(to_tsvector('english', COALESCE({row}body_plain, {row}body, '')), 'C')
    || setweight(to_tsvector('simple', COALESCE({row}body_ko_plain, {row}body_ko, '')), 'C')
"""
# The expression articles.search.PostgreSQLSearch.SUBSTRING_TEXT matches with ILIKE (the same, or
# the index is not used).
POSTGRESQL_TRIGRAM_TEXT = (
    "\"headline\" || ' ' || \"headline_ko\" || ' ' || \"intro\" || ' ' || \"intro_ko\" || ' ' || "
    'COALESCE("body_plain", "body") || \' \' || COALESCE("body_ko_plain", "body_ko")'
)


def postgresql_search(document, columns, trigram_text):
    """The statements that make the stored document and the trigram index read `columns` as `document` says.

    First, the deferred foreign-key checks that the row updates of this migration queued run now:
    PostgreSQL refuses CREATE INDEX, and ALTER TABLE on the way back, on a table with pending trigger
    events (the checks of the rows that refer to the updated stories).
    """
    return [
        "SET CONSTRAINTS ALL IMMEDIATE",
        "DROP TRIGGER IF EXISTS articles_story_search_document ON articles_story",
        f"""
        CREATE OR REPLACE FUNCTION articles_story_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_document := {document.format(row="NEW.")};
            RETURN NEW;
        END
        $$
        """,
        f"""
        CREATE TRIGGER articles_story_search_document
        BEFORE INSERT OR UPDATE OF {columns} ON articles_story
        FOR EACH ROW EXECUTE FUNCTION articles_story_search_document()
        """,
        f"UPDATE articles_story SET search_document = {document.format(row='')}",
        "DROP INDEX IF EXISTS story_search_text_trgm_idx",
        f"CREATE INDEX story_search_text_trgm_idx ON articles_story USING gin (({trigram_text}) gin_trgm_ops)",
    ]


POSTGRESQL_FORWARDS = postgresql_search(
    POSTGRESQL_DOCUMENT,
    "headline, headline_ko, intro, intro_ko, body, body_ko, body_plain, body_ko_plain",
    POSTGRESQL_TRIGRAM_TEXT,
)
POSTGRESQL_BACKWARDS = postgresql_search(
    story_search.POSTGRESQL_DOCUMENT,
    "headline, headline_ko, intro, body, body_ko",
    '"headline" || \' \' || "headline_ko" || \' \' || "intro" || \' \' || "body" || \' \' || "body_ko"',
)


def convert_bodies(apps, convert, plain):
    """Rewrite every story's two bodies with `convert` (str → str); `plain` (bool): fill the plain-text columns."""
    Story = apps.get_model("articles", "Story")
    ids = list(Story.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        rows = Story.objects.filter(pk__in=ids[start : start + BATCH]).values_list("pk", "body", "body_ko")
        for pk, body, body_ko in rows:
            body, body_ko = convert(body), convert(body_ko)
            Story.objects.filter(pk=pk).update(
                body=body,
                body_ko=body_ko,
                body_plain=body_text(body) if plain else None,
                body_ko_plain=body_text(body_ko) if plain else None,
                page_version=models.F("page_version") + 1,
            )


def bodies_to_html(apps, schema_editor):
    convert_bodies(apps, paragraphs_to_html, plain=True)


def bodies_to_paragraphs(apps, schema_editor):
    convert_bodies(apps, html_to_paragraphs, plain=False)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_story_lead_photo"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="body_ko_plain",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="story",
            name="body_plain",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="story",
            name="body",
            field=models.TextField(
                help_text="The story's text: paragraphs, subheadings, lists, quotes, links and photos.",
                verbose_name="body",
            ),
        ),
        migrations.RunPython(bodies_to_html, bodies_to_paragraphs),
        story_search.RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
        story_search.RunSQLOn("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
    ]
