"""Related stories under a story: shared hashtags, most shared first, newest next, five at most."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Story, StoryHashtag

from .factories import make_hashtag, make_outlet, make_story
from .story_pages import PAGES, import_story

pytestmark = pytest.mark.django_db


def related_headlines(response):
    html = response.content.decode()
    match = re.search(r'<section class="related-stories.*?</section>', html, re.DOTALL)
    if match is None:
        return []
    return re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', match.group(0))


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def tags():
    return [make_hashtag(name) for name in ("Port", "Storm", "Ferry")]


def test_most_shared_hashtags_come_first_then_the_newest(client, tags):
    port, storm, ferry = tags
    story = make_story(hashtags=[port, storm, ferry])
    make_story(headline="Shares one, newest", hashtags=[port], published_at=hours_ago(1))
    make_story(headline="Shares three", hashtags=[port, storm, ferry], published_at=hours_ago(50))
    make_story(headline="Shares two", hashtags=[storm, ferry], published_at=hours_ago(40))
    make_story(headline="Shares one, older", hashtags=[ferry], published_at=hours_ago(30))
    assert related_headlines(client.get(story.get_absolute_url())) == [
        "Shares three",
        "Shares two",
        "Shares one, newest",
        "Shares one, older",
    ]


def test_at_most_five_are_shown(client, tags):
    story = make_story(hashtags=tags)
    for number in range(8):
        make_story(headline=f"Sibling {number}", hashtags=[tags[0]], published_at=hours_ago(number + 1))
    assert related_headlines(client.get(story.get_absolute_url())) == [f"Sibling {n}" for n in range(5)]


def test_never_the_story_itself_nor_unpublished_stories(client, tags):
    story = make_story(headline="The story itself", hashtags=tags)
    make_story(headline="A draft", hashtags=tags, status=Story.Status.DRAFT)
    make_story(headline="Scheduled", hashtags=tags, published_at=timezone.now() + dt.timedelta(hours=2))
    make_story(headline="Published sibling", hashtags=[tags[2]])
    assert related_headlines(client.get(story.get_absolute_url())) == ["Published sibling"]


def test_stories_without_a_shared_hashtag_are_not_related(client, tags):
    story = make_story(hashtags=[tags[0]])
    make_story(headline="Other topic", hashtags=[tags[1]])
    make_story(headline="No hashtags")
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="related-stories' not in html


def test_korean_page_shows_korean_headlines_marked_korean(client, tags):
    story = make_story(hashtags=tags)
    make_story(headline="Ferry returns", headline_ko="여객선 복귀", hashtags=tags, published_at=hours_ago(1))
    make_story(headline="English only sibling", headline_ko="", hashtags=tags, published_at=hours_ago(2))
    with translation.override("ko"):
        url = story.get_absolute_url()
    html = client.get(url).content.decode()
    assert '<a href="/ko/stories/' in html
    assert 'lang="ko">여객선 복귀</a>' in html
    assert 'lang="en">English only sibling</a>' in html


def test_query_count_does_not_grow_with_related_stories_and_hashtags(client, django_assert_max_num_queries):
    from .test_views import STORY_PAGE_QUERIES

    outlets = [make_outlet() for _ in range(3)]
    many = [make_hashtag(f"Shared{n}") for n in range(20)]
    story = make_story(outlet=outlets[0], hashtags=many)
    for number in range(30):
        make_story(outlet=outlets[number % 3], hashtags=many[number % 7 :])
    with django_assert_max_num_queries(STORY_PAGE_QUERIES):
        assert len(related_headlines(client.get(story.get_absolute_url()))) == 5


class TestCachedPages:
    """A related story that changes shows at once on the cached pages that list it."""

    @pytest.fixture
    def pair(self, client, tags):
        story = make_story(headline="Cached story", hashtags=tags)
        sibling = make_story(headline="Sibling before", hashtags=[tags[0]])
        assert related_headlines(client.get(story.get_absolute_url())) == ["Sibling before"]
        return story, sibling

    def test_retitled_sibling(self, pair):
        story, sibling = pair
        sibling.headline = "Sibling after"
        sibling.save()
        assert related_headlines(Client().get(story.get_absolute_url())) == ["Sibling after"]

    def test_sibling_returned_to_draft(self, pair):
        story, sibling = pair
        sibling.status = Story.Status.DRAFT
        sibling.save()
        assert related_headlines(Client().get(story.get_absolute_url())) == []

    def test_sibling_deleted(self, pair):
        story, sibling = pair
        sibling.delete()
        assert related_headlines(Client().get(story.get_absolute_url())) == []

    def test_new_hashtag_on_another_story(self, pair, tags):
        story, _sibling = pair
        newcomer = make_story(headline="Newcomer", published_at=hours_ago(0.5))
        StoryHashtag.objects.create(story=newcomer, hashtag=tags[1])
        assert related_headlines(Client().get(story.get_absolute_url())) == ["Newcomer", "Sibling before"]

    def test_imported_story_with_a_shared_hashtag(self, client):
        story = make_story(headline="Cached ferry story", hashtags=["Ferry"])
        client.get(story.get_absolute_url())
        import_story(PAGES / "valid_minimal.txt")
        assert related_headlines(Client().get(story.get_absolute_url())) == ["Harbour Ferry Adds Evening Crossing"]

    def test_sibling_unpublished_from_the_admin_list(self, pair, django_user_model):
        story, sibling = pair
        editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
        editor.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_story", "change_story", "publish_story"])
        )
        admin = Client()
        admin.force_login(editor)
        response = admin.post(
            reverse("admin:articles_story_changelist"), {"action": "unpublish", "_selected_action": [sibling.pk]}
        )
        assert response.status_code == 302
        assert related_headlines(Client().get(story.get_absolute_url())) == []
