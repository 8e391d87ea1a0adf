"""Every kind of change shows on the cached pages at once: the next reader gets a new page and a new ETag.

Each test fills the cache with the pages that show the change (the story page and the listings),
makes the change the way an editor or a moderator does, and reads those pages again.
"""

import pytest
from django.test import Client

from articles.models import FrontPagePin, Hashtag, Section, Story
from comments.models import Comment
from comments.status import change_status
from comments.tests.factories import make_comment
from photos.tests.factories import make_photo

from .factories import make_correction, make_story

pytestmark = pytest.mark.django_db


class Pages:
    """The pages of one story that the cache holds, read before and after a change."""

    def __init__(self, *urls):
        self.urls = urls
        self.before = {url: Client().get(url) for url in urls}
        for url, response in self.before.items():
            assert response.status_code == 200, url
            # Cached: the next reader of each gets these bytes.
            assert Client().get(url)["ETag"] == response["ETag"], url

    def after(self):
        """{url: (html now, ETag changed)} for every page."""
        now = {url: Client().get(url) for url in self.urls}
        return {
            url: (response.content.decode(), response["ETag"] != self.before[url]["ETag"])
            for url, response in now.items()
        }


@pytest.fixture
def story():
    section = Section.objects.order_by("position").first()
    return make_story(headline="Harbour ferries run all night", hashtags=["Harbour"], section=section)


def listing_urls(story):
    return [
        "/en/",
        "/en/tags/harbour/",
        story.section.get_absolute_url(),
        story.outlet.get_absolute_url(),
        story.get_reporter_url(),
        "/en/feeds/stories.rss",
    ]


def assert_every_page_shows(pages, text):
    for url, (html, etag_changed) in pages.after().items():
        assert text in html, url
        assert etag_changed, url


def assert_no_page_shows(pages, text):
    for url, (html, etag_changed) in pages.after().items():
        assert text not in html, url
        assert etag_changed, url


def test_a_story_edit(story):
    pages = Pages(story.get_absolute_url(), *listing_urls(story))
    story.headline = "Harbour ferries stop at midnight"
    story.save()
    assert_every_page_shows(pages, "Harbour ferries stop at midnight")


def test_publishing_a_story_with_the_admin_action(story, admin_client):
    draft = make_story(headline="Harbour tunnel opens", hashtags=["Harbour"], status=Story.Status.DRAFT)
    pages = Pages(story.get_absolute_url(), "/en/", "/en/tags/harbour/", "/en/feeds/stories.rss")
    response = admin_client.post(
        "/admin/articles/story/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    assert_every_page_shows(pages, "Harbour tunnel opens")


def test_returning_a_story_to_draft_with_the_admin_action(story, admin_client):
    neighbour = make_story(headline="Harbour cranes are repainted", hashtags=["Harbour"])
    pages = Pages(neighbour.get_absolute_url(), "/en/", "/en/tags/harbour/", "/en/feeds/stories.rss")
    admin_client.post("/admin/articles/story/", {"action": "unpublish", "_selected_action": [story.pk]})
    assert_no_page_shows(pages, "Harbour ferries run all night")
    assert Client().get(story.get_absolute_url()).status_code == 404


def test_a_comment_approved_by_a_moderator(story):
    comment = make_comment(story, status=Comment.Status.PENDING, text="Held until a moderator reads it.")
    pages = Pages(story.get_absolute_url(), f"{story.get_absolute_url()}comments/feed.rss")
    change_status(comment, Comment.Status.APPROVED)
    assert_every_page_shows(pages, "Held until a moderator reads it.")


def test_a_comment_removed_by_a_moderator(story):
    comment = make_comment(story, text="Soon removed.")
    pages = Pages(story.get_absolute_url(), f"{story.get_absolute_url()}comments/feed.rss")
    change_status(comment, Comment.Status.REMOVED)
    assert_no_page_shows(pages, "Soon removed.")


def test_a_correction(story):
    pages = Pages(story.get_absolute_url(), "/en/corrections/", "/en/corrections/feed.rss")
    make_correction(story, text="An earlier version gave the wrong ferry count.")
    assert_every_page_shows(pages, "An earlier version gave the wrong ferry count.")


def test_a_hashtag_renamed(story):
    pages = Pages(story.get_absolute_url(), "/en/", "/en/tags/", "/en/tags/harbour/")
    tag = Hashtag.objects.get(slug="harbour")
    tag.name = "HARBOUR"
    tag.save()
    assert_every_page_shows(pages, "#HARBOUR")


def test_a_section_renamed(story):
    pages = Pages(story.get_absolute_url(), "/en/", story.section.get_absolute_url())
    section = story.section
    section.name = "Harbours of the World"
    section.save()
    assert_every_page_shows(pages, "Harbours of the World")


def test_an_outlet_renamed(story):
    pages = Pages(story.get_absolute_url(), "/en/", story.outlet.get_absolute_url(), "/en/tags/harbour/")
    outlet = story.outlet
    outlet.name = "Harbour Herald Renamed"
    outlet.save()
    assert_every_page_shows(pages, "Harbour Herald Renamed")


def test_a_lead_photo_changed(story):
    photo = make_photo(alt_text="Ferries at the pier")
    story.lead_photo = photo
    story.save()
    pages = Pages(story.get_absolute_url(), "/en/", "/en/tags/harbour/")
    photo.alt_text = "Night ferries lit up at the pier"
    photo.save()
    assert_every_page_shows(pages, "Night ferries lit up at the pier")


def test_a_front_page_pin(story):
    older = make_story(headline="An older harbour story to pin")
    pages = Pages("/en/")
    FrontPagePin.objects.create(story=older, slot=FrontPagePin.Slot.LEAD)
    html, etag_changed = pages.after()["/en/"]
    assert etag_changed
    assert html.index("An older harbour story to pin") < html.index("Harbour ferries run all night")
