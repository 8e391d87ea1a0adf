"""What search engines read: the sitemap index and its files, the Google News sitemap and robots.txt.

/sitemap.xml is an index (Django's `index` view) naming one file per section of `SITEMAPS`,
/sitemap-<section>.xml, and its further pages, `?p=2`…: the home page, every published story, every
hashtag that has one, the corrections page and every section, each in English and Korean with the
other as its hreflang alternate, `SITEMAP_LIMIT` addresses to a file.
The news sitemap lists the stories of the last 48 hours, once per language they
are written in.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from .languages import KOREAN
from .models import Correction, Hashtag, Section, Story, StoryHashtag, story_is_public
from .text import clean_control_characters

NEWS_WINDOW = dt.timedelta(hours=48)
# Google reads at most 1,000 addresses from a news sitemap.
NEWS_LIMIT = 1000
# Addresses (not items: with i18n Django pages through (item, language) pairs) in one sitemap file.
# The protocol allows 50,000 addresses and 50 MB uncompressed a file (sitemaps.org, "Sitemap index
# files"), but each address here is four URLs (itself and three hreflang alternates): a hashtag's slug
# may be 100 Hangul characters, 900 bytes percent-encoded, about 4 KB an address, so 50,000 of those
# would be 200 MB. At 5,000 the longest addresses make 21 MB (stories: 6.6 MB), typical ones 3 MB, and
# a file renders in about a second (README "Feeds and sitemaps", bench/sitemaps.py).
SITEMAP_LIMIT = 5_000


def site_languages():
    """The language codes of settings.LANGUAGES, in order: every page exists in each."""
    return [code for code, _name in settings.LANGUAGES]


def latest_story_update():
    """When a published story was last updated (aware datetime, None without one): one aggregate query."""
    return Story.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def published_story_filter():
    """The Q, on Hashtag or Section, of their stories the public may see now (as Story.objects.published())."""
    return Q(stories__status=Story.Status.PUBLISHED, stories__published_at__lte=timezone.now())


class LanguagePairs:
    """The (item, language) pairs of a bilingual sitemap, as a sequence Django's Paginator pages
    through, reading from the database only the items of the page asked for.

    `items` is a QuerySet (counted with one COUNT query, sliced with LIMIT/OFFSET) or a list;
    every item is in each of `languages`. Pair i is item i // len(languages) in language
    i % len(languages): the order of Django's own list (`Sitemap._items`), which loads every item
    to count and slice them, so the index and each file would each read every story.
    """

    def __init__(self, items, languages):
        self.items = items
        self.languages = languages

    @cached_property
    def _count(self):
        items = self.items.count() if isinstance(self.items, QuerySet) else len(self.items)
        return items * len(self.languages)

    def count(self):
        """How many pairs (Paginator calls it rather than len())."""
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("LanguagePairs are read by slices, as Paginator reads them")
        start, stop, step = index.indices(self._count)
        if step != 1 or start >= stop:
            return []
        size = len(self.languages)
        first_item = start // size
        items = self.items[first_item : -(-stop // size)]
        pairs = [(item, language) for item in items for language in self.languages]
        offset = start - first_item * size
        return pairs[offset : offset + stop - start]


class BilingualSitemap(Sitemap):
    """Each address in both languages, listing both as alternates plus x-default, `SITEMAP_LIMIT`
    addresses to a file, the items of that file only read."""

    i18n = True
    alternates = True
    x_default = True
    limit = SITEMAP_LIMIT

    def get_languages_for_item(self, item):
        """Every item in every language (LanguagePairs counts on it)."""
        return site_languages()

    @property
    def paginator(self):
        """The pages of this sitemap (Django's index counts them, its sitemap view reads one)."""
        return Paginator(LanguagePairs(self.items(), site_languages()), self.limit)

    def get_urls(self, *args, **kwargs):
        """Point x-default at the English page, as every page's own <head> does.

        Django's x-default drops the language prefix, an address that only
        redirects; hreflang annotations that disagree with the pages are ignored.
        """
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            by_language = {alternate["lang_code"]: alternate for alternate in url["alternates"]}
            if "x-default" in by_language and settings.LANGUAGE_CODE in by_language:
                by_language["x-default"]["location"] = by_language[settings.LANGUAGE_CODE]["location"]
        return urls


class HomeSitemap(BilingualSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest_update

    @cached_property
    def latest_update(self):
        return latest_story_update()


class StorySitemap(BilingualSitemap):
    def items(self):
        return Story.objects.published().only("id", "slug", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, story):
        return story.updated_at

    def get_latest_lastmod(self):
        """The index's <lastmod> for each stories file: one aggregate, where Django's default would
        call lastmod() on every story."""
        return latest_story_update()


class HashtagSitemap(BilingualSitemap):
    """Hashtags with at least one published story; lastmod is that of their latest-updated story.

    Each hashtag's stories are found through its own links (`StoryHashtag`, by `hashtag_id`), each
    link's story by its primary key: a join of every hashtag to every public story let SQLite, which
    has no statistics until ANALYZE, walk all public stories once per hashtag (the count alone took
    50 s at 10,000 stories and 300 hashtags; bench/archive.py). The lastmods come from one pass over
    the public stories and their links, grouped by hashtag (`latest_updates`): a latest date per
    hashtag in a subquery of the file's query was walked the same way (the file took 13 s at 100,000
    stories).
    """

    def items(self):
        links = StoryHashtag.objects.filter(story_is_public(), hashtag=OuterRef("pk")).order_by()
        return Hashtag.objects.filter(Exists(links)).order_by("slug")

    def lastmod(self, hashtag):
        return self.latest_updates.get(hashtag.pk)

    @cached_property
    def latest_updates(self):
        """{hashtag id: the `updated_at` of its latest-updated public story}: one query, for a file's lastmods."""
        tagged = Story.objects.published().filter(hashtag_links__isnull=False).order_by()
        latest = tagged.values("hashtag_links__hashtag_id").annotate(latest=Max("updated_at"))
        return dict(latest.values_list("hashtag_links__hashtag_id", "latest"))

    def get_latest_lastmod(self):
        """The latest lastmod of all hashtags: of the public stories that have a hashtag, in one query."""
        tagged = Story.objects.published().filter(Exists(StoryHashtag.objects.filter(story=OuterRef("pk"))))
        return tagged.aggregate(latest=Max("updated_at"))["latest"]


class CorrectionsSitemap(BilingualSitemap):
    """The corrections page; lastmod is when a correction of a public story was last written or edited."""

    def items(self):
        return ["articles:corrections"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest_update

    @cached_property
    def latest_update(self):
        return Correction.objects.public().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(BilingualSitemap):
    """Every section (an empty one too: its page exists); lastmod is that of its latest-updated published story."""

    def items(self):
        return Section.objects.annotate(
            latest_update=Max("stories__updated_at", filter=published_story_filter())
        ).order_by("position", "name", "id")

    def lastmod(self, section):
        return section.latest_update

    def get_latest_lastmod(self):
        """The latest lastmod of all sections, in one aggregate query; Django's default gives None as
        soon as one section has no story (it cannot compare None with a date)."""
        return Section.objects.aggregate(latest=Max("stories__updated_at", filter=published_story_filter()))["latest"]


# Classes, not instances: the views make a fresh one per request (HomeSitemap keeps a per-request value).
# The keys name the files: /sitemap-stories.xml.
SITEMAPS = {
    "home": HomeSitemap,
    "stories": StorySitemap,
    "hashtags": HashtagSitemap,
    "corrections": CorrectionsSitemap,
    "sections": SectionSitemap,
}


@dataclass(frozen=True)
class NewsEntry:
    """One address of the news sitemap: a story in one of the languages it is written in."""

    story: Story
    language: str

    @property
    def publication_name(self):
        return clean_control_characters(settings.NEWSROOM_SITE_NAME)

    @property
    def title(self):
        """The headline, without what XML 1.0 cannot carry (a template writes no error of its own)."""
        return clean_control_characters(self.story.text_for(self.language).headline)

    @property
    def publication_date(self):
        """W3C date and time with the outlet's offset: 2024-11-04T20:00:00+09:00."""
        return self.story.dateline.isoformat(timespec="seconds")


def news_entries(stories):
    """Every story in English, and in Korean as well when its body is written in Korean."""
    entries = []
    for story in stories:
        entries.append(NewsEntry(story, settings.LANGUAGE_CODE))
        if story.text_for(KOREAN).body_language == KOREAN:
            entries.append(NewsEntry(story, KOREAN))
    return entries


class NewsSitemap(Sitemap):
    """Stories published in the last 48 hours, for Google News (rendered by sitemaps/news.xml)."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        stories = (
            Story.objects.published()
            .filter(published_at__gte=since)
            .select_related("outlet")
            .only(
                "id",
                "slug",
                "headline",
                "headline_ko",
                "intro",
                "intro_ko",
                "body",
                "body_ko",
                "english_edited_at",
                "korean_edited_at",
                "published_at",
                "outlet__time_zone",
            )
            .order_by("-published_at", "-id")
        )
        return news_entries(stories)

    def location(self, entry):
        with translation.override(entry.language):
            return entry.story.get_absolute_url()


@require_safe
def robots_txt(request):
    """Crawlers may read the site but not the admin; the sitemap index and the news sitemap are named
    with full addresses (the index names the other files)."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('crawlers:sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('crawlers:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
