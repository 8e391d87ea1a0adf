"""The sitemap index and its files (articles.sitemaps, README "Feeds and sitemaps"): files under the limit,
every public address once, the index's queries bounded, both kept by the page cache."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction, Story
from articles.sitemaps import SITEMAP_LIMIT, BilingualSitemap

from .factories import make_correction, make_hashtag, make_outlet, make_story
from .page_cache_helpers import PAGE_CACHE_QUERY, cached_page_keys
from .test_sitemaps import SITE, absolute, file_entries, in_language, read_xml, sitemap_entries, sitemap_files

pytestmark = pytest.mark.django_db

SECTIONS = ["home", "stories", "hashtags", "corrections", "sections"]
# sitemaps.org: at most 50,000 addresses and 50 MB (52,428,800 bytes) uncompressed in one file.
PROTOCOL_BYTES = 50 * 1024 * 1024
# The index's queries: each section's latest change (5 MAX) and the count of the stories, hashtags and
# sections (3 COUNT; home and corrections are lists of one page).
INDEX_QUERIES = 8


def file_address(section, page=1):
    """The full address of a section's file as the index names it: `?p=` from the second page."""
    path = reverse("crawlers:sitemap_section", kwargs={"section": section})
    return absolute(path if page == 1 else f"{path}?p={page}")


def both_languages(pages):
    """The full addresses of `pages` (stories, hashtags) in English and Korean."""
    return {in_language(language, page.get_absolute_url) for page in pages for language in ("en", "ko")}


@pytest.fixture
def four_to_a_file(monkeypatch):
    """Four addresses, two stories in both languages, to a sitemap file."""
    monkeypatch.setattr(BilingualSitemap, "limit", 4)
    return 4


class TestIndex:
    def test_names_one_file_per_section_at_full_addresses(self, client):
        make_story()
        assert list(sitemap_files(client)) == [f"{SITE}/sitemap-{section}.xml" for section in SECTIONS]

    def test_names_https_files_listing_https_addresses_on_an_https_site(self, client, settings):
        settings.ALLOWED_HOSTS = ["news.example", "testserver"]
        settings.SITE_URL = "https://news.example"
        story = make_story()
        files = sitemap_files(client, HTTP_HOST="news.example", secure=True)
        assert list(files) == [f"https://news.example/sitemap-{section}.xml" for section in SECTIONS]
        root = read_xml(client.get("/sitemap-stories.xml", HTTP_HOST="news.example", secure=True))
        locations = [element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        assert locations == [f"https://news.example/{language}/stories/{story.slug}/" for language in ("en", "ko")]

    def test_gives_each_file_the_latest_change_of_its_section(self, client):
        tagged = make_story(hashtags=["Ferry"])
        newest = make_story()
        draft = make_story(status=Story.Status.DRAFT, hashtags=["Ferry"])
        correction = make_correction(tagged)
        Correction.objects.filter(pk=correction.pk).update(updated_at=dt.datetime(2026, 3, 4, tzinfo=dt.UTC))
        for story, day in ((tagged, 3), (newest, 5), (draft, 20)):
            Story.objects.filter(pk=story.pk).update(updated_at=dt.datetime(2026, 3, day, 9, 0, tzinfo=dt.UTC))
        files = sitemap_files(client)
        assert files[file_address("home")] == "2026-03-05T09:00:00+00:00"
        assert files[file_address("stories")] == "2026-03-05T09:00:00+00:00"
        assert files[file_address("hashtags")] == "2026-03-03T09:00:00+00:00"
        assert files[file_address("corrections")] == "2026-03-04T00:00:00+00:00"
        # No story is in a section (the three the migrations make): no date to give.
        assert files[file_address("sections")] is None

    def test_splits_the_stories_into_files_of_at_most_the_limit(self, client, four_to_a_file):
        outlet = make_outlet()
        published = [make_story(outlet=outlet) for _ in range(5)]
        make_story(outlet=outlet, status=Story.Status.DRAFT)
        make_story(outlet=outlet, published_at=timezone.now() + dt.timedelta(days=1))
        story_files = [address for address in sitemap_files(client) if "/sitemap-stories.xml" in address]
        assert story_files == [file_address("stories", page) for page in (1, 2, 3)]
        listed = Counter()
        for address in story_files:
            entries = file_entries(client, address)
            assert 0 < len(entries) <= four_to_a_file
            listed.update(list(entries))
        assert listed == Counter(both_languages(published))

    def test_an_odd_limit_parts_a_storys_two_languages_and_loses_no_address(self, client, monkeypatch):
        monkeypatch.setattr(BilingualSitemap, "limit", 3)
        outlet = make_outlet()
        published = [make_story(outlet=outlet) for _ in range(5)]
        story_files = [address for address in sitemap_files(client) if "/sitemap-stories.xml" in address]
        sizes = [len(file_entries(client, address)) for address in story_files]
        assert sizes == [3, 3, 3, 1]
        assert {address for address in sitemap_entries(client) if "/stories/" in address} == both_languages(published)

    def test_every_section_spreads_over_files_and_each_address_is_listed_once(self, client, four_to_a_file):
        tags = [make_hashtag(f"Harbour{number}") for number in range(3)]
        published = [make_story(hashtags=tags) for _ in range(3)]
        entries = sitemap_entries(client)  # fails on an address in two files
        assert len([address for address in sitemap_files(client) if "/sitemap-hashtags.xml" in address]) == 2
        assert both_languages(published) <= set(entries)
        assert both_languages(tags) <= set(entries)
        assert len(entries) == 2 * (1 + 3 + 3 + 1 + 3)  # home, stories, hashtags, corrections, the 3 sections

    def test_queries_do_not_grow_with_the_files_it_names(self, client, four_to_a_file, django_assert_max_num_queries):
        outlet = make_outlet()
        make_story(outlet=outlet, hashtags=["Ferry"])
        with django_assert_max_num_queries(INDEX_QUERIES + PAGE_CACHE_QUERY) as few_files:
            assert len(sitemap_files(client)) == len(SECTIONS) + 1  # the three sections take two files
        tags = [make_hashtag(f"Topic{number}") for number in range(10)]
        for number in range(20):
            make_story(outlet=outlet, hashtags=tags[: number % 10 + 1])
        with django_assert_max_num_queries(INDEX_QUERIES + PAGE_CACHE_QUERY) as many_files:
            files = sitemap_files(Client())
        assert len([address for address in files if "/sitemap-stories.xml" in address]) == 11  # 21 stories, 2 a file
        assert len(many_files) == len(few_files)
        # Each a COUNT or a MAX (or the page cache's version): no row of a story, hashtag or section is read.
        aggregates = re.compile(r"SELECT (COUNT\(|MAX\(|\(SELECT MIN\()")
        assert all(aggregates.match(query["sql"]) for query in many_files.captured_queries), many_files.captured_queries


class TestFiles:
    def test_a_page_past_the_last_is_not_found_and_not_kept(self, client, four_to_a_file):
        outlet = make_outlet()
        for _ in range(3):
            make_story(outlet=outlet)
        assert client.get("/sitemap-stories.xml", {"p": "2"}).status_code == 200
        keys = cached_page_keys()
        for _ in range(2):
            assert Client().get("/sitemap-stories.xml", {"p": "3"}).status_code == 404
        assert cached_page_keys() == keys

    def test_an_unknown_section_is_not_found(self, client):
        make_story()
        assert client.get("/sitemap-photos.xml").status_code == 404

    @pytest.mark.parametrize("section", ["stories", "hashtags"])
    def test_a_full_file_of_the_longest_addresses_is_under_half_the_protocols_50_mb(self, client, settings, section):
        # The longest slug each can have (Story.slug 200 ASCII, Hashtag.slug 100 characters: Hangul takes
        # 9 bytes percent-encoded), on a 40-character host over https.
        host = "www.a-rather-long-newsroom-name.example"
        settings.ALLOWED_HOSTS = [host]
        settings.SITE_URL = f"https://{host}"
        make_story(slug="s" * 200, hashtags=["항" * 100])
        content = Client().get(f"/sitemap-{section}.xml", HTTP_HOST=host, secure=True).content
        addresses = content.count(b"<url>")
        assert addresses == 2
        full_file = len(content) / addresses * SITEMAP_LIMIT  # the file's head shared out: an overestimate
        assert full_file < PROTOCOL_BYTES / 2, full_file


class TestPageCache:
    @pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-stories.xml", "/sitemap-stories.xml?p=2"])
    def test_the_index_and_each_file_are_served_from_the_cache_with_one_query(
        self, path, four_to_a_file, django_assert_max_num_queries
    ):
        outlet = make_outlet()
        for _ in range(3):
            make_story(outlet=outlet)
        first = Client().get(path)
        assert first.status_code == 200
        with django_assert_max_num_queries(1):
            second = Client().get(path)
        assert second.status_code == 200
        assert second.content == first.content

    @pytest.mark.parametrize("page", ["x", "01", "401", "-1", "²", "1&p=2"])
    def test_odd_page_numbers_do_not_fill_the_cache(self, page):
        make_story()
        Client().get(f"/sitemap-stories.xml?p={page}")
        assert cached_page_keys() == []

    def test_a_story_published_since_is_in_the_index_and_the_files_at_once(self, four_to_a_file):
        outlet = make_outlet()
        published = [make_story(outlet=outlet) for _ in range(4)]
        draft = make_story(outlet=outlet, status=Story.Status.DRAFT)
        before = sitemap_entries(Client())
        assert file_address("stories", 3) not in sitemap_files(Client())
        Story.objects.filter(pk=draft.pk).update(status=Story.Status.PUBLISHED)
        assert file_address("stories", 3) in sitemap_files(Client())
        after = sitemap_entries(Client())
        assert set(after) - set(before) == both_languages([draft])
        assert both_languages([*published, draft]) <= set(after)
