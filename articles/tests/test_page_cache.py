"""Whole story pages served from the cache, never stale, never personal."""

import re

import pytest
from django.test import Client

from articles.models import Hashtag, Story

from .factories import make_hashtag, make_social_link, make_story

pytestmark = pytest.mark.django_db


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


@pytest.fixture
def story():
    return make_story(headline="Cached harbour story", hashtags=["Harbour"])


def test_second_reader_is_served_from_the_cache_with_one_query(client, story, django_assert_max_num_queries):
    client.get(story.get_absolute_url())
    with django_assert_max_num_queries(1):
        response = Client().get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Cached harbour story" in response.content.decode()
    assert "Cookie" in response["Vary"]


def test_cached_page_carries_fresh_tokens_for_each_reader(client, story):
    first = client.get(story.get_absolute_url()).content.decode()
    second = Client().get(story.get_absolute_url()).content.decode()
    assert hidden(first, "csrfmiddlewaretoken") != hidden(second, "csrfmiddlewaretoken")
    assert "\x00" not in second
    assert hidden(second, "token")


def test_form_of_a_cached_page_can_be_posted(story, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    Client().get(story.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    html = reader.get(story.get_absolute_url()).content.decode()
    response = reader.post(
        f"{story.get_absolute_url()}comments/",
        {
            "csrfmiddlewaretoken": hidden(html, "csrfmiddlewaretoken"),
            "token": hidden(html, "token"),
            "text": "Posted from a cached page.",
            "author_name": "Yoon",
            "author_email": "yoon@example.org",
        },
    )
    assert response.status_code == 303
    assert story.comments.get().text == "Posted from a cached page."


def test_edit_to_the_story_shows_at_once(client, story):
    client.get(story.get_absolute_url())
    story.headline = "Corrected harbour story"
    story.save()
    assert "Corrected harbour story" in Client().get(story.get_absolute_url()).content.decode()


def test_every_edit_saved_from_one_story_object_shows_at_once(story):
    for headline in ["First edit of the harbour story", "Second edit of the harbour story"]:
        Client().get(story.get_absolute_url())
        story.headline = headline
        story.save()
        assert headline in Client().get(story.get_absolute_url()).content.decode()


def test_an_edit_saved_from_an_object_read_before_another_edit_shows_at_once(story):
    first, second = Story.objects.get(pk=story.pk), Story.objects.get(pk=story.pk)
    first.headline = "Edited in one tab"
    first.save()
    assert "Edited in one tab" in Client().get(story.get_absolute_url()).content.decode()
    second.headline = "Edited in another tab"
    second.save()
    assert "Edited in another tab" in Client().get(story.get_absolute_url()).content.decode()


def test_new_social_link_and_renamed_hashtag_show_at_once(client, story):
    client.get(story.get_absolute_url())
    make_social_link(story.outlet, label="Mastodon", url="https://social.example/@harbour")
    tag = Hashtag.objects.get(slug="harbour")
    tag.name = "HARBOUR"
    tag.save()
    html = Client().get(story.get_absolute_url()).content.decode()
    assert "https://social.example/@harbour" in html
    assert "#HARBOUR" in html


def test_approved_comment_shows_at_once(client, story):
    from comments.models import Comment
    from comments.status import change_status

    comment = Comment.objects.create(
        story=story,
        author_name="Ahn",
        author_email="ahn@example.org",
        text="Held first.",
        created_at=story.published_at,
    )
    client.get(story.get_absolute_url())
    assert "Held first." not in Client().get(story.get_absolute_url()).content.decode()
    change_status(comment, Comment.Status.APPROVED)
    assert "Held first." in Client().get(story.get_absolute_url()).content.decode()


def test_unpublished_story_is_not_served_from_the_cache(client, story):
    client.get(story.get_absolute_url())
    Story.objects.filter(pk=story.pk).update(status=Story.Status.DRAFT)
    assert Client().get(story.get_absolute_url()).status_code == 404


def test_readers_with_comment_cookies_or_a_session_get_their_own_page(client, story, django_assert_max_num_queries):
    client.get(story.get_absolute_url())
    personal = Client()
    personal.cookies["newsroom_comment_author"] = "anything"
    with django_assert_max_num_queries(20) as captured:
        personal.get(story.get_absolute_url())
    assert len(captured) > 1


def test_reply_links_and_other_parameters_skip_the_cache(client, story, django_assert_max_num_queries):
    client.get(story.get_absolute_url())
    with django_assert_max_num_queries(20) as captured:
        Client().get(story.get_absolute_url() + "?replytocom=999")
    assert len(captured) > 1


def test_cache_can_be_turned_off(client, story, settings, django_assert_max_num_queries):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    client.get(story.get_absolute_url())
    with django_assert_max_num_queries(20) as captured:
        Client().get(story.get_absolute_url())
    assert len(captured) > 1


def test_pages_of_other_stories_are_kept_apart(client):
    first = make_story(headline="First cached story", hashtags=[make_hashtag("One")])
    second = make_story(headline="Second cached story")
    client.get(first.get_absolute_url())
    assert "Second cached story" in Client().get(second.get_absolute_url()).content.decode()


def test_page_cached_while_comments_were_open_is_not_served_after_they_close(client, settings):
    import datetime as dt

    from django.utils import timezone

    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    story = make_story(published_at=timezone.now() - dt.timedelta(days=13))
    assert 'id="comment-form"' in client.get(story.get_absolute_url()).content.decode()
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - dt.timedelta(days=15))
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "Comments are closed." in page


@pytest.mark.parametrize("cpage", ["x", "999999", "²", "-1"])
def test_odd_comment_page_numbers_do_not_fill_the_cache(client, story, cpage, django_assert_max_num_queries):
    client.get(story.get_absolute_url() + f"?cpage={cpage}")
    with django_assert_max_num_queries(20) as captured:
        assert Client().get(story.get_absolute_url() + f"?cpage={cpage}").status_code == 200
    assert len(captured) > 1


def cached_story_page_keys():
    """The story-page keys the default cache holds now (locmem or Redis under CACHE_KEY_PREFIX)."""
    from django.conf import settings
    from django.core.cache import cache

    backend = cache._cache
    if hasattr(backend, "get_client"):
        client = backend.get_client(write=True)
        return [key.decode() for key in client.scan_iter(f"{settings.CACHE_KEY_PREFIX}:*story-page*", count=1000)]
    return [key for key in backend if "story-page" in key]


def test_two_hundred_host_header_ports_store_a_bounded_number_of_pages(story, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    for port in range(20000, 20200):
        response = Client().get(story.get_absolute_url(), HTTP_HOST=f"127.0.0.1:{port}")
        assert response.status_code == 200
        assert f"http://127.0.0.1:{port}/en/stories/" in response.content.decode()
    assert len(cached_story_page_keys()) <= 2


def test_the_site_address_and_each_allowed_host_are_cached(story, settings, django_assert_max_num_queries):
    settings.ALLOWED_HOSTS = ["news.example", "testserver"]
    settings.SITE_URL = "https://news.example:8443"
    for host in ("news.example", "news.example:8443"):
        secure = host.endswith(":8443")
        Client().get(story.get_absolute_url(), HTTP_HOST=host, secure=secure)
        with django_assert_max_num_queries(1):
            html = Client().get(story.get_absolute_url(), HTTP_HOST=host, secure=secure).content.decode()
        scheme = "https" if secure else "http"
        assert f'<link rel="canonical" href="{scheme}://{host}{story.get_absolute_url()}">' in html


def test_a_host_outside_the_bounded_set_is_rendered_not_cached(story, settings, django_assert_max_num_queries):
    settings.ALLOWED_HOSTS = [".example.org", "testserver"]
    Client().get(story.get_absolute_url(), HTTP_HOST="a.example.org")
    with django_assert_max_num_queries(30) as captured:
        response = Client().get(story.get_absolute_url(), HTTP_HOST="a.example.org")
    assert response.status_code == 200
    assert len(captured) > 1
    assert cached_story_page_keys() == []
