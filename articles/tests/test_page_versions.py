"""The writes that move page versions: a story's own `page_version` and the site-wide listings version.

The page cache keys story pages by the one and listing pages by the other (`articles.page_cache`);
these tests check the versions move where the data is written, whoever writes it.
"""

import pytest
from django.db.models import F
from django.utils import timezone

from articles.models import FrontPagePin, Hashtag, ListingsVersion, Story
from comments.models import Comment
from comments.status import change_status
from comments.tests.factories import make_comment

from .factories import make_hashtag, make_story

pytestmark = pytest.mark.django_db


def version_of(story):
    return Story.objects.values_list("page_version", flat=True).get(pk=story.pk)


@pytest.fixture
def story():
    return make_story(hashtags=["Harbour"])


def test_a_story_save_moves_its_version_and_the_listings_version(story):
    before, listings = version_of(story), ListingsVersion.current()
    story.headline = "A new headline"
    story.save()
    assert version_of(story) > before
    assert ListingsVersion.current() != listings


def test_a_queryset_update_moves_the_versions_of_the_stories_it_changes_and_their_related_stories(story):
    related = make_story(hashtags=["Harbour"])
    elsewhere = make_story(hashtags=["Elsewhere"])
    before = {one.pk: version_of(one) for one in (story, related, elsewhere)}
    listings = ListingsVersion.current()
    Story.objects.filter(pk=story.pk).update(status=Story.Status.DRAFT)
    assert version_of(story) > before[story.pk]
    assert version_of(related) > before[related.pk]
    assert version_of(elsewhere) == before[elsewhere.pk]
    assert ListingsVersion.current() != listings


def test_an_update_that_makes_its_filter_match_nothing_still_moves_the_stories_it_changed(story):
    before = version_of(story)
    Story.objects.filter(status=Story.Status.PUBLISHED, pk=story.pk).update(status=Story.Status.DRAFT)
    assert version_of(story) > before


def test_setting_a_storys_hashtags_moves_the_stories_sharing_the_old_and_the_new_ones(story):
    old_neighbour = make_story(hashtags=["Harbour"])
    new_neighbour = make_story(hashtags=["Ferry"])
    before = {one.pk: version_of(one) for one in (old_neighbour, new_neighbour)}
    story.set_hashtags([Hashtag.objects.get(slug="ferry"), make_hashtag("Ferry2"), Hashtag.objects.get(slug="ferry")])
    assert list(story.hashtags.order_by("story_links__position").values_list("slug", flat=True)) == ["ferry", "ferry2"]
    assert version_of(old_neighbour) > before[old_neighbour.pk]
    assert version_of(new_neighbour) > before[new_neighbour.pk]


def test_deleting_a_story_moves_the_stories_listing_it_as_related_and_the_listings(story):
    neighbour = make_story(hashtags=["Harbour"])
    before, listings = version_of(neighbour), ListingsVersion.current()
    story.delete()
    assert version_of(neighbour) > before
    assert ListingsVersion.current() != listings


def test_deleting_stories_through_a_queryset_moves_the_listings(story):
    listings = ListingsVersion.current()
    Story.objects.filter(pk=story.pk).delete()
    assert ListingsVersion.current() != listings


def test_a_front_page_pin_moves_the_listings_version_only(story):
    before, listings = version_of(story), ListingsVersion.current()
    pin = FrontPagePin.objects.create(story=story, slot=FrontPagePin.Slot.LEAD)
    assert ListingsVersion.current() != listings
    listings = ListingsVersion.current()
    pin.delete()
    assert ListingsVersion.current() != listings
    assert version_of(story) == before


def test_renaming_a_hashtag_no_public_story_has_still_moves_the_listings():
    tag = make_hashtag("Lonely")
    listings = ListingsVersion.current()
    tag.name = "LONELY"
    tag.save()
    assert ListingsVersion.current() != listings


def test_the_listings_version_is_a_new_random_token_each_time():
    tokens = set()
    for _ in range(3):
        ListingsVersion.move()
        tokens.add(ListingsVersion.current())
    assert len(tokens) == 3
    assert all(len(token) == 32 for token in tokens)


class TestComments:
    """Comments move their story's page wherever they are written; what no page shows does not."""

    def test_a_new_comment_moves_its_storys_version(self, story):
        before = version_of(story)
        make_comment(story)
        assert version_of(story) > before

    def test_a_status_change_moves_the_storys_version(self, story):
        comment = make_comment(story, status=Comment.Status.PENDING)
        before, listings = version_of(story), ListingsVersion.current()
        change_status(comment, Comment.Status.APPROVED)
        assert version_of(story) > before
        assert ListingsVersion.current() != listings

    def test_a_queryset_update_of_what_pages_show_moves_the_version(self, story):
        make_comment(story)
        before = version_of(story)
        Comment.objects.filter(story=story).update(text="Edited by a moderator.")
        assert version_of(story) > before

    def test_a_report_count_or_a_purged_address_leaves_the_page_alone(self, story):
        make_comment(story)
        before, listings = version_of(story), ListingsVersion.current()
        Comment.objects.filter(story=story).update(report_count=F("report_count") + 1)
        Comment.objects.filter(story=story).update(ip_address=None, user_agent="")
        assert version_of(story) == before
        assert ListingsVersion.current() == listings

    def test_bulk_created_comments_move_their_storys_version(self, story):

        before = version_of(story)
        Comment.objects.bulk_create(
            [Comment(story=story, author_name="Imported", text="From the old site.", created_at=timezone.now())]
        )
        assert version_of(story) > before

    def test_deleting_a_comment_moves_its_storys_version(self, story):

        comment = Comment.objects.create(
            story=story, author_name="Ahn", text="Soon gone.", created_at=story.published_at
        )
        before = version_of(story)
        comment.delete()
        assert version_of(story) > before
        Comment.objects.create(story=story, author_name="Ahn", text="Gone too.", created_at=story.published_at)
        before = version_of(story)
        Comment.objects.filter(story=story).delete()
        assert version_of(story) > before
