import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Story

from .factories import make_hashtag, make_outlet, make_social_link, make_story
from .page_cache_helpers import PAGE_CACHE_QUERY
from .story_pages import SEED_HASHTAGS, SEED_HEADLINE

pytestmark = pytest.mark.django_db

# The story, its hashtags, its outlet's links, its corrections; its related stories; then the comment
# section: the count of approved comments, of threads, the page's threads and their comments; the masthead's
# sections.
STORY_PAGE_QUERIES = 4 + 1 + 4 + 1


def story_url(story):
    return reverse("articles:story", kwargs={"slug": story.slug})


def position(html, needle):
    index = html.find(needle)
    assert index >= 0, f"{needle!r} not on the page"
    return index


class TestHomePage:
    def test_lists_published_stories_newest_first(self, client):
        older = make_story(headline="An older story", published_at=timezone.now() - dt.timedelta(days=2))
        newer = make_story(headline="A newer story", published_at=timezone.now() - dt.timedelta(hours=1))
        html = client.get("/en/").content.decode()
        assert position(html, newer.headline) < position(html, older.headline)

    def test_hides_drafts_and_scheduled_stories(self, client):
        make_story(headline="Draft in the works", status=Story.Status.DRAFT)
        make_story(headline="Embargoed until tomorrow", published_at=timezone.now() + dt.timedelta(days=1))
        html = client.get("/en/").content.decode()
        assert "Draft in the works" not in html
        assert "Embargoed until tomorrow" not in html

    def test_card_shows_headlines_dateline_summary_and_hashtags(self, client):
        make_story(
            headline="Ferry timetable changes",
            headline_ko="여객선 시간표 변경",
            intro="Night ferries stop at ten. Morning ones start earlier.",
            published_at=dt.datetime(2026, 11, 4, 11, 0, tzinfo=dt.UTC),
            hashtags=["Ferry", "여객선"],
        )
        html = client.get("/en/").content.decode()
        assert "Ferry timetable changes" in html
        assert '<p class="headline-ko h6 mb-1" lang="ko">여객선 시간표 변경</p>' in html
        assert '<time datetime="2026-11-04T20:00:00+09:00">2026-11-04, 20:00 (KST)</time>' in html
        assert "Night ferries stop at ten." in html
        assert 'href="/en/tags/ferry/"' in html
        assert 'href="/en/tags/%EC%97%AC%EA%B0%9D%EC%84%A0/" lang="ko">#여객선</a>' in html

    def test_paginates_twenty_stories_per_page(self, client):
        outlet = make_outlet()
        for number in range(25):
            make_story(outlet=outlet, headline=f"Numbered story {number:02d}")
        first = client.get("/en/")
        second = client.get("/en/?page=2")
        assert len(first.context["stories"]) == 20
        assert len(second.context["stories"]) == 5
        assert 'rel="next"' in first.content.decode()
        assert 'rel="prev"' in second.content.decode()

    def test_page_out_of_range_is_not_found(self, client):
        make_story()
        assert client.get("/en/?page=9").status_code == 404
        assert client.get("/en/?page=abc").status_code == 404

    def test_query_count_does_not_grow_with_stories_and_hashtags(self, client, django_assert_max_num_queries):
        outlets = [make_outlet() for _ in range(3)]
        tags = [make_hashtag(f"Topic{number}") for number in range(8)]
        for number in range(30):
            make_story(outlet=outlets[number % 3], hashtags=tags[: number % 8 + 1])
        # The count and the page of stories, their hashtags; the front page's pins; the masthead's sections.
        with django_assert_max_num_queries(5 + PAGE_CACHE_QUERY):
            assert client.get("/en/").status_code == 200

    def test_empty_site_says_so(self, client):
        assert "No stories have been published yet." in client.get("/en/").content.decode()


class TestStoryPage:
    @pytest.fixture
    def story(self):
        outlet = make_outlet(name="Harbour Wire", homepage="https://harbour.example/", time_zone="Asia/Seoul")
        make_social_link(outlet, label="Facebook", url="https://www.facebook.example/harbour", position=0)
        make_social_link(outlet, label="Twitter", url="https://twitter.example/harbour", position=1)
        return make_story(
            outlet=outlet,
            headline="Port reopens after storm",
            headline_ko="폭풍 후 항구 재개장",
            intro="The port reopened on Monday.\nShips queued overnight.",
            body="Cranes restarted at dawn.\nCrews checked the quays.\n\nTraffic is expected to recover by Friday.",
            reporter="Han Ji-min",
            source_url="https://harbour.example/port-reopens",
            published_at=dt.datetime(2024, 11, 4, 11, 0, tzinfo=dt.UTC),
            hashtags=["Port", "Storm", "항구", "Harbour_Wire"],
        )

    def test_shows_every_part_in_the_order_of_the_source_page(self, client, story):
        html = client.get(story_url(story)).content.decode()
        html = html[html.index("<main") :]
        parts = [
            "<h1",
            "Port reopens after storm",
            '<p class="story-headline-ko h3" lang="ko">폭풍 후 항구 재개장</p>',
            "The port reopened on Monday. Ships queued overnight.",
            "<p>Cranes restarted at dawn.<br>Crews checked the quays.</p>",
            "<p>Traffic is expected to recover by Friday.</p>",
            '<a href="/en/reporters/han-ji-min/"><bdi>Han Ji-min</bdi></a>, '
            '<a href="/en/outlets/harbour-wire/">Harbour Wire</a>.',
            ">#Port</a>",
            ">#Harbour_Wire</a>",
            'href="https://www.facebook.example/harbour"',
            'href="https://twitter.example/harbour"',
            'href="https://harbour.example/"',
            '<time datetime="2024-11-04T20:00:00+09:00">2024-11-04, 20:00 (KST)</time>',
            '<a href="https://harbour.example/port-reopens" rel="noopener">source</a>',
            'id="comments"',
        ]
        positions = [position(html, part) for part in parts]
        assert positions == sorted(positions)

    def test_seed_page_shows_every_part_in_the_order_of_its_source_page(self, client, seed_page):
        call_command("import_story", str(seed_page), stdout=io.StringIO(), stderr=io.StringIO())
        html = client.get(story_url(Story.objects.get())).content.decode()
        main = html[position(html, "<main") : position(html, "</main>")]
        parts = [
            f'<h1 id="story-headline" class="story-headline">{SEED_HEADLINE}</h1>',
            '<p class="story-headline-ko h3" lang="ko">우크라 당국자 “첫 북한군 병력, 쿠르스크서 이미 공격 받아”</p>',
            '<p class="story-intro lead">Ukraine has reportedly clashed with North Korean troops on the border '
            "with Russia for the very first time. Meanwhile, a South Korean delegation that visited Ukraine last "
            "week has arrived back in Seoul. Our Choi Min-jung has the latest.</p>",
            "<p>Ukraine has confirmed for the first time,. a military encounter with North Korean soldiers",
            "over 7-thousand North Korean soldiers had been dispatched to areas near the border with Ukraine.</p>",
            "<p>While in Ukraine, the delegation exchanged battlefield information, and explored cooperation "
            "measures.</p>",
            '<p class="story-signoff fw-semibold"><a href="/en/reporters/choi-min-jung/"><bdi>Choi Min-jung</bdi></a>, '
            '<a href="/en/outlets/arirang-news/">Arirang News</a>.</p>',
            *[f">#{name}</a>" for name in SEED_HASHTAGS],
            '<a href="https://www.facebook.com/arirangtvnews" rel="noopener">',
            '<a href="https://twitter.com/arirangtvnews" rel="noopener">',
            '<a href="https://v2.arirang.com/" rel="noopener">https://v2.arirang.com/</a>',
            '<time datetime="2024-11-04T20:00:00+09:00">2024-11-04, 20:00 (KST)</time>',
            '<a href="https://v2.arirang.com/" rel="noopener">source: Arirang News</a>',
            '<section id="comments"',
        ]
        positions = [position(main, part) for part in parts]
        assert positions == sorted(positions)

    def test_uses_semantic_elements_and_a_skip_link(self, client, story):
        html = client.get(story_url(story)).content.decode()
        assert '<a class="visually-hidden-focusable skip-link" href="#content">Skip to content</a>' in html
        assert '<main id="content"' in html
        assert re.search(r"<article class=\"story\"[^>]*>\s*<header", html)
        assert "<time datetime=" in html

    def test_hashtags_keep_written_order_and_link_to_their_pages(self, client, story):
        html = client.get(story_url(story)).content.decode()
        tags = re.findall(r'<a href="(/en/tags/[^"]+)"[^>]*>#(\w+)</a>', html)
        assert [name for _, name in tags] == ["Port", "Storm", "항구", "Harbour_Wire"]
        assert tags[2][0] == "/en/tags/%ED%95%AD%EA%B5%AC/"

    def test_without_source_url_links_to_the_outlet(self, client, story):
        story.source_url = ""
        story.save()
        html = client.get(story_url(story)).content.decode()
        assert '<a href="https://harbour.example/" rel="noopener">source: Harbour Wire</a>' in html

    def test_dateline_follows_the_outlet_time_zone(self, client, story):
        story.outlet.time_zone = "Europe/Tallinn"
        story.outlet.save()
        html = client.get(story_url(story)).content.decode()
        assert '<time datetime="2024-11-04T13:00:00+02:00">2024-11-04, 13:00 (EET)</time>' in html

    def test_korean_body_is_marked_korean(self, client, story):
        story.body_ko = "첫 문단입니다.\n\n둘째 문단입니다."
        story.save()
        html = client.get(story_url(story)).content.decode()
        assert re.search(r'<section class="story-body story-body-ko[^"]*" lang="ko"', html)
        assert "<p>첫 문단입니다.</p>" in html

    def test_escapes_html_in_story_text(self, client, story):
        story.headline = "<script>alert(1)</script> headline"
        story.body = "<p>Text <img src=x onerror=alert(1)></p>"
        story.save()
        html = client.get(story_url(story)).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; headline" in html
        assert "onerror" not in html
        assert "<p>Text </p>" in html

    def test_draft_is_not_found_for_the_public(self, client, story):
        story.status = Story.Status.DRAFT
        story.save()
        assert client.get(story_url(story)).status_code == 404

    def test_scheduled_story_is_not_found_for_the_public(self, client, story):
        story.published_at = timezone.now() + dt.timedelta(hours=2)
        story.save()
        assert client.get(story_url(story)).status_code == 404

    def test_editor_can_preview_a_draft_that_no_cache_keeps(self, client, story, django_user_model):
        story.status = Story.Status.DRAFT
        story.published_at = None
        story.save()
        editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
        # An editor (publish_story) previews any story; a reporter only their own (test_roles.py).
        editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_story", "publish_story"]))
        client.force_login(editor)
        response = client.get(story_url(story))
        assert response.status_code == 200
        assert "Preview: readers cannot see this story yet." in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_staff_without_story_permission_cannot_preview(self, client, story, django_user_model):
        story.status = Story.Status.DRAFT
        story.save()
        client.force_login(django_user_model.objects.create_user("clerk", password="x", is_staff=True))
        assert client.get(story_url(story)).status_code == 404

    def test_published_story_may_be_cached(self, client, story):
        assert client.get(story_url(story))["Cache-Control"].startswith("public, ")

    def test_logged_in_reader_who_is_not_staff_cannot_preview(self, client, story, django_user_model):
        story.status = Story.Status.DRAFT
        story.save()
        client.force_login(django_user_model.objects.create_user("reader", password="x"))
        assert client.get(story_url(story)).status_code == 404

    def test_query_count_does_not_grow_with_hashtags_and_links(self, client, story, django_assert_max_num_queries):
        for number in range(20):
            make_social_link(story.outlet, label=f"Network {number}", url=f"https://n{number}.example/", position=9)
        big = make_story(outlet=story.outlet, hashtags=[make_hashtag(f"Many{n}") for n in range(30)])
        with django_assert_max_num_queries(STORY_PAGE_QUERIES):
            assert client.get(story_url(big)).status_code == 200

    def test_unknown_story_gets_the_designed_404_page(self, client):
        response = client.get("/en/stories/no-such-story/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert 'class="navbar-brand site-name"' in html


class TestHashtagPage:
    def test_lists_stories_with_the_tag_newest_first(self, client):
        tag = make_hashtag("Ukraine")
        old = make_story(
            headline="Old Ukraine story", hashtags=[tag], published_at=timezone.now() - dt.timedelta(days=3)
        )
        new = make_story(
            headline="New Ukraine story", hashtags=[tag], published_at=timezone.now() - dt.timedelta(days=1)
        )
        make_story(headline="Unrelated story", hashtags=["Weather"])
        make_story(headline="Unpublished Ukraine draft", hashtags=[tag], status=Story.Status.DRAFT)
        html = client.get("/en/tags/ukraine/").content.decode()
        assert position(html, new.headline) < position(html, old.headline)
        assert "Unrelated story" not in html
        assert "Unpublished Ukraine draft" not in html
        assert "2 stories" in html

    def test_korean_tag_has_a_unicode_url(self, client):
        tag = make_hashtag("우크라이나")
        make_story(headline="Tagged in Korean", hashtags=[tag])
        assert tag.get_absolute_url() == "/en/tags/%EC%9A%B0%ED%81%AC%EB%9D%BC%EC%9D%B4%EB%82%98/"
        response = client.get(tag.get_absolute_url())
        assert response.status_code == 200
        assert '<h1 class="h3 mb-1" lang="ko">#우크라이나</h1>' in response.content.decode()
        assert "Tagged in Korean" in response.content.decode()

    def test_tag_in_other_case_redirects_to_the_one_tag(self, client):
        make_hashtag("Arirang_News")
        response = client.get("/en/tags/Arirang_News/")
        assert response.status_code == 301
        assert response["Location"] == "/en/tags/arirang_news/"
        assert client.get("/en/tags/Arirang_News/?page=2")["Location"] == "/en/tags/arirang_news/?page=2"

    def test_tag_displays_as_written(self, client):
        make_story(hashtags=["Arirang_News"])
        assert "#Arirang_News" in client.get("/en/tags/arirang_news/").content.decode()

    def test_unknown_tag_is_not_found(self, client):
        assert client.get("/en/tags/nothing_here/").status_code == 404

    def test_paginates(self, client):
        tag = make_hashtag("Busy")
        outlet = make_outlet()
        for _ in range(21):
            make_story(outlet=outlet, hashtags=[tag])
        assert len(client.get("/en/tags/busy/").context["stories"]) == 20
        assert len(client.get("/en/tags/busy/?page=2").context["stories"]) == 1

    def test_query_count_is_constant(self, client, django_assert_max_num_queries):
        tag = make_hashtag("Counted")
        outlet = make_outlet()
        for number in range(25):
            make_story(outlet=outlet, hashtags=[tag, *[make_hashtag(f"Extra{number}x{n}") for n in range(3)]])
        with django_assert_max_num_queries(4 + 1 + PAGE_CACHE_QUERY):  # + the masthead's sections
            assert client.get("/en/tags/counted/").status_code == 200


@pytest.mark.urls("articles.tests.error_urls")
def test_server_error_page_is_in_the_site_design(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert 'class="navbar-brand site-name"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html


@pytest.mark.urls("articles.tests.error_urls")
def test_server_error_page_uses_the_configured_site_name(client, settings):
    settings.NEWSROOM_SITE_NAME = "Harbour Daily"
    client.raise_request_exception = False
    html = client.get("/broken/").content.decode()
    assert "<title>Something went wrong · Harbour Daily</title>" in html


def test_language_links_keep_a_raw_korean_query_as_a_clean_address(client):
    from django.utils import translation

    with translation.override("ko"):
        url = reverse("articles:search")
    # Sent as raw UTF-8 bytes, as some clients do, not percent-encoded.
    html = client.get(url + "?q=도서관").content.decode()
    assert 'href="/en/search/?q=%EB%8F%84%EC%84%9C%EA%B4%80"' in html


def test_korean_byline_on_the_english_page_is_marked_korean(client):
    story = make_story(reporter="최민정")
    html = client.get(story_url(story)).content.decode()
    assert 'lang="ko"><bdi>최민정</bdi></a>, ' in html


def test_favicon_ico_redirects_to_the_sites_own_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.png")
    assert client.head("/favicon.ico").status_code == 302


def test_every_page_links_the_svg_and_png_icons(client):
    page = client.get(reverse("articles:home")).content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in page
    assert 'rel="icon" href="/static/img/favicon.png" type="image/png"' in page
