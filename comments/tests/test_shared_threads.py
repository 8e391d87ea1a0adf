"""The threads' HTML kept once for every reader without comments of their own on the page
(`comments.templatetags.comments.shared_threads_key`): the same bytes, fewer queries, never stale,
never another reader's held comment."""

import pytest
from django.core.cache import cache

from comments.models import Comment
from comments.status import change_status
from comments.templatetags.comments import shared_threads_key

from .factories import make_comment, make_moderator, make_story, post_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]


@pytest.fixture
def story():
    story = make_story(headline="Night buses return to the harbour line", slug="night-buses")
    for number in range(6):
        root = make_comment(story, text=f"Thread {number} opens here.")
        make_comment(story, parent=root, text=f"A reply in thread {number}.")
    return story


@pytest.fixture
def commenter(client):
    """A reader whose browser keeps the comment form's name: the page cache passes them by, so
    every page they open is rendered."""
    client.cookies["newsroom_comment_author"] = "saved"
    return client


def threads_of(response):
    html = response.content.decode()
    return html[html.index('<section id="comments"') : html.index('id="respond"')]


def test_a_second_reader_gets_the_same_threads_with_fewer_queries(commenter, story, django_assert_max_num_queries):
    first = commenter.get(story.get_absolute_url())
    assert "Thread 5 opens here." in first.content.decode()
    with django_assert_max_num_queries(7) as second_queries:
        second = commenter.get(story.get_absolute_url())
    assert threads_of(second) == threads_of(first)
    assert not any("comments_comment" in query["sql"] and "thread_id" in query["sql"] for query in second_queries)


def test_an_approved_comment_shows_at_once_since_the_story_version_moved(commenter, story):
    commenter.get(story.get_absolute_url())
    held = make_comment(story, text="Just approved, about the timetable.", status=Comment.Status.PENDING)
    assert "Just approved" not in commenter.get(story.get_absolute_url()).content.decode()
    change_status(held, Comment.Status.APPROVED, reason="test")
    assert "Just approved, about the timetable." in commenter.get(story.get_absolute_url()).content.decode()


def test_a_reader_s_held_comment_is_theirs_alone(client, story, settings):
    settings.COMMENTS_EDIT_MINUTES = 0
    response = post_form(client, story, text="Please add a stop at the ferry terminal, http://example.org")
    assert response.status_code == 303
    mine = client.get(story.get_absolute_url()).content.decode()
    assert "Please add a stop at the ferry terminal" in mine
    other = type(client)()
    other.cookies["newsroom_comment_author"] = "saved"
    assert "Please add a stop at the ferry terminal" not in other.get(story.get_absolute_url()).content.decode()


def test_staff_get_their_own_render(client, story, django_user_model):
    client.get(story.get_absolute_url())
    client.force_login(make_moderator(django_user_model))
    key = shared_threads_key(story, None, "oldest", True)
    cache.delete(key)
    client.get(story.get_absolute_url())
    assert cache.get(key) is None  # a staff member's page is not what readers are given


@pytest.mark.parametrize("raw", ["0", "51", "9999", "1e3", "١", "-1"])
def test_only_pages_1_to_50_are_kept(story, raw):
    assert shared_threads_key(story, raw, "oldest", True) is None


def test_each_order_language_and_open_state_has_its_own_copy(story):
    keys = {
        shared_threads_key(story, page, order, is_open)
        for page in ("1", "2")
        for order in ("oldest", "newest")
        for is_open in (True, False)
    }
    assert len(keys) == 8


def test_nothing_is_kept_when_the_page_cache_is_off(story, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    assert shared_threads_key(story, None, "oldest", True) is None


def test_a_korean_reader_gets_korean_threads(commenter, story):
    english = threads_of(commenter.get(story.get_absolute_url()))
    korean = threads_of(commenter.get(story.get_absolute_url().replace("/en/", "/ko/", 1)))
    assert ">Reply<" in english and ">답글<" not in english
    assert ">답글<" in korean and ">Reply<" not in korean
