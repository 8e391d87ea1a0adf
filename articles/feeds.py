"""RSS 2.0 and Atom feeds: the latest stories, the stories of one hashtag or section, the corrections.

Each feed speaks the language of its address (/en/…, /ko/…): on /ko/ an item
takes the story's Korean headline and Korean text where it has them. Dates are
in the outlet's own zone, with its offset. The author is the reporter, by name
only: no feed here ever defines an author e-mail.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Correction, Hashtag, Section, Story, hashtag_slug
from .text import clean_control_characters


def in_zone(moment, zone):
    """A moment in the outlet's zone, to the second: the reader sees the offset the dateline has."""
    return timezone.localtime(moment, zone).replace(microsecond=0)


def xml_safe(value):
    """A feed value without what XML 1.0 cannot carry: strings cleaned, lists of them too, the rest as is."""
    if isinstance(value, (str, Promise)):
        return clean_control_characters(str(value))
    if isinstance(value, (list, tuple)):
        return [xml_safe(item) for item in value]
    return value


class XmlSafeFeedMixin:
    """A feed generator that cleans every string given to the feed and to each item.

    Django's XML writer raises on control characters (XML 1.0 has no way to write them),
    so one stray byte in a stored comment would make the whole feed answer 500. Cleaning
    here, where the XML is written, covers every field and every feed, whatever is stored.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{key: xml_safe(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{key: xml_safe(value) for key, value in kwargs.items()})


class RssFeedGenerator(XmlSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0, every string XML-safe: the `feed_type` of each RSS feed of the site."""


class AtomFeedGenerator(XmlSafeFeedMixin, Atom1Feed):
    """Atom 1.0, every string XML-safe: the `feed_type` of each Atom feed of the site."""


class AtomFeed:
    """The Atom edition of an RSS feed class: put it first among the bases.

    RSS readers take an item title as HTML, so the RSS feeds escape it (Django's
    default); an Atom title is plain text and is given as written.
    """

    feed_type = AtomFeedGenerator

    def subtitle(self, obj):
        return self.description(obj)

    def item_title(self, item):
        return self.plain_title(item)


class StoryFeed(Feed):
    """What the story feeds share: one item per published story, newest first."""

    feed_type = RssFeedGenerator

    def plain_title(self, story):
        return story.text_for(get_language()).headline

    def item_title(self, story):
        return escape(self.plain_title(story))

    def item_description(self, story):
        return escape(story.text_for(get_language()).summary)

    def item_author_name(self, story):
        return story.reporter or None

    def author_name(self):
        """The feed's author (Atom asks for one where a story has no byline)."""
        return settings.NEWSROOM_SITE_NAME

    def item_pubdate(self, story):
        return in_zone(story.published_at, story.outlet.zone)

    def item_updateddate(self, story):
        return in_zone(story.updated_at, story.outlet.zone)

    def item_categories(self, story):
        return [hashtag.name for hashtag in story.hashtags.all()]


class LatestStoriesFeed(StoryFeed):
    def title(self, obj):
        return _("%(site)s: latest stories") % {"site": settings.NEWSROOM_SITE_NAME}

    def link(self, obj):
        return reverse("articles:home")

    def description(self, obj):
        return _("The latest stories of %(site)s, in English and Korean.") % {"site": settings.NEWSROOM_SITE_NAME}

    def items(self, obj):
        return Story.objects.published().for_listing()[: settings.NEWSROOM_FEED_ITEMS]


class LatestStoriesAtomFeed(AtomFeed, LatestStoriesFeed):
    pass


class HashtagFeed(StoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Hashtag, slug=hashtag_slug(slug))

    def title(self, hashtag):
        return _("#%(hashtag)s · %(site)s") % {"hashtag": hashtag.name, "site": settings.NEWSROOM_SITE_NAME}

    def link(self, hashtag):
        return hashtag.get_absolute_url()

    def description(self, hashtag):
        return _("The latest stories tagged #%(hashtag)s on %(site)s.") % {
            "hashtag": hashtag.name,
            "site": settings.NEWSROOM_SITE_NAME,
        }

    def items(self, hashtag):
        return Story.objects.published().filter(hashtags=hashtag).for_listing()[: settings.NEWSROOM_FEED_ITEMS]


class HashtagAtomFeed(AtomFeed, HashtagFeed):
    pass


class SectionFeed(StoryFeed):
    """A section's latest stories; the feed's title is the section's name in the address's language."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return _("%(section)s · %(site)s") % {
            "section": section.name_in(get_language()),
            "site": settings.NEWSROOM_SITE_NAME,
        }

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return _("The latest stories in the %(section)s section of %(site)s.") % {
            "section": section.name_in(get_language()),
            "site": settings.NEWSROOM_SITE_NAME,
        }

    def items(self, section):
        return Story.objects.published().filter(section=section).for_listing()[: settings.NEWSROOM_FEED_ITEMS]


class SectionAtomFeed(AtomFeed, SectionFeed):
    pass


class CorrectionsFeed(Feed):
    """The latest corrections of public stories, newest first; each links to its story at the correction.

    The title is the corrected story's headline, the description the correction's text, both in
    the feed's language (Korean where written, else English); dated in the outlet's zone.
    """

    feed_type = RssFeedGenerator

    def title(self, obj):
        return _("%(site)s: corrections") % {"site": settings.NEWSROOM_SITE_NAME}

    def link(self, obj):
        return reverse("articles:corrections")

    def description(self, obj):
        return _("Corrections of the stories of %(site)s, newest first.") % {"site": settings.NEWSROOM_SITE_NAME}

    def author_name(self):
        return settings.NEWSROOM_SITE_NAME

    def items(self, obj):
        return Correction.objects.public().for_listing()[: settings.NEWSROOM_FEED_ITEMS]

    def plain_title(self, correction):
        return _("Correction: %(headline)s") % {"headline": correction.story.text_for(get_language()).headline}

    def item_title(self, correction):
        return escape(self.plain_title(correction))

    def item_description(self, correction):
        text, _language = correction.text_in(get_language())
        return escape(text)

    def item_link(self, correction):
        return correction.get_absolute_url()

    def item_pubdate(self, correction):
        return in_zone(correction.published_at, correction.story.outlet.zone)

    def item_updateddate(self, correction):
        return in_zone(correction.updated_at, correction.story.outlet.zone)


class CorrectionsAtomFeed(AtomFeed, CorrectionsFeed):
    pass
