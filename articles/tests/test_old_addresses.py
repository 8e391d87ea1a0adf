"""Old WordPress addresses answer a 301 to the page that replaced them, and nothing else changes."""

import pytest
from django.http import QueryDict
from django.test import Client

from articles.models import ImportedPost, OldAddress, Story
from articles.old_addresses import old_address_redirect, story_at_address
from articles.wordpress.records import address_key

from .wordpress_imports import HARBOUR, OLD_BLOG, import_wordpress

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour():
    _, stderr, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None, stderr


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


def redirect_of(client, address):
    response = client.get(address)
    return response.status_code, response.get("Location")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2024/05/06/harbour-culture-week/", "/en/stories/harbour-culture-week/"),
        ("/2024/05/06/harbour-culture-week", "/en/stories/harbour-culture-week/"),
        ("/2024/05/harbour-culture-week/", "/en/stories/harbour-culture-week/"),
        ("/?p=10", "/en/stories/harbour-culture-week/"),
        ("/?p=13", "/en/stories/ferry-timetable/"),
        ("/2024/06/01/ferry-timetable/", "/en/stories/ferry-timetable/"),
        # A Korean post's permalink, percent-encoded as browsers send it: its Korean page.
        (
            "/2024/05/06/%EB%B6%80%EC%82%B0%ED%95%AD-%EB%AC%B8%ED%99%94-%EC%A3%BC%EA%B0%84-%EA%B0%9C%EB%A7%89/",
            "/ko/stories/post-11/",
        ),
        (
            "/2024/05/%eb%b6%80%ec%82%b0%ed%95%ad-%eb%ac%b8%ed%99%94-%ec%a3%bc%ea%b0%84-%ea%b0%9c%eb%a7%89/",
            "/ko/stories/post-11/",
        ),
    ],
)
def test_an_old_post_address_answers_301_to_its_story(harbour, client, old, new):
    assert redirect_of(client, old) == (301, new)


def test_the_query_is_kept_and_the_shortlink_number_dropped(harbour, client):
    assert redirect_of(client, "/?p=10&utm_source=mail&utm_campaign=may") == (
        301,
        "/en/stories/harbour-culture-week/?utm_source=mail&utm_campaign=may",
    )
    assert redirect_of(client, "/2024/05/06/harbour-culture-week/?ref=old") == (
        301,
        "/en/stories/harbour-culture-week/?ref=old",
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/feed/", "/en/feeds/stories.rss"),
        ("/feed/atom/", "/en/feeds/stories.rss"),
        ("/category/world/", "/en/sections/world/"),
        ("/category/world/feed/", "/en/sections/world/feed.rss"),
        ("/category/world/%EA%B5%AD%EC%A0%9C/", "/en/tags/%EA%B5%AD%EC%A0%9C/"),
        ("/tag/ukraine/feed/", "/en/tags/ukraine/feed.rss"),
        (
            "/tag/%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98/",
            "/en/tags/%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98/",
        ),
    ],
)
def test_old_feed_category_and_tag_addresses_lead_to_ours(harbour, client, old, new):
    assert redirect_of(client, old) == (301, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/harbour-culture-week/", "/en/stories/harbour-culture-week/"),  # WordPress guesses a post by its slug
        ("/2024/05/06/harbour-culture-week/feed/", "/en/stories/harbour-culture-week/comments/feed.rss"),
        ("/2024/05/06/harbour-culture-week/feed", "/en/stories/harbour-culture-week/comments/feed.rss"),
        ("/2024/05/harbour-culture-week/feed/", "/en/stories/harbour-culture-week/comments/feed.rss"),
        ("/harbour-culture-week/feed/", "/en/stories/harbour-culture-week/comments/feed.rss"),
        ("/?p=10&feed=rss2", "/en/stories/harbour-culture-week/comments/feed.rss"),
        ("/?feed=atom&p=10", "/en/stories/harbour-culture-week/comments/feed.rss"),
        (
            "/2024/05/06/%EB%B6%80%EC%82%B0%ED%95%AD-%EB%AC%B8%ED%99%94-%EC%A3%BC%EA%B0%84-%EA%B0%9C%EB%A7%89/feed/",
            "/ko/stories/post-11/comments/feed.rss",
        ),
    ],
)
def test_a_posts_comment_feed_answers_301_to_its_storys_comment_feed(harbour, client, old, new):
    assert redirect_of(client, old) == (301, new)


def test_the_comment_feed_an_old_address_leads_to_is_the_storys(harbour, client):
    response = client.get("/?p=10&feed=rss2", follow=True)
    assert response.status_code == 200
    assert "Lovely photos." in response.content.decode()


def test_the_comment_feed_of_a_story_not_public_says_nothing(harbour, client):
    assert client.get("/2024/05/04/private-notes/feed/").status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?feed=rss2", "/en/feeds/stories.rss"),
        ("/?feed=atom", "/en/feeds/stories.rss"),
        ("/?cat=2", "/en/sections/world/"),
        ("/?cat=2&feed=rss2", "/en/sections/world/feed.rss"),
        ("/?cat=3", "/en/tags/%EA%B5%AD%EC%A0%9C/"),
        ("/?tag=ukraine", "/en/tags/ukraine/"),
        ("/?tag=ukraine&feed=rss2", "/en/tags/ukraine/feed.rss"),
        (
            "/?tag=%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98",
            "/en/tags/%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98/",
        ),
        ("/?s=harbour+week", "/en/search/?q=harbour+week"),
        ("/?s=%EB%B6%80%EC%82%B0&utm_source=mail", "/en/search/?q=%EB%B6%80%EC%82%B0&utm_source=mail"),
    ],
)
def test_wordpress_query_addresses_lead_to_our_feed_sections_hashtags_and_search(harbour, client, old, new):
    assert redirect_of(client, old) == (301, new)


@pytest.mark.parametrize("address", ["/?cat=99", "/?cat=two", "/?tag=", "/?tag=no-such-tag", "/?cat=2.0"])
def test_a_wordpress_query_of_nothing_imported_keeps_the_usual_redirect_to_the_home_page(harbour, client, address):
    status, location = redirect_of(client, address)
    assert status == 302
    assert location.startswith("/en/?")


def test_a_site_in_a_folder_keeps_its_folder_in_old_addresses(client):
    import_wordpress(OLD_BLOG)
    story = ImportedPost.objects.get(wordpress_id=1).story
    # The export says Korean (<language>ko</language>): its addresses lead to the Korean pages.
    assert redirect_of(client, "/blog/?p=1") == (301, f"/ko/stories/{story.slug}/")
    assert redirect_of(client, "/blog/2009/03/14/hello-world/") == (301, f"/ko/stories/{story.slug}/")
    assert redirect_of(client, "/blog/feed/") == (301, "/ko/feeds/stories.rss")
    assert redirect_of(client, "/blog/?s=harbour") == (301, "/ko/search/?q=harbour")
    assert client.get("/?p=1").status_code == 302  # the root is not the blog: LocaleMiddleware's /en/


@pytest.mark.parametrize("draft", ["/?p=12", "/?p=14", "/2024/05/04/private-notes/", "/?p=17"])
def test_an_old_address_of_a_story_that_is_not_public_says_nothing(harbour, client, draft):
    response = client.get(draft)
    assert response.status_code in (302, 404)  # the root's usual redirect to /en/, or the 404 page
    assert "stories" not in response.get("Location", "")


def test_a_story_published_later_answers_from_then_on(harbour, client):
    story = ImportedPost.objects.get(wordpress_id=12).story
    story.status = Story.Status.PUBLISHED
    story.save()
    # A Korean draft (서울 초안): its Korean page.
    assert redirect_of(client, "/?p=12") == (301, "/ko/stories/post-12/")


@pytest.mark.parametrize(
    "address", ["/nothing/", "/2024/05/06/no-such-post/", "/wp-login.php", "/%2Fevil.example/?p=10"]
)
def test_other_missing_addresses_stay_404(harbour, client, address):
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("address", ["/?p=99", "/?p=abc", "/?p=10%00", "/?p=１０"])
def test_a_root_query_that_is_no_imported_post_keeps_the_usual_redirect_to_the_home_page(harbour, client, address):
    status, location = redirect_of(client, address)
    assert status in (302, 400)
    assert location is None or location.startswith("/en/?p=")


def test_our_own_404_pages_are_never_redirected(harbour, client):
    story = ImportedPost.objects.get(wordpress_id=10).story
    OldAddress.objects.create(path="/en/stories/gone/", site=story.wordpress_post.site, story=story)
    assert client.get("/en/stories/gone/").status_code == 404


def test_a_post_request_to_an_old_address_is_not_redirected(harbour, client):
    assert client.post("/2024/05/06/harbour-culture-week/").status_code == 404


def test_redirects_lead_only_to_our_own_pages(harbour, client):
    locations = [redirect_of(client, row.path)[1] for row in OldAddress.objects.all()]
    assert all(location is None or location.startswith(("/en/", "/ko/")) for location in locations)


def test_the_lookup_is_one_query_whatever_the_address(harbour, django_assert_num_queries):
    for path, query in [
        ("/2024/05/06/harbour-culture-week/", ""),
        ("/?p=", "p=10&utm_source=x"),
        ("/", "p=10"),
        ("/feed/", ""),
        ("/", "cat=2&feed=rss2"),
        ("/", "s=harbour"),
        ("/2024/05/06/harbour-culture-week/feed/", ""),
        ("/nothing/at/all", ""),
    ]:
        with django_assert_num_queries(1):
            old_address_redirect(path, QueryDict(query))


def test_an_old_address_costs_the_404_page_and_one_query(harbour, client, django_assert_num_queries):
    client.get("/no-such-page/")  # warm: the masthead's sections
    with django_assert_num_queries(2):
        assert client.get("/2024/05/06/harbour-culture-week/").status_code == 301
    with django_assert_num_queries(2):
        assert client.get("/no-such-page/").status_code == 404


def test_addresses_are_keyed_by_their_decoded_text():
    assert address_key("/?p=10") != address_key("/?p=11")
    assert len(address_key("/2024/05/06/" + "부산항" * 500 + "/")) == 64


# Which story a link stored elsewhere (a Disqus thread's) leads to.


@pytest.mark.parametrize(
    ("address", "post_id"),
    [
        ("https://harbour.example/2024/05/06/harbour-culture-week/", 10),
        ("http://www.harbour.example/2024/05/06/harbour-culture-week?utm_source=x#comments", 10),
        ("/?p=13&preview=true", 13),
        (
            "https://harbour.example/2024/05/06/%EB%B6%80%EC%82%B0%ED%95%AD-%EB%AC%B8%ED%99%94-%EC%A3%BC%EA%B0%84-%EA%B0%9C%EB%A7%89",
            11,
        ),
        ("https://news.example/ko/stories/post-11", 11),
        ("https://news.example/en/stories/harbour-culture-week/", 10),
        ("https://harbour.example/?p=12", 12),  # a draft: its comments wait for it
    ],
)
def test_a_link_to_an_old_or_our_own_page_leads_to_its_story(harbour, address, post_id):
    assert story_at_address(address) == ImportedPost.objects.get(wordpress_id=post_id).story


@pytest.mark.parametrize(
    "address",
    [
        "https://harbour.example/feed/",
        "https://harbour.example/category/world/",
        "ftp://harbour.example/?p=10",
        "javascript:alert(1)//?p=10",
        "https://harbour.example/?p=99",
        "https://news.example/en/stories/no-such-story/",
        "https://news.example/en/tags/ukraine/",
        "http://[::1/?p=10",
        "",
    ],
)
def test_a_link_that_leads_to_no_story_finds_none(harbour, address):
    assert story_at_address(address) is None
