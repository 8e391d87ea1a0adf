import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Story

from .factories import make_hashtag, make_outlet, make_story
from .page_cache_helpers import PAGE_CACHE_QUERY

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SITE = "http://testserver"


def absolute(path):
    return f"{SITE}{path}"


def in_language(language, url_of):
    with translation.override(language):
        return absolute(url_of())


def read_xml(response):
    """The parsed document; fails unless it is well-formed XML served as XML."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def sitemap_files(client, **extra):
    """{address: lastmod text or None} of the files /sitemap.xml, the sitemap index, names, in order."""
    root = read_xml(client.get(reverse("crawlers:sitemap"), **extra))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    files = {}
    for sitemap in root.findall("sm:sitemap", NS):
        loc = sitemap.findtext("sm:loc", namespaces=NS)
        assert loc not in files, f"{loc} named twice"
        files[loc] = sitemap.findtext("sm:lastmod", namespaces=NS)
    return files


def file_entries(client, address):
    """{loc: {"lastmod": text or None, "alternates": {hreflang: href}}} of one sitemap file (its full address)."""
    root = read_xml(client.get(address.removeprefix(SITE)))
    assert root.tag == f"{{{NS['sm']}}}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("xhtml:link", NS)
                if link.get("rel") == "alternate"
            },
        }
    return entries


def sitemap_entries(client):
    """{loc: {"lastmod", "alternates"}} of every file the sitemap index names; fails when a file lists
    an address another one does."""
    entries = {}
    for address in sitemap_files(client):
        listed = file_entries(client, address)
        assert not set(listed) & set(entries), f"{address} lists addresses another file does"
        entries.update(listed)
    return entries


def news_entries(client):
    """[{loc, name, language, date, title}] of /news-sitemap.xml, in order."""
    root = read_xml(client.get(reverse("crawlers:news_sitemap")))
    return [
        {
            "loc": url.findtext("sm:loc", namespaces=NS),
            "name": url.findtext("news:news/news:publication/news:name", namespaces=NS),
            "language": url.findtext("news:news/news:publication/news:language", namespaces=NS),
            "date": url.findtext("news:news/news:publication_date", namespaces=NS),
            "title": url.findtext("news:news/news:title", namespaces=NS),
        }
        for url in root.findall("sm:url", NS)
    ]


def fresh_story(hours_ago=1, **fields):
    """A story published within the news sitemap's 48 hours."""
    return make_story(published_at=timezone.now() - dt.timedelta(hours=hours_ago), **fields)


def page_alternates(client, path):
    """{hreflang: href} a page's own <head> announces."""
    head = client.get(path).content.decode().split("</head>")[0]
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))


class TestSitemap:
    def test_lists_a_story_in_both_languages_with_each_other_as_alternates(self, client):
        story = make_story()
        english = in_language("en", story.get_absolute_url)
        korean = in_language("ko", story.get_absolute_url)
        entries = sitemap_entries(client)
        expected = {"en": english, "ko": korean, "x-default": english}
        assert entries[english]["alternates"] == expected
        assert entries[korean]["alternates"] == expected

    def test_alternates_agree_with_the_story_page_head(self, client):
        story = make_story()
        entries = sitemap_entries(client)
        for language in ("en", "ko"):
            with translation.override(language):
                path = story.get_absolute_url()
            assert entries[absolute(path)]["alternates"] == page_alternates(client, path)

    def test_lists_home_and_hashtag_pages_in_both_languages(self, client):
        tag = make_hashtag("우크라이나")
        make_story(hashtags=[tag])
        entries = sitemap_entries(client)
        for language in ("en", "ko"):
            assert in_language(language, lambda: reverse("articles:home")) in entries
            assert in_language(language, tag.get_absolute_url) in entries
        assert absolute("/ko/tags/%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98/") in entries

    def test_leaves_out_drafts_scheduled_stories_and_their_only_hashtags(self, client):
        draft = make_story(status=Story.Status.DRAFT, hashtags=["Secret"])
        scheduled = make_story(published_at=timezone.now() + dt.timedelta(days=1), hashtags=["Embargo"])
        make_story(hashtags=["Public"])
        locations = "\n".join(sitemap_entries(client))
        for hidden in (draft, scheduled):
            assert hidden.slug not in locations
        assert "/tags/secret/" not in locations
        assert "/tags/embargo/" not in locations
        assert "/tags/public/" in locations

    def test_lastmod_is_when_the_story_was_last_updated(self, client):
        story = make_story()
        Story.objects.filter(pk=story.pk).update(updated_at=dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC))
        entries = sitemap_entries(client)
        assert entries[in_language("ko", story.get_absolute_url)]["lastmod"] == "2026-03-14"

    def test_hashtag_and_home_lastmod_follow_their_latest_published_story(self, client):
        tag = make_hashtag("Ferry")
        older = make_story(hashtags=[tag])
        newer = make_story(hashtags=[tag])
        draft = make_story(hashtags=[tag], status=Story.Status.DRAFT)
        for story, day in ((older, 1), (newer, 5), (draft, 20)):
            Story.objects.filter(pk=story.pk).update(updated_at=dt.datetime(2026, 3, day, tzinfo=dt.UTC))
        entries = sitemap_entries(client)
        assert entries[in_language("en", tag.get_absolute_url)]["lastmod"] == "2026-03-05"
        assert entries[in_language("en", lambda: reverse("articles:home"))]["lastmod"] == "2026-03-05"

    def test_query_count_of_each_file_does_not_grow_with_stories_and_hashtags(
        self, client, django_assert_max_num_queries
    ):
        tags = [make_hashtag(f"Topic{number}") for number in range(6)]
        outlet = make_outlet()
        for number in range(20):
            make_story(outlet=outlet, hashtags=tags[: number % 6 + 1])
        # A list's file: the count and its page (hashtags: and their lastmods, one query from the stories,
        # HashtagSitemap.latest_updates); home and corrections: their latest date.
        most = {"home": 1, "stories": 2, "hashtags": 3, "corrections": 1, "sections": 2}
        for section, queries in most.items():
            with django_assert_max_num_queries(queries + PAGE_CACHE_QUERY):
                file_entries(client, absolute(reverse("crawlers:sitemap_section", kwargs={"section": section})))
        assert len(sitemap_entries(client)) == 2 * (1 + 20 + 6 + 1 + 3)  # the corrections page, the 3 sections


class TestNewsSitemap:
    def test_lists_stories_of_the_last_48_hours_only(self, client):
        recent = make_story(headline="Fresh story", published_at=timezone.now() - dt.timedelta(hours=47))
        make_story(headline="Old story", published_at=timezone.now() - dt.timedelta(hours=49))
        make_story(headline="Scheduled story", published_at=timezone.now() + dt.timedelta(hours=1))
        make_story(headline="Draft story", status=Story.Status.DRAFT, published_at=timezone.now())
        entries = news_entries(client)
        assert [entry["loc"] for entry in entries] == [in_language("en", recent.get_absolute_url)]

    def test_korean_page_is_listed_when_the_story_is_written_in_korean(self, client):
        story = fresh_story(headline="Port reopens", headline_ko="항구 재개장", body_ko="크레인이 다시 움직였다.")
        entries = news_entries(client)
        assert [(entry["loc"], entry["language"], entry["title"]) for entry in entries] == [
            (in_language("en", story.get_absolute_url), "en", "Port reopens"),
            (in_language("ko", story.get_absolute_url), "ko", "항구 재개장"),
        ]

    def test_story_in_english_only_is_listed_once(self, client):
        fresh_story(headline_ko="항구 재개장", body_ko="")
        assert [entry["language"] for entry in news_entries(client)] == ["en"]

    def test_names_the_publication_from_the_site_name_setting(self, client, settings):
        settings.NEWSROOM_SITE_NAME = "Harbour Daily"
        fresh_story()
        assert news_entries(client)[0]["name"] == "Harbour Daily"

    def test_publication_date_is_w3c_with_the_outlet_offset(self, client):
        published = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
        make_story(published_at=published, outlet=make_outlet(time_zone="Asia/Seoul"))
        written = news_entries(client)[0]["date"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00", written)
        assert dt.datetime.fromisoformat(written) == published

    def test_escapes_markup_in_titles(self, client):
        fresh_story(headline="Tom & Jerry <b>return</b>")
        assert news_entries(client)[0]["title"] == "Tom & Jerry <b>return</b>"

    def test_query_count_does_not_grow_with_stories(self, client, django_assert_max_num_queries):
        outlet = make_outlet()
        for number in range(15):
            fresh_story(hours_ago=number, outlet=outlet, body_ko="본문." if number % 2 else "")
        with django_assert_max_num_queries(1 + PAGE_CACHE_QUERY):
            assert len(news_entries(client)) == 15 + 7


class TestRobotsTxt:
    def test_allows_the_site_and_disallows_the_admin(self, client):
        response = client.get(reverse("crawlers:robots"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert lines[:3] == ["User-agent: *", f"Disallow: {reverse('admin:index')}", "Allow: /"]

    def test_names_both_sitemaps_with_absolute_addresses_that_work(self, client):
        lines = client.get(reverse("crawlers:robots")).content.decode().splitlines()
        sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
        assert sitemaps == [absolute("/sitemap.xml"), absolute("/news-sitemap.xml")]
        for address in sitemaps:
            read_xml(client.get(address.removeprefix(SITE)))

    def test_lives_at_the_root_outside_the_language_prefix(self, client):
        assert reverse("crawlers:robots") == "/robots.txt"
        assert client.get("/robots.txt").status_code == 200
        assert client.head("/robots.txt").status_code == 200
