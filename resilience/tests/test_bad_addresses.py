"""Crafted addresses and query strings get the 404 or 400 page, never a 500, on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from articles.tests.factories import make_outlet, make_story
from comments.tests.factories import make_comment

pytestmark = pytest.mark.django_db

NOT_UNDERSTOOD = "Request not understood"
NOT_UNDERSTOOD_KO = "요청을 이해할 수 없습니다"
NOT_FOUND = "Page not found"


@pytest.fixture
def story():
    outlet = make_outlet(name="연합뉴스")
    story = make_story(hashtags=["Ukraine", "우크라이나"], reporter="Choi Min-jung", outlet=outlet)
    make_comment(story)
    return story


@pytest.fixture
def reader(client):
    """The test client answering as a server would: a view's exception becomes a 500 page, not a raise."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def admin(admin_client):
    """A superuser's client, answering as a server would."""
    admin_client.raise_request_exception = False
    return admin_client


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(
    "path",
    [
        "tags/%23/",  # nothing left once "#" is taken off
        "tags/%23%23/",
        "tags/%EF%BC%83/",  # a full-width number sign is no letter
        "tags/%01ukraine/",
        "tags/ukraine%7F/",
        "tags/a%20b/",
        "tags/%C2%AD/",  # a soft hyphen alone
        "tags/" + "a" * 101 + "/",
        "tags/%23/feed.rss",
        "tags/%01/feed.atom",
        "outlets/%23/",
        "outlets/%01/",
        "outlets/a%20b/",
        "outlets/" + "a" * 121 + "/",
        "reporters/%23/",
        "reporters/%01choi-min-jung/",
        "reporters/%20%20/",
        "comments/0/",
        "comments/9223372036854775808/",  # one past the largest bigint
        "comments/99999999999999999999/",
        "comments/99999999999999999999/report/",
        "comments/99999999999999999999/edit/",
        "comments/9223372036854775808/withdraw/",
    ],
)
def test_address_no_slug_or_id_can_have_gets_the_404_page(reader, language, path):
    response = reader.get(f"/{language}/{path}")
    assert response.status_code == 404
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(
    "path",
    [
        "tags/%00/",
        "tags/ukraine%00/feed.rss",
        "outlets/%00/",
        "reporters/%00/",
        "stories/%00/",
        "comments/%00/",
        "?page=%00",
        "search/?q=%00",
        "search/?q=ferry%00",
        "search/?q=ferry&page=%00",
        "tags/?%00=1",
    ],
)
def test_nul_in_path_or_query_gets_the_400_page_in_the_address_language(reader, story, language, path):
    response = reader.get(f"/{language}/{path}")
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert {"en": NOT_UNDERSTOOD, "ko": NOT_UNDERSTOOD_KO}[language] in page
    assert f'href="/{language}/"' in page  # the way back to the latest stories


def test_nul_in_a_story_page_query_gets_the_400_page(reader, story):
    response = reader.get(story.get_absolute_url(), {"replytocom": "\x00", "cpage": "1"})
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap.xml?p=%00",
        "/sitemap-stories.xml?p=%00",
        "/news-sitemap.xml?p=%00",
        "/robots.txt?%00",
        "/xx%00/",
    ],
)
def test_nul_outside_the_language_prefix_gets_the_400_page(reader, story, path):
    response = reader.get(path)
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/story/?q=%00",
        "/admin/articles/story/?status=%00",
        "/admin/articles/story/?status__exact=%00",
        "/admin/articles/story/?outlet__id__exact=%00",
        "/admin/articles/story/?hashtags__id__exact=%00",
        "/admin/articles/story/?published_at__year=%00",
        "/admin/articles/story/?o=%00",
        "/admin/articles/story/?p=%00",
        "/admin/articles/story/%00/change/",
        "/admin/articles/outlet/?q=%00",
        "/admin/articles/hashtag/?q=%00",
        "/admin/comments/comment/?q=%00",
        "/admin/comments/comment/?status__exact=%00",
        "/admin/comments/comment/?story__id__exact=%00",
        "/admin/comments/comment/?created_at__gte=%00",
        "/admin/comments/comment/?held_by_rule=%00",
        "/admin/comments/comment/%00/change/",
    ],
)
def test_nul_in_an_admin_filter_search_or_object_address_gets_the_400_page(admin, story, url):
    response = admin.get(url)
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/story/?published_at__year=99999999",
        "/admin/articles/story/?published_at__year=2024&published_at__month=13",
        "/admin/articles/story/?published_at__year=2024&published_at__month=2&published_at__day=31",
        "/admin/articles/story/?outlet__id__exact=99999999999999999999",
        "/admin/articles/story/?outlet__id__exact=abc",
        "/admin/articles/story/?status=%01",
        "/admin/articles/story/?o=99.-1.x",
        "/admin/articles/story/?p=99999999999999999999",
        "/admin/articles/story/99999999999999999999/change/",
        "/admin/articles/story/abc/change/",
        "/admin/comments/comment/?created_at__gte=not-a-date",
        "/admin/comments/comment/?story__id__exact=-1",
        "/admin/comments/comment/?held_by_rule=%01",
    ],
)
def test_odd_admin_filters_and_object_ids_never_answer_500(admin, story, url):
    response = admin.get(url)
    assert response.status_code in (200, 302, 400, 404)


@pytest.mark.parametrize(
    "query",
    [
        {"page": "99999999999999999999"},
        {"page": "-1"},
        {"page": "٣"},  # an Arabic-Indic digit three
        {"page": "1e3"},
        {"page": ""},
    ],
)
@pytest.mark.parametrize("url_name", ["articles:home", "articles:hashtags", "articles:search"])
def test_odd_page_numbers_get_a_page_or_the_404_page(reader, story, url_name, query):
    response = reader.get(reverse(url_name), {"q": "story", **query})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize(
    "query",
    [
        {"cpage": "99999999999999999999"},
        {"cpage": "-3"},
        {"cpage": "٣"},
        {"replytocom": "99999999999999999999"},
        {"replytocom": "-1"},
        {"replytocom": "٣"},
        {"replytocom": "1" * 300},
        {"replytocom": "\x01"},
    ],
)
def test_odd_comment_page_and_reply_values_show_the_story(reader, story, query):
    response = reader.get(story.get_absolute_url(), query)
    assert response.status_code == 200
    assert story.headline in response.content.decode()


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "٣", "x"])
@pytest.mark.parametrize("url", ["/sitemap-stories.xml", "/news-sitemap.xml"])
def test_odd_sitemap_page_numbers_get_the_404_page(reader, story, url, page):
    assert reader.get(url, {"p": page}).status_code == 404


@pytest.mark.parametrize("path", ["/xx/", "/xx/tags/", "/EN/", "/en-us/"])
def test_unknown_language_prefix_gets_the_404_page(reader, story, path):
    assert reader.get(path).status_code == 404


def test_spellings_of_a_hashtag_still_reach_its_page(client, story):
    assert client.get("/en/tags/%23Ukraine/").headers["Location"] == "/en/tags/ukraine/"
    assert client.get("/en/tags/%EF%BC%B5kraine/").headers["Location"] == "/en/tags/ukraine/"  # full-width U
    assert client.get("/ko/tags/%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98/").status_code == 200


def test_a_unicode_outlet_slug_and_a_byline_spelling_still_reach_their_pages(client, story):
    assert client.get(story.outlet.get_absolute_url()).status_code == 200
    assert client.get("/en/reporters/Choi%20Min-jung/").headers["Location"] == "/en/reporters/choi-min-jung/"
    assert client.get(story.get_reporter_url()).status_code == 200
    comment = story.comments.first()
    assert client.get(comment.get_absolute_url()).status_code == 302


@pytest.mark.parametrize("value", ["abc", "\x00", "1.5", ""])
@pytest.mark.parametrize(
    ("changelist", "action"),
    [
        ("/admin/articles/story/", "delete_selected"),
        ("/admin/comments/comment/", "delete_selected"),
        ("/admin/auth/user/", "delete_selected"),
    ],
)
def test_admin_action_on_selected_rows_that_are_not_ids_gets_the_400_page(admin, story, changelist, action, value):
    response = admin.post(changelist, {"action": action, "_selected_action": ["1", value], "index": "0"})
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


def test_admin_action_on_real_ids_still_runs(admin, story):
    tag = story.hashtags.first()
    response = admin.post(
        "/admin/articles/hashtag/", {"action": "delete_selected", "_selected_action": [str(tag.pk)], "index": "0"}
    )
    assert response.status_code == 200
    assert "<title>Delete multiple objects" in response.content.decode()


def test_django_refusing_a_query_shows_the_same_400_page_in_the_address_language(reader, story, settings):
    settings.NEWSROOM_SITE_NAME = "Harbour Times"
    too_many_fields = "&".join(f"field{number}=1" for number in range(1200))  # DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = reader.get(f"/ko/?{too_many_fields}")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert NOT_UNDERSTOOD_KO in page
    assert "Harbour Times" in page
