"""The listings' queries read their indexes in order and never list every public story, at any size.

SQLite plans without statistics (the site runs no ANALYZE), so the plan a query has on the test
database is the plan it has at 100,000 stories; bench/archive.py measured what these plans cost there
(README "Benchmarks", "Large archives"). PostgreSQL plans by its statistics, which a test table
does not have: these are SQLite's plans.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import FrontPagePin, Section

from .factories import make_correction, make_outlet, make_story

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans, which do not depend on the data"),
]


def plans_of(client, path):
    """[(sql, plan text)] of every query of a rendered GET of `path` (a commenter's cookie: no page cache)."""
    client.cookies["newsroom_comment_author"] = "x"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append((query["sql"], "\n".join(row[-1] for row in cursor.fetchall())))
    return plans


def listing_and_count(plans):
    """The plans of the page's story cards (LIMIT, newest first) and of the count of its stories."""
    cards = [plan for sql, plan in plans if sql.startswith('SELECT "articles_story"."id"') and " LIMIT " in sql]
    counts = [plan for sql, plan in plans if sql.startswith("SELECT COUNT(*)") and "articles_story" in sql]
    assert len(cards) == 1 and len(counts) == 1, plans
    return cards[0], counts[0]


@pytest.fixture
def archive():
    """45 stories (two pages of each listing) of two outlets and two sections under one byline, a
    correction, and a pinned lead."""
    world, culture = Section.objects.get(slug="world"), Section.objects.get(slug="culture")
    wire, daily = make_outlet(name="Wire"), make_outlet(name="Daily")
    stories = [
        make_story(outlet=(wire, daily)[number % 2], section=(world, culture)[number % 2], reporter="Kim Ara")
        for number in range(45)
    ]
    make_correction(stories[3])
    FrontPagePin.objects.create(story=stories[0], slot=FrontPagePin.Slot.LEAD)
    return wire


@pytest.mark.parametrize(
    ("path", "index"),
    [
        ("/en/?page=2", "story_listing_idx"),
        ("/en/sections/world/?page=2", "story_section_idx"),
        ("/en/outlets/wire/?page=2", "story_outlet_idx"),
        ("/en/reporters/kim-ara/?page=2", "story_reporter_idx"),
    ],
)
def test_a_listing_page_reads_its_index_in_order_and_counts_in_it(client, archive, path, index):
    cards, count = listing_and_count(plans_of(client, path))
    # In the index's order: no sort of every story before the page (nor of its OFFSET rows' subqueries).
    assert f"USING INDEX {index}" in cards and "TEMP B-TREE" not in cards, cards
    assert f"USING COVERING INDEX {index}" in count, count


@pytest.mark.parametrize("path", ["/en/", "/en/corrections/", "/en/corrections/feed.rss"])
def test_pins_and_corrections_look_up_their_own_stories_not_a_list_of_every_public_one(client, archive, path):
    plans = plans_of(client, path)
    assert all("LIST SUBQUERY" not in plan for _sql, plan in plans), plans


def test_the_corrections_page_reads_the_corrections_newest_first_from_their_index(client, archive):
    plans = [plan for sql, plan in plans_of(client, "/en/corrections/") if " LIMIT " in sql]
    assert any("SCAN articles_correction USING INDEX correction_listing_idx" in plan for plan in plans), plans


def test_related_stories_are_ranked_from_the_hashtag_links_not_every_public_story(client, archive):
    story = make_story(hashtags=["Harbour", "Ferry"])
    make_story(headline="A sibling", hashtags=["Ferry"])
    plans = [plan for sql, plan in plans_of(client, story.get_absolute_url()) if '"shared_hashtags"' in sql]
    assert len(plans) == 1, plans
    # The links of the story's hashtags, then the chosen stories by id: no walk through the listing index.
    assert "articles_storyhashtag_hashtag_id" in plans[0] and "story_listing_idx" not in plans[0], plans[0]


def story_walks(plan_rows):
    """The plan lines that walk the public stories (the listing index) once per row of an outer loop: in
    the same loop nest after a loop over the hashtags, or inside a correlated subquery."""
    correlated = {row_id for row_id, _parent, _unused, detail in plan_rows if detail.startswith("CORRELATED")}
    after_hashtags, walks = set(), []
    for _id, parent, _unused, detail in plan_rows:
        if " articles_hashtag " in f"{detail} ":
            after_hashtags.add(parent)
        if "story_listing_idx" in detail and (parent in correlated or parent in after_hashtags):
            walks.append(detail)
    return walks


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-hashtags.xml"])
def test_the_hashtags_sitemap_reads_the_public_stories_once_not_once_a_hashtag(client, archive, path):
    make_story(hashtags=["Ferry", "Port"])  # a hashtags file to render
    client.cookies["newsroom_comment_author"] = "x"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            assert story_walks(cursor.fetchall()) == [], query["sql"]
