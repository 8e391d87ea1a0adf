"""Data migrations: existing outlets and bylines get their slugs (0007); plain bodies become rich text (0019)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0005_url_scheme_any_case")]
AFTER = [("articles", "0008_outlet_slug_unique")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_outlets_and_bylines_get_slugs():
    old = migrate(BEFORE)
    Outlet = old.get_model("articles", "Outlet")
    Story = old.get_model("articles", "Story")
    seoul = Outlet.objects.create(name="Seoul Daily")
    Outlet.objects.create(name="Seoul Daily!")
    Outlet.objects.create(name="아리랑 뉴스")
    for reporter in ("Choi Min-jung", "최민정 기자", ""):
        Story.objects.create(headline="A story", slug=f"s-{len(reporter)}", body="x", reporter=reporter, outlet=seoul)
    try:
        new = migrate(AFTER)
        slugs = dict(new.get_model("articles", "Outlet").objects.values_list("name", "slug"))
        bylines = dict(new.get_model("articles", "Story").objects.values_list("reporter", "reporter_slug"))
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert slugs == {"Seoul Daily": "seoul-daily", "Seoul Daily!": "seoul-daily-2", "아리랑 뉴스": "아리랑-뉴스"}
    assert bylines == {"Choi Min-jung": "choi-min-jung", "최민정 기자": "최민정-기자", "": ""}


# Migration 0020: plain-text bodies become HTML paragraphs (and back), and search reads their text.
PLAIN_BODIES = [("articles", "0018_story_video_url")]
RICH_BODIES = [("articles", "0020_story_body_html")]


@pytest.mark.django_db(transaction=True)
def test_plain_bodies_become_html_paragraphs_searched_as_text_and_come_back_unchanged():
    from django.utils import timezone

    from articles import search

    old = migrate(PLAIN_BODIES)
    Outlet = old.get_model("articles", "Outlet")
    Story = old.get_model("articles", "Story")
    outlet = Outlet.objects.create(name="Harbour Wire", slug="harbour-wire")
    bodies = {
        "lines": ("First line\nsecond & <b>line</b>\n\n\nSecond paragraph", "첫 줄\n둘째 줄\n\n다음 문단"),
        "one": ("Only one paragraph.", ""),
    }
    for slug, (body, body_ko) in bodies.items():
        Story.objects.create(
            headline=slug,
            slug=slug,
            body=body,
            body_ko=body_ko,
            intro_ko="운임 인상" if slug == "one" else "",
            outlet=outlet,
            status="published",
            published_at=timezone.now(),
        )
    try:
        new = migrate(RICH_BODIES)
        columns = ("body", "body_ko", "body_plain", "body_ko_plain", "page_version")
        converted = {
            row[0]: row[1:] for row in new.get_model("articles", "Story").objects.values_list("slug", *columns)
        }
        found = {
            words: [hit.story.slug for hit in search.StorySearch(search.parse_query(words))[:10]]
            for words in ("second paragraph", "다음 문단", "운임", "br")
        }
        back = migrate(PLAIN_BODIES)
        restored = {
            row[0]: row[1:]
            for row in back.get_model("articles", "Story").objects.values_list("slug", "body", "body_ko")
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert converted == {
        "lines": (
            "<p>First line<br>second &amp; &lt;b&gt;line&lt;/b&gt;</p><p>Second paragraph</p>",
            "<p>첫 줄<br>둘째 줄</p><p>다음 문단</p>",
            "First line\nsecond & <b>line</b>\n\nSecond paragraph",
            "첫 줄\n둘째 줄\n\n다음 문단",
            1,
        ),
        "one": ("<p>Only one paragraph.</p>", "", "Only one paragraph.", "", 1),
    }
    assert found == {"second paragraph": ["lines"], "다음 문단": ["lines"], "운임": ["one"], "br": []}
    assert restored == {
        "lines": ("First line\nsecond & <b>line</b>\n\nSecond paragraph", "첫 줄\n둘째 줄\n\n다음 문단"),
        "one": ("Only one paragraph.", ""),
    }
