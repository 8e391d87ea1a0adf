"""Whole reader pages served from the cache (articles.page_cache): one query a hit, never stale, never personal."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import FrontPagePin, Hashtag, Story
from comments.models import Comment
from comments.status import change_status

from .factories import make_hashtag, make_social_link, make_story
from .page_cache_helpers import cached_page_keys, clock_moved, reader_site

pytestmark = pytest.mark.django_db

PAGE_NAMES = [
    "story",
    "story comments page 1",
    "story comments newest",
    "story comments feed",
    "home",
    "home in Korean",
    "home page 1",
    "hashtag index",
    "hashtag",
    "section",
    "outlet",
    "reporter",
    "corrections",
    "search",
    "latest feed",
    "latest atom feed",
    "hashtag feed",
    "section feed",
    "corrections feed",
    "sitemap",
    "sitemap file",
    "sitemap file page 1",
    "news sitemap",
]


@pytest.fixture
def story():
    return make_story(headline="Cached harbour story", hashtags=["Harbour"])


def queries_of(url, django_assert_max_num_queries, **extra):
    """How many queries a fresh reader's request for `url` makes (at most 30)."""
    with django_assert_max_num_queries(30) as captured:
        response = Client().get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_the_second_reader_of_every_reader_page_is_served_with_one_query(name, django_assert_max_num_queries):
    _story, urls = reader_site()
    first = Client().get(urls[name])
    with django_assert_max_num_queries(1):
        second = Client().get(urls[name])
    assert second.status_code == 200
    assert second.content == first.content


def test_a_hit_reads_no_session_and_resolves_no_view(story, django_assert_max_num_queries):
    Client().get(story.get_absolute_url())
    response = Client().get(story.get_absolute_url())
    # The test client records the templates a response rendered: a hit renders none.
    assert response.templates == []
    assert response.wsgi_request.__dict__.get("session") is None


def test_the_shared_story_page_carries_no_value_of_its_own_reader(story):
    first, second = Client().get(story.get_absolute_url()), Client().get(story.get_absolute_url())
    assert first.content == second.content
    assert not first.cookies and not second.cookies
    html = first.content.decode()
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="">' in html
    assert re.search(r'<input type="hidden" name="token"(?![^>]*value=)', html)


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


def test_a_story_published_since_shows_on_the_home_page_at_once(client, story):
    draft = make_story(headline="Ferry strike called off", status=Story.Status.DRAFT)
    client.get("/en/")
    Story.objects.filter(pk=draft.pk).update(status=Story.Status.PUBLISHED)
    assert "Ferry strike called off" in Client().get("/en/").content.decode()


@pytest.mark.parametrize(
    "cookie", ["newsroom_comment_author", "newsroom_own_comments", "newsroom_anything", "sessionid", "messages"]
)
def test_readers_with_a_personal_cookie_get_their_own_page(story, cookie, django_assert_max_num_queries):
    Client().get(story.get_absolute_url())
    assert queries_of(story.get_absolute_url(), django_assert_max_num_queries, HTTP_COOKIE=f"{cookie}=anything") > 1


def test_a_request_with_credentials_gets_its_own_page(story, django_assert_max_num_queries):
    Client().get(story.get_absolute_url())
    assert queries_of(story.get_absolute_url(), django_assert_max_num_queries, HTTP_AUTHORIZATION="Basic eDp5") > 1


def test_a_csrf_cookie_or_a_statistics_cookie_alone_does_not_make_a_page_personal(story, django_assert_max_num_queries):
    Client().get(story.get_absolute_url())
    reader = Client()
    reader.cookies["csrftoken"] = "a" * 32
    reader.cookies["_ga"] = "GA1.1.1"
    with django_assert_max_num_queries(1):
        assert reader.get(story.get_absolute_url()).status_code == 200


def test_reply_links_and_other_parameters_skip_the_cache(story, django_assert_max_num_queries):
    Client().get(story.get_absolute_url())
    assert queries_of(story.get_absolute_url() + "?replytocom=999", django_assert_max_num_queries) > 1
    assert cached_page_keys() and len(cached_page_keys()) == 1


def test_tracking_parameters_are_dropped_from_the_key_and_from_the_page(story, django_assert_max_num_queries):
    first = Client().get(story.get_absolute_url() + "?utm_source=newsletter&fbclid=abc").content.decode()
    assert "utm_source" not in first and "fbclid" not in first
    with django_assert_max_num_queries(1):
        second = Client().get(story.get_absolute_url())
    assert second.content.decode() == first


def test_cache_can_be_turned_off(story, settings, django_assert_max_num_queries):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    Client().get(story.get_absolute_url())
    assert queries_of(story.get_absolute_url(), django_assert_max_num_queries) > 1
    assert cached_page_keys() == []


def test_pages_of_other_stories_are_kept_apart():
    first = make_story(headline="First cached story", hashtags=[make_hashtag("One")])
    second = make_story(headline="Second cached story")
    Client().get(first.get_absolute_url())
    assert "Second cached story" in Client().get(second.get_absolute_url()).content.decode()


def test_the_english_and_korean_pages_are_kept_apart(story):
    Client().get(story.get_absolute_url())
    korean = Client().get(f"/ko{story.get_absolute_url()[3:]}").content.decode()
    assert '<html lang="ko">' in korean


def test_a_page_is_rendered_again_after_the_page_cache_seconds(story, settings, django_assert_max_num_queries):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 60
    Client().get(story.get_absolute_url())
    with clock_moved(61):
        assert queries_of(story.get_absolute_url(), django_assert_max_num_queries) > 1


def test_search_pages_are_kept_a_minute(story, django_assert_max_num_queries):
    Client().get("/en/search/?q=harbour")
    with clock_moved(59):
        assert queries_of("/en/search/?q=harbour", django_assert_max_num_queries) == 1
    with clock_moved(61):
        assert queries_of("/en/search/?q=harbour", django_assert_max_num_queries) > 1


class TestTheClock:
    """What changes by the clock alone is not served from a copy made before."""

    def test_a_scheduled_story_shows_on_the_listings_and_related_stories_when_its_time_comes(self, story):
        make_story(
            headline="Harbour night market opens",
            hashtags=["Harbour"],
            published_at=timezone.now() + dt.timedelta(minutes=5),
        )
        assert "Harbour night market opens" not in Client().get("/en/").content.decode()
        assert "Harbour night market opens" not in Client().get(story.get_absolute_url()).content.decode()
        with clock_moved(6 * 60):
            assert "Harbour night market opens" in Client().get("/en/").content.decode()
            assert "Harbour night market opens" in Client().get("/en/tags/harbour/").content.decode()
            assert "Harbour night market opens" in Client().get(story.get_absolute_url()).content.decode()

    def test_a_lapsed_pin_leaves_the_front_page_when_its_time_comes(self):
        make_story(headline="Newest harbour story", published_at=timezone.now() - dt.timedelta(minutes=1))
        older = make_story(headline="Pinned harbour lead", published_at=timezone.now() - dt.timedelta(days=3))
        ends = timezone.now() + dt.timedelta(minutes=5)
        FrontPagePin.objects.create(story=older, slot=FrontPagePin.Slot.LEAD, ends_at=ends)
        html = Client().get("/en/").content.decode()
        assert html.index("Pinned harbour lead") < html.index("Newest harbour story")
        with clock_moved(6 * 60):
            html = Client().get("/en/").content.decode()
        assert html.index("Newest harbour story") < html.index("Pinned harbour lead")

    def test_a_comment_section_closing_after_its_days_is_not_served_open(self, settings):
        settings.COMMENTS_CLOSE_AFTER_DAYS = 14
        story = make_story(published_at=timezone.now() - dt.timedelta(days=14) + dt.timedelta(minutes=5))
        assert 'id="comment-form"' in Client().get(story.get_absolute_url()).content.decode()
        with clock_moved(6 * 60):
            page = Client().get(story.get_absolute_url()).content.decode()
        assert "Comments are closed." in page

    def test_the_form_closing_for_the_night_is_not_served_open(self, story, settings):
        zone = story.outlet.zone
        in_five_minutes = timezone.localtime(timezone.now() + dt.timedelta(minutes=5), zone)
        settings.COMMENTS_STAFFED_HOURS = f"{(in_five_minutes - dt.timedelta(hours=8)):%H:%M}-{in_five_minutes:%H:%M}"
        settings.COMMENTS_OUTSIDE_HOURS = "close"
        assert 'id="comment-form"' in Client().get(story.get_absolute_url()).content.decode()
        with clock_moved(6 * 60):
            page = Client().get(story.get_absolute_url()).content.decode()
        assert 'id="comment-form"' not in page
        assert "while moderators are at work." in page


@pytest.mark.parametrize("cpage", ["x", "999999", "²", "-1", "01"])
def test_odd_comment_page_numbers_do_not_fill_the_cache(story, cpage, django_assert_max_num_queries):
    Client().get(story.get_absolute_url() + f"?cpage={cpage}")
    assert queries_of(story.get_absolute_url() + f"?cpage={cpage}", django_assert_max_num_queries) > 1
    assert cached_page_keys() == []


def test_two_hundred_host_header_ports_store_a_bounded_number_of_pages(story, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    for port in range(20000, 20200):
        response = Client().get(story.get_absolute_url(), HTTP_HOST=f"127.0.0.1:{port}")
        assert response.status_code == 200
        assert f"http://127.0.0.1:{port}/en/stories/" in response.content.decode()
        assert "public" not in response["Cache-Control"]
    assert len(cached_page_keys()) <= 2


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
    assert queries_of(story.get_absolute_url(), django_assert_max_num_queries, HTTP_HOST="a.example.org") > 1
    assert cached_page_keys() == []


def test_a_restart_with_other_comment_settings_does_not_serve_pages_made_under_the_old_ones(story, settings):
    Client().get(story.get_absolute_url())
    settings.COMMENTS_PER_PAGE = 1
    Client().get(story.get_absolute_url())
    assert len(cached_page_keys()) == 2


class TestAWriteDuringTheRender:
    """A proxy gets its BAN when a write commits; a render that read the data before that commit and
    answers after it would be stored by the proxy after the ban, and outlive it."""

    @pytest.fixture
    def written_while_rendering(self, story, monkeypatch):
        """The story page's render, with the story edited (and committed) halfway through."""
        from articles import views

        render = views.StoryDetailView.get

        def get_then_write(view, request, *args, **kwargs):
            response = render(view, request, *args, **kwargs)
            response.render()
            Story.objects.filter(pk=story.pk).update(headline="Edited while the page was rendered")
            return response

        monkeypatch.setattr(views.StoryDetailView, "get", get_then_write)
        return story

    def test_with_a_proxy_the_page_is_answered_but_kept_by_no_cache(self, written_while_rendering, settings):
        settings.NEWSROOM_PURGE_URLS = ["http://127.0.0.1:9"]
        settings.NEWSROOM_PURGE_TIMEOUT = 0.2
        response = Client().get(written_while_rendering.get_absolute_url())
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "ETag" not in response
        assert not cached_page_keys()
        assert (
            "Edited while the page was rendered"
            in Client().get(written_while_rendering.get_absolute_url()).content.decode()
        )

    def test_without_a_proxy_the_copy_is_kept_under_the_version_it_was_rendered_for(self, written_while_rendering):
        response = Client().get(written_while_rendering.get_absolute_url())
        assert "public" in response["Cache-Control"]
        assert len(cached_page_keys()) == 1
        # The next reader asks for the version the edit made: the copy is not served.
        assert (
            "Edited while the page was rendered"
            in Client().get(written_while_rendering.get_absolute_url()).content.decode()
        )
