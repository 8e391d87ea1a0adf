"""Share and search metadata of story pages: Open Graph, Twitter Card, JSON-LD NewsArticle."""

import datetime as dt
import json
import struct

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles import metadata
from articles.models import Story

from .factories import make_outlet, make_social_link, make_story
from .page_metadata import json_ld, meta_tags, meta_value, meta_values, parse

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2024, 11, 4, 11, 0, tzinfo=dt.UTC)
MODIFIED = dt.datetime(2024, 11, 5, 1, 30, tzinfo=dt.UTC)


def url_in(language, story):
    with translation.override(language):
        return story.get_absolute_url()


def absolute(path):
    return f"http://testserver{path}"


@pytest.fixture
def story():
    outlet = make_outlet(name="Harbour Wire", homepage="https://harbour.example/", time_zone="Asia/Seoul")
    make_social_link(outlet, label="Facebook", url="https://www.facebook.example/harbour")
    story = make_story(
        outlet=outlet,
        headline="Port reopens after storm",
        headline_ko="폭풍 후 항구 재개장",
        intro="The port reopened on Monday.\nShips queued overnight.",
        body="Cranes restarted at dawn.",
        body_ko="새벽에 크레인이 다시 움직였다.\n\n부두 점검도 끝났다.",
        reporter="Han Ji-min",
        source_url="https://harbour.example/port-reopens",
        published_at=PUBLISHED,
        hashtags=["Port", "항구"],
    )
    Story.objects.filter(pk=story.pk).update(updated_at=MODIFIED)
    return story


def approved_comments(story, count, **fields):
    from comments.models import Comment

    for number in range(count):
        Comment.objects.create(
            story=story,
            author_name=f"Reader {number}",
            author_email=f"reader{number}@example.org",
            text=f"Comment number {number}.",
            status=fields.get("status", Comment.Status.APPROVED),
            created_at=story.published_at,
        )


class TestJsonLd:
    def test_english_page_describes_the_story_field_by_field(self, client, story):
        approved_comments(story, 2)
        data = json_ld(client.get(url_in("en", story)))
        page_url = absolute(url_in("en", story))
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == "Port reopens after storm"
        assert data["alternativeHeadline"] == {"@value": "폭풍 후 항구 재개장", "@language": "ko"}
        assert data["description"] == "The port reopened on Monday. Ships queued overnight."
        assert data["inLanguage"] == "en"
        assert data["datePublished"] == "2024-11-04T20:00:00+09:00"
        assert data["dateModified"] == "2024-11-05T10:30:00+09:00"
        assert data["author"] == {
            "@type": "Person",
            "name": "Han Ji-min",
            "url": absolute(reverse("articles:reporter", kwargs={"slug": "han-ji-min"})),
        }
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "Newsroom",
            "url": absolute("/en/"),
            "logo": {"@type": "ImageObject", "url": absolute("/static/img/logo.png"), "width": 256, "height": 256},
        }
        assert data["sourceOrganization"] == {
            "@type": "Organization",
            "name": "Harbour Wire",
            "url": absolute(story.outlet.get_absolute_url()),
            "sameAs": ["https://harbour.example/", "https://www.facebook.example/harbour"],
        }
        assert data["isBasedOn"] == "https://harbour.example/port-reopens"
        assert data["keywords"] == ["Port", "항구"]
        assert data["commentCount"] == 2
        assert data["isAccessibleForFree"] is True
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page_url}
        assert data["url"] == page_url

    def test_korean_page_leads_with_the_korean_headline_and_text(self, client, story):
        data = json_ld(client.get(url_in("ko", story)))
        assert data["headline"] == "폭풍 후 항구 재개장"
        assert data["alternativeHeadline"] == {"@value": "Port reopens after storm", "@language": "en"}
        assert data["inLanguage"] == "ko"
        assert data["description"] == "새벽에 크레인이 다시 움직였다. 부두 점검도 끝났다."
        assert data["url"] == absolute(url_in("ko", story))
        assert data["author"]["url"] == absolute("/ko/reporters/han-ji-min/")

    def test_korean_page_of_an_english_only_story_says_english(self, client, story):
        story.body_ko = ""
        story.save()
        data = json_ld(client.get(url_in("ko", story)))
        assert data["inLanguage"] == "en"
        assert data["description"] == "The port reopened on Monday. Ships queued overnight."

    def test_dates_carry_the_offset_of_the_outlet_zone_in_that_season(self, client):
        outlet = make_outlet(time_zone="America/New_York")
        summer = make_story(outlet=outlet, published_at=dt.datetime(2025, 7, 1, 16, 0, tzinfo=dt.UTC))
        winter = make_story(outlet=outlet, published_at=dt.datetime(2025, 1, 6, 17, 0, tzinfo=dt.UTC))
        assert json_ld(client.get(url_in("en", summer)))["datePublished"] == "2025-07-01T12:00:00-04:00"
        assert json_ld(client.get(url_in("en", winter)))["datePublished"] == "2025-01-06T12:00:00-05:00"

    def test_comment_count_leaves_out_comments_not_approved(self, client, story):
        from comments.models import Comment

        approved_comments(story, 3)
        for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
            Comment.objects.create(
                story=story, author_name="Hidden", text=f"Not public: {status}.", status=status, created_at=PUBLISHED
            )
        assert json_ld(client.get(url_in("en", story)))["commentCount"] == 3

    def test_headline_that_closes_the_script_stays_inside_it(self, client, story):
        hostile = 'Port </script><script>alert("x")</script> <!-- reopens & "quotes" \u2028 \u2029 end'
        story.headline = hostile
        story.save()
        response = client.get(url_in("en", story))
        html = response.content.decode()
        script = parse(html).json_ld[0]
        assert "<" not in script and ">" not in script and "&" not in script
        assert "\u2028" not in script and "\u2029" not in script
        assert json.loads(script)["headline"] == hostile
        assert "<script>alert(" not in html
        assert meta_value(response, "og:title") == hostile

    def test_json_is_one_line_of_plain_ascii_escapes_for_the_dangerous_characters(self):
        script = str(metadata.json_ld_script({"headline": "</script><!--\u2028한국 & more>"}))
        assert script == (
            '<script type="application/ld+json">'
            '{"headline": "\\u003c/script\\u003e\\u003c!--\\u2028한국 \\u0026 more\\u003e"}'
            "</script>"
        )


class TestPureMetadata:
    def test_story_without_reporter_is_credited_to_its_outlet(self, story):
        story.reporter = ""
        page = metadata.PageInfo(
            url="https://news.example/en/stories/x/",
            origin="https://news.example",
            language="en",
            site_name="Newsroom",
            home_url="https://news.example/en/",
            logo_url="https://news.example/static/img/logo.png",
        )
        article = metadata.news_article(story, page, comment_count=0)
        assert article["author"] == {
            "@type": "Organization",
            "name": "Harbour Wire",
            "url": f"https://news.example{story.outlet.get_absolute_url()}",
            "sameAs": ["https://harbour.example/", "https://www.facebook.example/harbour"],
        }

    def test_modified_time_is_never_before_publication(self, story):
        story.published_at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        story.updated_at = dt.datetime(2029, 12, 1, tzinfo=dt.UTC)
        assert metadata.published_and_modified(story) == ("2030-01-01T09:00:00+09:00", "2030-01-01T09:00:00+09:00")

    def test_undated_draft_has_no_dates(self, story):
        story.published_at = None
        assert metadata.published_and_modified(story) == (None, None)

    def test_logo_file_has_the_size_the_metadata_gives(self):
        path = finders.find(metadata.LOGO_PATH)
        with open(path, "rb") as logo:
            header = logo.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == (metadata.LOGO_WIDTH, metadata.LOGO_HEIGHT)


class TestShareTags:
    def test_english_story_page_has_open_graph_and_twitter_tags(self, client, story):
        response = client.get(url_in("en", story))
        tags = {(attribute, key): content for attribute, key, content in meta_tags(response)}
        description = "The port reopened on Monday. Ships queued overnight."
        assert tags[("name", "description")] == description
        assert tags[("property", "og:type")] == "article"
        assert tags[("property", "og:title")] == "Port reopens after storm"
        assert tags[("property", "og:description")] == description
        assert tags[("property", "og:url")] == absolute(url_in("en", story))
        assert tags[("property", "og:site_name")] == "Newsroom"
        assert tags[("property", "og:image")] == absolute("/static/img/logo.png")
        assert tags[("property", "og:locale")] == "en_US"
        assert tags[("property", "og:locale:alternate")] == "ko_KR"
        assert tags[("property", "article:published_time")] == "2024-11-04T20:00:00+09:00"
        assert tags[("property", "article:modified_time")] == "2024-11-05T10:30:00+09:00"
        assert tags[("name", "twitter:card")] == "summary"
        assert tags[("name", "twitter:title")] == "Port reopens after storm"
        assert tags[("name", "twitter:description")] == description

    def test_og_url_is_the_canonical_url(self, client, story):
        html = client.get(url_in("en", story) + "?cpage=1").content.decode()
        assert f'<link rel="canonical" href="{absolute(url_in("en", story))}">' in html
        assert f'<meta property="og:url" content="{absolute(url_in("en", story))}">' in html

    def test_each_hashtag_is_an_article_tag(self, client, story):
        assert meta_values(client.get(url_in("en", story)), "article:tag") == ["Port", "항구"]

    def test_korean_story_page_is_in_the_korean_locale_with_the_korean_headline(self, client, story):
        response = client.get(url_in("ko", story))
        assert meta_value(response, "og:locale") == "ko_KR"
        assert meta_value(response, "og:locale:alternate") == "en_US"
        assert meta_value(response, "og:title") == "폭풍 후 항구 재개장"
        assert meta_value(response, "description") == "새벽에 크레인이 다시 움직였다. 부두 점검도 끝났다."
        assert meta_value(response, "og:url") == absolute(url_in("ko", story))

    def test_quotes_in_the_intro_cannot_leave_the_content_attribute(self, client, story):
        story.intro = 'He said "hello" <b>loudly</b> & left.'
        story.save()
        response = client.get(url_in("en", story))
        assert meta_value(response, "description") == 'He said "hello" <b>loudly</b> & left.'
        assert "<b>loudly" not in response.content.decode()


class TestCachedPages:
    def test_metadata_of_a_cached_page_follows_an_edit(self, client, story):
        client.get(url_in("en", story))
        story.headline = "Port reopens a day early"
        story.save()
        response = Client().get(url_in("en", story))
        assert json_ld(response)["headline"] == "Port reopens a day early"
        assert meta_value(response, "og:title") == "Port reopens a day early"

    def test_comment_count_of_a_cached_page_follows_an_approval(self, client, story):
        from comments.models import Comment
        from comments.status import change_status

        approved_comments(story, 1, status=Comment.Status.PENDING)
        assert json_ld(client.get(url_in("en", story)))["commentCount"] == 0
        change_status(Comment.objects.get(), Comment.Status.APPROVED)
        assert json_ld(Client().get(url_in("en", story)))["commentCount"] == 1

    def test_each_host_gets_its_own_absolute_urls(self, client, story, settings):
        settings.ALLOWED_HOSTS = ["news.example", "mirror.example"]
        client.get(url_in("en", story), HTTP_HOST="news.example")
        response = Client().get(url_in("en", story), HTTP_HOST="mirror.example")
        assert meta_value(response, "og:url") == f"http://mirror.example{url_in('en', story)}"


class TestListingCanonical:
    """A listing's first page has one address: `?page=1` and `?page=01` name the bare one."""

    @pytest.mark.parametrize(
        ("query", "canonical"),
        [
            ("", "/en/"),
            ("?page=1", "/en/"),
            ("?page=01", "/en/"),
            ("?page=2", "/en/?page=2"),
            ("?page=02", "/en/?page=2"),
        ],
    )
    def test_the_canonical_address_of_each_page(self, client, query, canonical):
        for number in range(25):
            make_story(headline=f"Listing story {number}", slug=f"listing-story-{number}")
        html = client.get("/en/" + query).content.decode()
        assert f'<link rel="canonical" href="{absolute(canonical)}">' in html
