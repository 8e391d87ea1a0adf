"""What search engines read: sitemap.xml, the Google News sitemap and robots.txt.

sitemap.xml lists the home page, every published story, every hashtag that
has one, the corrections page and every section, each in English and Korean with the other as its hreflang
alternate.
The news sitemap lists the stories of the last 48 hours, once per language they
are written in.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from .languages import KOREAN
from .models import Correction, Hashtag, Section, Story
from .text import clean_control_characters

NEWS_WINDOW = dt.timedelta(hours=48)
# Google reads at most 1,000 addresses from a news sitemap.
NEWS_LIMIT = 1000


class BilingualSitemap(Sitemap):
    """Each address in both languages, listing both as alternates plus x-default."""

    i18n = True
    alternates = True
    x_default = True

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
        return Story.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class StorySitemap(BilingualSitemap):
    def items(self):
        return Story.objects.published().only("id", "slug", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, story):
        return story.updated_at


class HashtagSitemap(BilingualSitemap):
    """Hashtags with at least one published story; lastmod is that of their latest-updated story."""

    def items(self):
        now = timezone.now()
        published = Q(stories__status=Story.Status.PUBLISHED, stories__published_at__lte=now)
        return (
            Hashtag.objects.filter(published)
            .annotate(latest_update=Max("stories__updated_at", filter=published))
            .order_by("slug")
        )

    def lastmod(self, hashtag):
        return hashtag.latest_update


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
        now = timezone.now()
        published = Q(stories__status=Story.Status.PUBLISHED, stories__published_at__lte=now)
        return Section.objects.annotate(latest_update=Max("stories__updated_at", filter=published)).order_by(
            "position", "name", "id"
        )

    def lastmod(self, section):
        return section.latest_update


# Classes, not instances: the view makes a fresh one per request (HomeSitemap keeps a per-request value).
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
    """Crawlers may read the site but not the admin; the sitemaps are named with full addresses."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('crawlers:sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('crawlers:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
