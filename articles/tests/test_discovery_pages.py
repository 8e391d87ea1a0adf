"""Finding stories: the hashtag index, hashtag counts, outlet pages and reporter pages, in both languages."""

import datetime as dt
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Story

from .factories import make_hashtag, make_outlet, make_social_link, make_story
from .page_cache_helpers import PAGE_CACHE_QUERY
from .page_metadata import meta_value

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ko"]


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


def headlines(response):
    return re.findall(r'<h2 class="h4 mb-1"><a href="[^"]+"[^>]*>([^<]+)</a>', response.content.decode())


class TestHashtagIndex:
    def test_lists_hashtags_most_used_first_with_their_counts(self, client):
        for _ in range(3):
            make_story(hashtags=["Busy"])
        make_story(hashtags=["Busy", "Quiet", "우크라이나"])
        make_story(hashtags=["우크라이나"])
        html = client.get(url("articles:hashtags")).content.decode()
        rows = re.findall(r'>#(\w+)</a>\s*<span class="hashtag-count[^"]*">([^<]+)</span>', html)
        assert rows == [("Busy", "4 stories"), ("우크라이나", "2 stories"), ("Quiet", "1 story")]

    def test_counts_published_stories_only(self, client):
        make_story(hashtags=["Public"])
        make_story(hashtags=["Public", "DraftOnly"], status=Story.Status.DRAFT)
        make_story(hashtags=["Public"], published_at=timezone.now() + dt.timedelta(days=1))
        html = client.get(url("articles:hashtags")).content.decode()
        assert re.search(r'>#Public</a>\s*<span class="hashtag-count[^"]*">1 story</span>', html)
        assert "DraftOnly" not in html

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_links_of_korean_and_english_tags_round_trip(self, client, language):
        make_story(hashtags=["Ferry", "여객선"])
        html = client.get(url("articles:hashtags", language)).content.decode()
        links = re.findall(r'<a href="([^"]+)"[^>]*>#(\w+)</a>', html)
        assert {name for _href, name in links} == {"Ferry", "여객선"}
        for href, name in links:
            assert href.startswith(f"/{language}/tags/")
            assert unquote(href) == f"/{language}/tags/{name.casefold()}/"
            response = client.get(href)
            assert response.status_code == 200
            assert response.context["hashtag"].name == name

    def test_marks_the_language_of_tags_in_the_other_language(self, client):
        make_story(hashtags=["Ferry", "여객선"])
        english = client.get(url("articles:hashtags", "en")).content.decode()
        korean = client.get(url("articles:hashtags", "ko")).content.decode()
        assert 'lang="ko">#여객선</a>' in english and '">#Ferry</a>' in english
        assert 'lang="en">#Ferry</a>' in korean and '">#여객선</a>' in korean

    def test_paginates_one_hundred_hashtags_per_page(self, client):
        outlet = make_outlet()
        for number in range(21):
            make_story(outlet=outlet, hashtags=[f"T{number}x{n}" for n in range(5)])
        assert len(client.get(url("articles:hashtags")).context["hashtags"]) == 100
        assert len(client.get(url("articles:hashtags") + "?page=2").context["hashtags"]) == 5

    def test_empty_site_says_so(self, client):
        response = client.get(url("articles:hashtags"))
        assert response.status_code == 200
        assert "No published story carries a hashtag yet." in response.content.decode()

    def test_query_count_does_not_grow_with_hashtags(self, client, django_assert_max_num_queries):
        outlet = make_outlet()
        for number in range(30):
            make_story(outlet=outlet, hashtags=[f"Many{number}x{n}" for n in range(4)])
        with django_assert_max_num_queries(2 + 1 + PAGE_CACHE_QUERY):  # + the masthead's sections
            assert client.get(url("articles:hashtags")).status_code == 200

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_header_links_to_the_index(self, client, language):
        html = client.get(url("articles:home", language)).content.decode()
        assert f'<a class="nav-link" href="/{language}/tags/">' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_hashtag_page_shows_its_story_count(client, language):
    tag = make_hashtag("해운")
    make_story(hashtags=[tag])
    make_story(hashtags=[tag])
    make_story(hashtags=[tag], status=Story.Status.DRAFT)
    response = client.get(url("articles:hashtag", language, slug=tag.slug))
    assert response.context["paginator"].count == 2
    assert re.search(r'<p class="text-body-secondary">[^<]*(?<!\d)2(?!\d)[^<]*</p>', response.content.decode())


class TestOutletPage:
    @pytest.fixture
    def outlet(self):
        outlet = make_outlet(name="Harbour Wire", homepage="https://harbour.example/")
        make_social_link(outlet, label="Mastodon", url="https://social.example/@harbour")
        return outlet

    def test_lists_the_outlets_published_stories_newest_first(self, client, outlet):
        make_story(outlet=outlet, headline="Older harbour story", published_at=hours_ago(5))
        make_story(outlet=outlet, headline="Newer harbour story", published_at=hours_ago(1))
        make_story(outlet=outlet, headline="Harbour draft", status=Story.Status.DRAFT)
        make_story(headline="Another outlet's story")
        response = client.get(outlet.get_absolute_url())
        assert headlines(response) == ["Newer harbour story", "Older harbour story"]
        html = response.content.decode()
        assert '<h1 class="h3 mb-1">Harbour Wire</h1>' in html
        assert 'href="https://harbour.example/"' in html
        assert 'href="https://social.example/@harbour"' in html

    def test_slug_is_made_from_the_name_and_kept_when_renamed(self, outlet):
        assert outlet.slug == "harbour-wire"
        outlet.name = "Harbour Wire Service"
        outlet.save()
        assert outlet.get_absolute_url() == "/en/outlets/harbour-wire/"

    def test_names_that_make_the_same_slug_get_their_own(self):
        assert make_outlet(name="Bay News").slug == "bay-news"
        assert make_outlet(name="Bay News!").slug == "bay-news-2"
        assert make_outlet(name="***").slug == "outlet"

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_korean_name_has_a_unicode_address_that_round_trips(self, client, language):
        outlet = make_outlet(name="아리랑 뉴스")
        make_story(outlet=outlet, headline="Story from Arirang", headline_ko="아리랑 기사")
        address = url("articles:outlet", language, slug=outlet.slug)
        assert unquote(address) == f"/{language}/outlets/아리랑-뉴스/"
        response = client.get(address)
        assert response.status_code == 200
        assert headlines(response) == [{"en": "Story from Arirang", "ko": "아리랑 기사"}[language]]

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_story_page_links_to_its_outlet(self, client, outlet, language):
        story = make_story(outlet=outlet)
        with translation.override(language):
            html = client.get(story.get_absolute_url()).content.decode()
        assert f'<a href="/{language}/outlets/harbour-wire/">Harbour Wire</a>.</p>' in html

    def test_paginates(self, client, outlet):
        for _ in range(21):
            make_story(outlet=outlet)
        assert len(client.get(outlet.get_absolute_url()).context["stories"]) == 20
        assert len(client.get(outlet.get_absolute_url() + "?page=2").context["stories"]) == 1

    def test_unknown_outlet_is_not_found(self, client):
        assert client.get(url("articles:outlet", slug="nobody")).status_code == 404

    def test_query_count_does_not_grow_with_stories_and_links(self, client, outlet, django_assert_max_num_queries):
        for number in range(10):
            make_social_link(outlet, label=f"Network {number}", url=f"https://n{number}.example/", position=2)
        for number in range(25):
            make_story(outlet=outlet, hashtags=[f"O{number}x{n}" for n in range(3)])
        with django_assert_max_num_queries(5 + 1 + PAGE_CACHE_QUERY):  # + the masthead's sections
            assert client.get(outlet.get_absolute_url()).status_code == 200


class TestReporterPage:
    def test_lists_every_published_story_under_the_byline_across_outlets(self, client):
        make_story(reporter="Choi Min-jung", headline="First by Choi", published_at=hours_ago(9))
        make_story(reporter="Choi Min-jung", headline="Second by Choi", published_at=hours_ago(2))
        make_story(reporter="choi min jung", headline="Byline spelt lower case", published_at=hours_ago(5))
        make_story(reporter="Choi Min-jung", headline="Draft by Choi", status=Story.Status.DRAFT)
        make_story(reporter="Han Ji-min", headline="By someone else")
        response = client.get(url("articles:reporter", slug="choi-min-jung"))
        assert headlines(response) == ["Second by Choi", "Byline spelt lower case", "First by Choi"]
        assert "<h1" in response.content.decode() and "Stories by Choi Min-jung" in response.content.decode()

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_sign_off_links_to_the_reporter_page(self, client, language):
        story = make_story(reporter="Choi Min-jung")
        with translation.override(language):
            html = client.get(story.get_absolute_url()).content.decode()
            reporter_url = story.get_reporter_url()
        assert reporter_url == f"/{language}/reporters/choi-min-jung/"
        marked = ' lang="en"' if language == "ko" else ""  # a Latin byline on the Korean page
        link = f'<a href="{reporter_url}"{marked}><bdi>Choi Min-jung</bdi></a>, '
        signoff = f'<p class="story-signoff fw-semibold">{link}'
        assert signoff in html
        assert client.get(reporter_url).status_code == 200

    def test_slug_follows_the_byline_on_save(self):
        story = make_story(reporter="Choi Min-jung")
        story.reporter = "Han Ji-min"
        story.save()
        story.refresh_from_db()
        assert story.reporter_slug == "han-ji-min"

    def test_korean_byline_has_a_unicode_address_that_round_trips(self, client):
        story = make_story(reporter="최민정 기자", headline="Korean byline story")
        assert unquote(story.get_reporter_url()) == "/en/reporters/최민정-기자/"
        response = client.get(story.get_reporter_url())
        assert headlines(response) == ["Korean byline story"]

    def test_other_spellings_of_the_address_redirect_to_the_one_page(self, client):
        make_story(reporter="Choi Min-jung")
        response = client.get(url("articles:reporter", slug="Choi Min-jung") + "?page=1")
        assert response.status_code == 301
        assert response["Location"] == "/en/reporters/choi-min-jung/?page=1"

    def test_story_without_byline_links_only_its_outlet(self, client):
        story = make_story(reporter="", outlet=make_outlet(name="Bay Courier"))
        html = client.get(story.get_absolute_url()).content.decode()
        assert '<p class="story-signoff fw-semibold"><a href="/en/outlets/bay-courier/">Bay Courier</a>.</p>' in html

    @pytest.mark.parametrize("slug", ["nobody-here", "---"])
    def test_unknown_reporter_is_not_found(self, client, slug):
        make_story(reporter="")
        assert client.get(url("articles:reporter", slug=slug)).status_code == 404

    def test_paginates(self, client):
        outlet = make_outlet()
        for _ in range(21):
            make_story(outlet=outlet, reporter="Busy Reporter")
        assert len(client.get(url("articles:reporter", slug="busy-reporter")).context["stories"]) == 20
        assert len(client.get(url("articles:reporter", slug="busy-reporter") + "?page=2").context["stories"]) == 1

    def test_query_count_does_not_grow_with_stories(self, client, django_assert_max_num_queries):
        outlets = [make_outlet() for _ in range(3)]
        for number in range(25):
            make_story(outlet=outlets[number % 3], reporter="Busy Reporter", hashtags=[f"R{number}", f"S{number}"])
        with django_assert_max_num_queries(4 + 1 + PAGE_CACHE_QUERY):  # + the masthead's sections
            assert client.get(url("articles:reporter", slug="busy-reporter")).status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "named_url",
    [
        ("articles:home", {}),
        ("articles:hashtags", {}),
        ("articles:hashtag", {"slug": "ferry"}),
        ("articles:outlet", {"slug": "harbour-wire"}),
        ("articles:reporter", {"slug": "han-ji-min"}),
    ],
    ids=["home", "hashtags", "hashtag", "outlet", "reporter"],
)
def test_other_pages_have_a_description_and_open_graph_basics(client, language, named_url):
    make_story(outlet=make_outlet(name="Harbour Wire"), reporter="Han Ji-min", hashtags=["Ferry"])
    name, kwargs = named_url
    address = url(name, language, **kwargs)
    response = client.get(address)
    assert response.status_code == 200
    assert meta_value(response, "description")
    assert meta_value(response, "og:description") == meta_value(response, "description")
    assert meta_value(response, "og:type") == "website"
    assert meta_value(response, "og:title")
    assert meta_value(response, "og:site_name") == "Newsroom"
    assert meta_value(response, "og:url") == f"http://testserver{address}"
    assert meta_value(response, "og:locale") == {"en": "en_US", "ko": "ko_KR"}[language]
    assert meta_value(response, "twitter:card") == "summary"
