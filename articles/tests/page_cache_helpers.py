"""Helpers of the page cache tests: the keys the cache holds, a clock moved forward, reader pages by kind."""

import contextlib
import datetime as dt
import time
from unittest import mock

from django.utils import timezone

from articles.models import Section

from .factories import make_correction, make_story


@contextlib.contextmanager
def clock_moved(seconds):
    """Run the block `seconds` later than now: Django's clock and the page cache's alike."""
    later = timezone.now() + dt.timedelta(seconds=seconds)
    unix = time.time() + seconds
    with mock.patch("django.utils.timezone.now", return_value=later), mock.patch("time.time", return_value=unix):
        yield later


def cached_page_keys():
    """The page-cache keys the default cache holds now (locmem or Redis under CACHE_KEY_PREFIX)."""
    from django.conf import settings
    from django.core.cache import cache

    backend = cache._cache
    if hasattr(backend, "get_client"):
        client = backend.get_client(write=True)
        return [key.decode() for key in client.scan_iter(f"{settings.CACHE_KEY_PREFIX}:*:page:*", count=1000)]
    return [key for key in backend if ":page:" in key]


def reader_site():
    """A story with a hashtag, section, outlet, reporter and correction: every kind of reader page has one.

    Returns (story, {name: URL}) for each page the cache keeps.
    """
    section = Section.objects.order_by("position").first()
    story = make_story(headline="Harbour ferries run all night", hashtags=["Harbour"], section=section)
    make_story(headline="Harbour cranes are repainted", hashtags=["Harbour"], section=section, outlet=story.outlet)
    make_correction(story)
    urls = {
        "story": story.get_absolute_url(),
        "story comments page 1": story.get_absolute_url() + "?cpage=1",
        "story comments newest": story.get_absolute_url() + "?comments=newest",
        "story comments feed": f"{story.get_absolute_url()}comments/feed.rss",
        "home": "/en/",
        "home in Korean": "/ko/",
        "home page 1": "/en/?page=1",
        "hashtag index": "/en/tags/",
        "hashtag": "/en/tags/harbour/",
        "section": section.get_absolute_url(),
        "outlet": story.outlet.get_absolute_url(),
        "reporter": story.get_reporter_url(),
        "corrections": "/en/corrections/",
        "search": "/en/search/?q=harbour",
        "latest feed": "/en/feeds/stories.rss",
        "latest atom feed": "/en/feeds/stories.atom",
        "hashtag feed": "/en/tags/harbour/feed.rss",
        "section feed": f"{section.get_absolute_url()}feed.atom",
        "corrections feed": "/en/corrections/feed.rss",
        "sitemap": "/sitemap.xml",
        "sitemap file": "/sitemap-stories.xml",
        "sitemap file page 1": "/sitemap-stories.xml?p=1",
        "news sitemap": "/news-sitemap.xml",
    }
    return story, urls


# A reader page rendered for a visitor without cookies makes one query more than its view: the page
# cache's version query (articles.page_cache.page_version), which a hit makes alone.
PAGE_CACHE_QUERY = 1
