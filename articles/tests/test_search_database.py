"""What each database keeps for search, and that its indexes are used (each class runs on its database)."""

import pytest
from django.db import connection

from articles import search
from articles.models import Story

from .factories import make_story

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's full-text and pg_trgm indexes"
)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def terms(text):
    return search.search_terms(search.parse_query(text))


@on_sqlite
class TestSQLite:
    def test_index_is_an_fts5_table_with_the_trigram_tokenizer(self):
        [(sql,)] = rows("SELECT sql FROM sqlite_master WHERE name = 'articles_story_search'")
        assert "fts5" in sql
        assert "tokenize = 'trigram'" in sql

    def test_triggers_keep_the_index_in_step_after_every_migration(self):
        triggers = {name for (name,) in rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        expected = {"articles_story_search_insert", "articles_story_search_update", "articles_story_search_delete"}
        assert expected <= triggers, (
            "A migration rebuilt articles_story on SQLite, which drops its triggers: "
            "create them again in that migration (see articles/migrations/0009_story_search.py)."
        )

    def test_index_holds_the_text_of_each_story_and_its_bodies_without_markup(self):
        story = make_story(
            headline="Ferry",
            headline_ko="여객선",
            intro="Intro",
            intro_ko="소개",
            body='<p>Body <a href="https://e.example/">text</a></p><p>Two</p>',
            body_ko="<p><strong>본문</strong></p>",
        )
        assert rows(
            "SELECT headline, headline_ko, intro, intro_ko, body, body_ko FROM articles_story_search WHERE rowid = %s",
            [story.pk],
        ) == [("Ferry", "여객선", "Intro", "소개", "Body text\n\nTwo", "본문")]

    def test_a_search_starts_from_the_full_text_index(self):
        from_where, params, _ = search.SQLiteSearch.from_where_clause(terms("ukraine 북한"))
        plan = " / ".join(row[-1] for row in rows(f"EXPLAIN QUERY PLAN SELECT count(*) {from_where}", params))
        assert plan.startswith("SCAN articles_story_search VIRTUAL TABLE INDEX 0:M")
        assert "SEARCH articles_story USING INTEGER PRIMARY KEY" in plan


@on_postgresql
class TestPostgreSQL:
    @pytest.fixture
    def plan(self):
        def explain(text):
            with connection.cursor() as cursor:
                # Whatever the table's size, only a bitmap scan of an index that serves the conditions is left.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
            # The search conditions alone: the index on publication time says nothing about these.
            return Story.objects.filter(*search.PostgreSQLSearch.conditions(terms(text))).order_by().explain()

        return explain

    def test_english_words_match_their_other_forms(self, client):
        story = make_story(headline="Talks stall", body="Negotiators said the wars had exhausted both countries.")
        assert search.PostgreSQLSearch.count(terms("war")) == 1
        assert search.PostgreSQLSearch.count(terms("exhausting")) == 1
        assert story.headline in client.get("/en/search/", {"q": "exhausting"}).content.decode()

    def test_the_stored_document_follows_edits(self):
        story = make_story(body="Cranes restarted at dawn.")
        story.body = "Ferries returned at noon."
        story.save()
        assert search.PostgreSQLSearch.count(terms("ferries")) == 1
        assert search.PostgreSQLSearch.count(terms("cranes")) == 0

    def test_words_are_looked_up_in_the_full_text_index(self, plan):
        assert "Bitmap Index Scan on story_search_document_idx" in plan("북한")

    def test_substrings_are_looked_up_in_the_trigram_index(self, plan):
        explained = plan("크라이나")
        assert "Bitmap Index Scan on story_search_document_idx" in explained
        assert "Bitmap Index Scan on story_search_text_trgm_idx" in explained

    def test_a_korean_word_with_a_particle_is_looked_up_by_its_stem_in_both_indexes(self, plan):
        explained = plan("쿠르스크에서")
        assert "Bitmap Index Scan on story_search_document_idx" in explained
        assert "Bitmap Index Scan on story_search_text_trgm_idx" in explained
        assert "%쿠르스크%" in explained
