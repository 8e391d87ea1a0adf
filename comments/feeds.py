"""RSS 2.0 and Atom feeds of a story's latest approved comments.

A commenter appears by name only: the e-mail address is not even loaded.
Comment text is plain text, escaped into HTML paragraphs like on the page.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.html import escape, linebreaks
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.feeds import AtomFeed, RssFeedGenerator, in_zone
from articles.models import Story

from .models import Comment

# Everything an item shows; nothing private (e-mail, IP address, user agent) is read.
FEED_FIELDS = ("id", "story_id", "author_name", "text", "created_at")


class StoryCommentsFeed(Feed):
    feed_type = RssFeedGenerator

    def get_object(self, request, slug):
        return get_object_or_404(Story.objects.published().select_related("outlet"), slug=slug)

    def title(self, story):
        return _("Comments on “%(headline)s”") % {"headline": story.text_for(get_language()).headline}

    def link(self, story):
        return f"{story.get_absolute_url()}#comments"

    def description(self, story):
        return _("The latest comments on “%(headline)s” at %(site)s.") % {
            "headline": story.text_for(get_language()).headline,
            "site": settings.NEWSROOM_SITE_NAME,
        }

    def items(self, story):
        comments = list(
            Comment.objects.approved()
            .filter(story=story, erased_at__isnull=True)  # an erased comment says nothing new
            .only(*FEED_FIELDS)
            .order_by("-created_at", "-id")[: settings.NEWSROOM_FEED_ITEMS]
        )
        for comment in comments:
            comment.story = story  # for the outlet's zone, without a query per comment
        return comments

    def plain_title(self, comment):
        return _("Comment by %(name)s") % {"name": comment.author_name}

    def item_title(self, comment):
        return escape(self.plain_title(comment))

    def item_description(self, comment):
        return linebreaks(comment.text, autoescape=True)

    def item_author_name(self, comment):
        return comment.author_name

    def item_pubdate(self, comment):
        return in_zone(comment.created_at, comment.story.outlet.zone)

    def item_updateddate(self, comment):
        return self.item_pubdate(comment)


class StoryCommentsAtomFeed(AtomFeed, StoryCommentsFeed):
    pass
