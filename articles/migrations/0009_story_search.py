"""What search needs from each database (see articles/search.py).

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or newer), filled from the stories
and kept in step by triggers on articles_story. Note: on SQLite, Django rebuilds a table for most
field changes (adding a NOT NULL field, for one), and dropping the old table drops these triggers:
such a migration must create them again (the search tests fail until it does).

PostgreSQL: pg_trgm; the stories' text-search document in a column kept by a trigger, with a GIN
index; a trigram GIN index on their text. articles.search.PostgreSQLSearch queries with these.
"""

import sqlite3

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE articles_story_search USING fts5(
        headline, headline_ko, intro, body, body_ko, tokenize = 'trigram'
    )
    """,
    """
    CREATE TRIGGER articles_story_search_insert AFTER INSERT ON articles_story BEGIN
        INSERT INTO articles_story_search (rowid, headline, headline_ko, intro, body, body_ko)
        VALUES (new.id, new.headline, new.headline_ko, new.intro, new.body, new.body_ko);
    END
    """,
    """
    CREATE TRIGGER articles_story_search_update
    AFTER UPDATE OF headline, headline_ko, intro, body, body_ko ON articles_story BEGIN
        UPDATE articles_story_search
        SET headline = new.headline, headline_ko = new.headline_ko, intro = new.intro,
            body = new.body, body_ko = new.body_ko
        WHERE rowid = new.id;
    END
    """,
    """
    CREATE TRIGGER articles_story_search_delete AFTER DELETE ON articles_story BEGIN
        DELETE FROM articles_story_search WHERE rowid = old.id;
    END
    """,
    """
    INSERT INTO articles_story_search (rowid, headline, headline_ko, intro, body, body_ko)
    SELECT id, headline, headline_ko, intro, body, body_ko FROM articles_story
    """,
]

SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_story_search_insert",
    "DROP TRIGGER IF EXISTS articles_story_search_update",
    "DROP TRIGGER IF EXISTS articles_story_search_delete",
    "DROP TABLE IF EXISTS articles_story_search",
]

# The text-search document is stored (a column the model does not list, filled by a trigger):
# computing to_tsvector() again for every matching row to check and rank it was about 100 times
# slower. A trigger rather than a generated column, so that later migrations can still change the
# text columns' types. English text with English stemming, Korean with `simple` (PostgreSQL has no
# Korean dictionary); weights: headlines A, intro B, bodies C.
POSTGRESQL_DOCUMENT = """
    setweight(to_tsvector('english', COALESCE({row}headline, '')), 'A')
    || setweight(to_tsvector('simple', COALESCE({row}headline_ko, '')), 'A')
    || setweight(to_tsvector('english', COALESCE({row}intro, '')), 'B')
    || setweight(to_tsvector('english', COALESCE({row}body, '')), 'C')
    || setweight(to_tsvector('simple', COALESCE({row}body_ko, '')), 'C')
"""

POSTGRESQL_FORWARDS = [
    # Trusted since PostgreSQL 13: the database owner may create it. Left in place on the way back.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE articles_story ADD COLUMN search_document tsvector",
    f"""
    CREATE FUNCTION articles_story_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document := {POSTGRESQL_DOCUMENT.format(row="NEW.")};
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER articles_story_search_document
    BEFORE INSERT OR UPDATE OF headline, headline_ko, intro, body, body_ko ON articles_story
    FOR EACH ROW EXECUTE FUNCTION articles_story_search_document()
    """,
    f"UPDATE articles_story SET search_document = {POSTGRESQL_DOCUMENT.format(row='')}",
    "CREATE INDEX story_search_document_idx ON articles_story USING gin (search_document)",
    # Substrings of three characters or more (the middle of a Korean compound) on a trigram index.
    # The expression is the one articles.search.PostgreSQLSearch matches with ILIKE.
    """
    CREATE INDEX story_search_text_trgm_idx ON articles_story USING gin ((
        "headline" || ' ' || "headline_ko" || ' ' || "intro" || ' ' || "body" || ' ' || "body_ko"
    ) gin_trgm_ops)
    """,
]

POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS story_search_text_trgm_idx",
    "DROP INDEX IF EXISTS story_search_document_idx",
    "DROP TRIGGER IF EXISTS articles_story_search_document ON articles_story",
    "DROP FUNCTION IF EXISTS articles_story_search_document()",
    "ALTER TABLE articles_story DROP COLUMN IF EXISTS search_document",
]


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database vendor; nothing on the others."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def require_trigram_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 34, 0):
        raise ImproperlyConfigured(
            f"Search needs SQLite 3.34 or newer (the FTS5 trigram tokenizer); this Python has SQLite "
            f"{sqlite3.sqlite_version}. Use a newer Python build or PostgreSQL (DATABASE_URL)."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_outlet_slug_unique"),
    ]

    operations = [
        migrations.RunPython(require_trigram_sqlite, migrations.RunPython.noop),
        RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
        RunSQLOn("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
    ]
