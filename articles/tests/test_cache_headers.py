"""What each response tells browsers and shared caches (README "Caching"): public reader pages with
validators and the stories they show; personal, admin and form answers never shared."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from articles.models import Story
from comments.tests.factories import make_comment

from .factories import make_story
from .page_cache_helpers import clock_moved, reader_site
from .test_page_cache import PAGE_NAMES

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=60, s-maxage=300, stale-while-revalidate=30"


def directives(response):
    """The Cache-Control directives of a response, as {name: value or True}."""
    parts = [part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()]
    return {name: value or True for name, _, value in (part.partition("=") for part in parts)}


@pytest.fixture
def site():
    return reader_site()


@pytest.mark.parametrize("name", [name for name in PAGE_NAMES if name != "search"])
def test_every_reader_page_is_public_for_browsers_and_shared_caches(site, name):
    _story, urls = site
    for response in (Client().get(urls[name]), Client().get(urls[name])):  # rendered, then from the cache
        assert response["Cache-Control"] == PUBLIC
        assert response["Vary"] == "Cookie"
        assert not response.cookies


def test_a_search_page_is_shared_for_a_minute_at_most(site):
    _story, urls = site
    cache_control = directives(Client().get(urls["search"]))
    assert cache_control["public"] is True
    assert 0 < int(cache_control["max-age"]) <= 60
    assert 0 < int(cache_control["s-maxage"]) <= 60


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_reader_page_has_a_strong_etag_and_a_last_modified_that_two_requests_share(site, name):
    _story, urls = site
    first, second = Client().get(urls[name]), Client().get(urls[name])
    assert re.fullmatch(r'"[0-9a-f]{32}"', first["ETag"])
    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"] == second["Last-Modified"]
    assert parse_http_date(first["Last-Modified"]) <= timezone.now().timestamp()


def test_the_sitemaps_vary_on_no_language_and_name_none():
    for url in ("/sitemap.xml", "/sitemap-stories.xml", "/news-sitemap.xml"):
        english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
        korean = Client().get(url, HTTP_ACCEPT_LANGUAGE="ko")
        assert english.content == korean.content
        assert english["Vary"] == "Cookie"
        assert "Content-Language" not in english


def test_a_story_page_names_its_story_and_its_related_stories(site):
    story, urls = site
    related = Story.objects.exclude(pk=story.pk).get(headline="Harbour cranes are repainted")
    assert Client().get(urls["story"])["X-Newsroom-Stories"] == f"{story.pk} {related.pk}"
    assert Client().get(urls["story comments feed"])["X-Newsroom-Stories"] == str(story.pk)


@pytest.mark.parametrize("name", ["home", "hashtag", "section", "outlet", "reporter", "search"])
def test_a_listing_page_names_the_listings_and_each_story_it_lists(site, name):
    _story, urls = site
    tokens = Client().get(urls[name])["X-Newsroom-Stories"].split()
    assert tokens[0] == "listings"
    assert sorted(map(int, tokens[1:])) == sorted(Story.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("name", ["hashtag index", "latest feed", "sitemap", "sitemap file", "news sitemap"])
def test_pages_without_story_cards_name_the_listings(site, name):
    _story, urls = site
    assert Client().get(urls[name])["X-Newsroom-Stories"] == "listings"


class TestConditionalRequests:
    @pytest.mark.parametrize("name", ["story", "home", "latest feed", "sitemap", "sitemap file"])
    def test_if_none_match_with_the_current_etag_answers_304_with_the_headers_and_no_body(self, site, name):
        _story, urls = site
        first = Client().get(urls[name])
        response = Client().get(urls[name], HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert response["Cache-Control"] == first["Cache-Control"]
        assert response["X-Newsroom-Stories"] == first["X-Newsroom-Stories"]

    def test_if_modified_since_the_last_modified_answers_304(self, site):
        _story, urls = site
        first = Client().get(urls["story"])
        assert Client().get(urls["story"], HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    def test_the_first_request_is_answered_304_too_when_the_visitor_has_those_bytes(self, site):
        _story, urls = site
        first = Client().get(urls["home"])
        cache.clear()
        assert Client().get(urls["home"], HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_after_a_change_the_old_etag_gets_the_new_page(self, site):
        story, urls = site
        first = Client().get(urls["story"])
        story.headline = "Harbour ferries stop at midnight"
        story.save()
        with clock_moved(2):
            response = Client().get(urls["story"], HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code == 200
        assert "Harbour ferries stop at midnight" in response.content.decode()
        assert response["ETag"] != first["ETag"]
        assert parse_http_date(response["Last-Modified"]) > parse_http_date(first["Last-Modified"])

    def test_an_old_last_modified_gets_the_page(self, site):
        _story, urls = site
        old = http_date((timezone.now() - dt.timedelta(days=1)).timestamp())
        assert Client().get(urls["home"], HTTP_IF_MODIFIED_SINCE=old).status_code == 200

    def test_a_personal_page_answers_no_conditional_request(self, site):
        _story, urls = site
        first = Client().get(urls["story"])
        personal = Client().get(urls["story"], HTTP_IF_NONE_MATCH=first["ETag"], HTTP_COOKIE="sessionid=x")
        assert personal.status_code == 200
        assert "ETag" not in personal


class TestClockBoundsTheAges:
    def test_a_page_that_changes_soon_by_the_clock_is_kept_no_longer_than_until_then(self):
        make_story(headline="Scheduled harbour story", published_at=timezone.now() + dt.timedelta(seconds=40))
        cache_control = directives(Client().get("/en/"))
        assert int(cache_control["max-age"]) <= 40
        assert int(cache_control["s-maxage"]) <= 40


class TestNeverShared:
    @pytest.mark.parametrize(
        "cookie", ["sessionid=abc", "messages=abc", "newsroom_own_comments=1", "newsroom_comment_author=x"]
    )
    @pytest.mark.parametrize("name", ["story", "home", "hashtag", "latest feed", "sitemap", "sitemap file", "search"])
    def test_pages_for_a_visitor_with_a_personal_cookie_are_private(self, site, cookie, name):
        _story, urls = site
        Client().get(urls[name])
        response = Client().get(urls[name], HTTP_COOKIE=cookie)
        cache_control = directives(response)
        assert "public" not in cache_control
        assert cache_control["private"] is True and cache_control["no-cache"] is True
        assert "X-Newsroom-Stories" not in response
        assert "Cookie" in response["Vary"]

    def test_a_logged_in_editors_pages_are_private(self, site, admin_client):
        _story, urls = site
        for name in ("story", "home"):
            assert directives(admin_client.get(urls[name]))["private"] is True

    def test_a_preview_of_a_draft_is_never_stored(self, admin_client):
        draft = make_story(status=Story.Status.DRAFT)
        cache_control = directives(admin_client.get(draft.get_absolute_url()))
        assert cache_control["private"] is True and cache_control["no-store"] is True

    def test_the_admin_is_never_stored(self, admin_client):
        for url in ("/admin/", "/admin/articles/story/", "/admin/login/"):
            cache_control = directives(admin_client.get(url))
            assert cache_control["private"] is True and cache_control["no-store"] is True, url

    def test_the_admin_login_page_is_never_stored_for_a_visitor_either(self):
        cache_control = directives(Client().get("/admin/login/"))
        assert "public" not in cache_control and cache_control["no-store"] is True

    def test_a_page_with_a_csrf_form_is_private(self, site):
        story, _urls = site
        comment = make_comment(story)
        response = Client().get(f"/en/comments/{comment.pk}/report/")
        assert response.status_code == 200
        assert directives(response)["private"] is True

    def test_a_reply_form_page_is_private(self, site):
        story, urls = site
        comment = make_comment(story)
        assert directives(Client().get(f"{urls['story']}?replytocom={comment.pk}"))["private"] is True

    def test_a_missing_page_is_private(self):
        assert directives(Client().get("/en/stories/no-such-story/"))["private"] is True

    def test_the_answer_to_a_comment_post_is_never_stored(self, site):
        story, urls = site
        response = Client().post(f"{urls['story']}comments/", {"text": "", "author_name": "", "author_email": ""})
        assert response.status_code in (400, 403)
        assert directives(response)["no-store"] is True

    def test_the_comment_forms_values_are_never_stored(self, site):
        _story, urls = site
        cache_control = directives(Client().get(f"{urls['story']}comments/form-values/"))
        assert cache_control["private"] is True and cache_control["no-store"] is True

    def test_the_privacy_page_is_not_shared(self):
        assert "public" not in directives(Client().get("/en/privacy/"))
