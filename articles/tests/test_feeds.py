import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Story

from .factories import make_hashtag, make_outlet, make_story
from .feed_reading import FEED_TYPES, FORMATS, entry_dates, feed_links, read_feed, shown_text
from .page_cache_helpers import PAGE_CACHE_QUERY

pytestmark = pytest.mark.django_db

SEOUL = dt.timedelta(hours=9)


def latest_feed_url(kind, language="en"):
    with translation.override(language):
        return reverse(f"articles:feed_{kind}")


def hashtag_feed_url(kind, hashtag, language="en"):
    with translation.override(language):
        return reverse(f"articles:hashtag_feed_{kind}", kwargs={"slug": hashtag.slug})


def titles(feed):
    return [shown_text(entry, "title") for entry in feed.entries]


@pytest.mark.parametrize("kind", FORMATS)
class TestLatestStoriesFeed:
    def test_is_served_with_its_feed_type(self, client, kind):
        response = client.get(latest_feed_url(kind))
        assert response["Content-Type"] == f"{FEED_TYPES[kind]}; charset=utf-8"

    def test_lists_published_stories_newest_first(self, client, kind):
        make_story(headline="Older ferry news", published_at=timezone.now() - dt.timedelta(days=2))
        make_story(headline="Newer ferry news", published_at=timezone.now() - dt.timedelta(hours=1))
        feed = read_feed(client.get(latest_feed_url(kind)))
        assert titles(feed) == ["Newer ferry news", "Older ferry news"]

    def test_leaves_out_drafts_and_scheduled_stories(self, client, kind):
        make_story(headline="Public story")
        make_story(headline="Draft in the works", status=Story.Status.DRAFT)
        make_story(headline="Embargoed until tomorrow", published_at=timezone.now() + dt.timedelta(days=1))
        feed = read_feed(client.get(latest_feed_url(kind)))
        assert titles(feed) == ["Public story"]

    def test_entry_links_to_the_story_page_in_the_feed_language(self, client, kind):
        story = make_story()
        feed = read_feed(client.get(latest_feed_url(kind, "ko")))
        with translation.override("ko"):
            assert feed.entries[0].link == f"http://testserver{story.get_absolute_url()}"
        assert feed.feed.language == "ko"

    def test_entry_carries_summary_reporter_and_hashtags(self, client, kind):
        make_story(intro="Night ferries stop at ten.", reporter="Han Ji-min", hashtags=["Ferry", "여객선"])
        entry = read_feed(client.get(latest_feed_url(kind))).entries[0]
        assert entry.summary == "Night ferries stop at ten."
        assert entry.author == "Han Ji-min"
        assert [tag.term for tag in entry.tags] == ["Ferry", "여객선"]

    def test_dates_are_in_the_outlet_zone_with_its_offset(self, client, kind):
        published = dt.datetime(2026, 11, 4, 11, 0, tzinfo=dt.UTC)
        make_story(published_at=published, outlet=make_outlet(time_zone="Asia/Seoul"))
        entry = read_feed(client.get(latest_feed_url(kind))).entries[0]
        dates = entry_dates(entry)
        assert dates, "the entry has no dates"
        assert all(date.utcoffset() == SEOUL for date in dates)
        assert dates[0] == published

    def test_korean_feed_shows_korean_headline_and_text(self, client, kind):
        make_story(headline="Port reopens", headline_ko="항구 재개장", body_ko="크레인이 새벽에 다시 움직였다.")
        entry = read_feed(client.get(latest_feed_url(kind, "ko"))).entries[0]
        assert shown_text(entry, "title") == "항구 재개장"
        assert entry.summary == "크레인이 새벽에 다시 움직였다."

    def test_korean_feed_falls_back_to_english_where_there_is_no_korean(self, client, kind):
        make_story(headline="English only story", headline_ko="", body_ko="", intro="Only in English.")
        entry = read_feed(client.get(latest_feed_url(kind, "ko"))).entries[0]
        assert shown_text(entry, "title") == "English only story"
        assert entry.summary == "Only in English."

    def test_markup_in_a_headline_reaches_the_reader_as_text(self, client, kind):
        make_story(headline="Tom & Jerry <b>return</b>", intro="<script>alert(1)</script>")
        entry = read_feed(client.get(latest_feed_url(kind))).entries[0]
        assert shown_text(entry, "title") == "Tom & Jerry <b>return</b>"
        assert shown_text(entry, "summary") == "<script>alert(1)</script>"

    def test_keeps_the_newest_stories_only(self, client, kind, settings):
        settings.NEWSROOM_FEED_ITEMS = 3
        outlet = make_outlet()
        for _ in range(5):
            make_story(outlet=outlet)
        assert len(read_feed(client.get(latest_feed_url(kind))).entries) == 3

    def test_query_count_does_not_grow_with_stories_and_hashtags(self, client, kind, django_assert_max_num_queries):
        outlets = [make_outlet(time_zone=zone) for zone in ("Asia/Seoul", "Europe/Tallinn", "UTC")]
        tags = [make_hashtag(f"Topic{number}") for number in range(6)]
        for number in range(25):
            make_story(outlet=outlets[number % 3], hashtags=tags[: number % 6 + 1])
        with django_assert_max_num_queries(2 + PAGE_CACHE_QUERY):
            feed = read_feed(client.get(latest_feed_url(kind)))
        assert len(feed.entries) == 20


@pytest.mark.parametrize("kind", FORMATS)
class TestHashtagFeed:
    def test_lists_only_published_stories_of_the_hashtag(self, client, kind):
        ferry = make_hashtag("Ferry")
        make_story(headline="Ferry story", hashtags=[ferry])
        make_story(headline="Ferry draft", hashtags=[ferry], status=Story.Status.DRAFT)
        make_story(headline="Unrelated story", hashtags=["Weather"])
        feed = read_feed(client.get(hashtag_feed_url(kind, ferry)))
        assert titles(feed) == ["Ferry story"]

    def test_names_the_hashtag_and_links_to_its_page(self, client, kind):
        tag = make_hashtag("우크라이나")
        make_story(hashtags=[tag])
        feed = read_feed(client.get(hashtag_feed_url(kind, tag)))
        assert feed.feed.title == "#우크라이나 · Newsroom"
        assert feed.feed.link == f"http://testserver{tag.get_absolute_url()}"

    def test_any_spelling_of_the_hashtag_finds_its_feed(self, client, kind):
        tag = make_hashtag("Arirang_News")
        make_story(headline="Tagged story", hashtags=[tag])
        url = reverse(f"articles:hashtag_feed_{kind}", kwargs={"slug": "ARIRANG_NEWS"})
        assert titles(read_feed(client.get(url))) == ["Tagged story"]

    def test_unknown_hashtag_is_not_found(self, client, kind):
        url = reverse(f"articles:hashtag_feed_{kind}", kwargs={"slug": "nothing"})
        assert client.get(url).status_code == 404

    def test_query_count_does_not_grow_with_stories(self, client, kind, django_assert_max_num_queries):
        tag = make_hashtag("Busy")
        others = [make_hashtag(f"Other{number}") for number in range(4)]
        for number in range(25):
            make_story(hashtags=[tag, *others[: number % 4]])
        with django_assert_max_num_queries(3 + PAGE_CACHE_QUERY):
            assert len(read_feed(client.get(hashtag_feed_url(kind, tag))).entries) == 20


class TestAtomTitles:
    def test_atom_gives_the_headline_as_plain_text(self, client):
        make_story(headline="Tom & Jerry <b>return</b>")
        entry = read_feed(client.get(latest_feed_url("atom"))).entries[0]
        assert entry.title_detail.type == "text/plain"
        assert entry.title == "Tom & Jerry <b>return</b>"


class TestAutodiscovery:
    def test_home_page_announces_the_latest_stories_feeds(self, client):
        links = feed_links(client.get(reverse("articles:home")))
        assert links == [
            ("application/rss+xml", "Newsroom: latest stories (RSS)", latest_feed_url("rss")),
            ("application/atom+xml", "Newsroom: latest stories (Atom)", latest_feed_url("atom")),
        ]

    def test_korean_page_announces_the_korean_feeds(self, client):
        with translation.override("ko"):
            links = feed_links(client.get(reverse("articles:home")))
        assert [href for _, _, href in links] == [latest_feed_url("rss", "ko"), latest_feed_url("atom", "ko")]

    def test_hashtag_page_announces_its_own_feeds_after_the_site_feeds(self, client):
        tag = make_hashtag("Ferry")
        make_story(hashtags=[tag])
        links = feed_links(client.get(tag.get_absolute_url()))
        assert links[2:] == [
            ("application/rss+xml", "Stories tagged #Ferry (RSS)", hashtag_feed_url("rss", tag)),
            ("application/atom+xml", "Stories tagged #Ferry (Atom)", hashtag_feed_url("atom", tag)),
        ]
        assert [href for _, _, href in links[:2]] == [latest_feed_url("rss"), latest_feed_url("atom")]

    def test_every_announced_feed_parses(self, client):
        tag = make_hashtag("Ferry")
        story = make_story(hashtags=[tag])
        for page in (reverse("articles:home"), tag.get_absolute_url(), story.get_absolute_url()):
            for kind, _title, href in feed_links(client.get(page)):
                feed = read_feed(client.get(href))
                assert feed.version.startswith(kind.split("/")[1].split("+")[0]), (href, feed.version)
