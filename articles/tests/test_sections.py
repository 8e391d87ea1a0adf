"""Sections: the model, its page in both languages, its feeds, the sitemap, the masthead, admin, import."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles.importing import get_or_create_hashtags
from articles.models import Outlet, Section, Story

from .factories import make_hashtag, make_outlet, make_story
from .feed_reading import FEED_TYPES, FORMATS, feed_links, read_feed, shown_text
from .page_cache_helpers import PAGE_CACHE_QUERY
from .test_sitemaps import in_language, sitemap_entries

pytestmark = pytest.mark.django_db

# The section, the count of its stories, the page's stories and their hashtags, the masthead.
SECTION_PAGE_QUERIES = 1 + 1 + 2 + 1 + PAGE_CACHE_QUERY


def make_section(name="Harbour", **fields):
    return Section.objects.create(name=name, **fields)


def section_url(section, language="en", name="articles:section"):
    with translation.override(language):
        return reverse(name, kwargs={"slug": section.slug})


def masthead(html):
    """[(name, href, lang, aria-current)] of the masthead's section links."""
    nav = re.search(r'<nav class="section-nav[^"]*" aria-label="(?:Sections|섹션)">(.*?)</nav>', html, re.S)
    if nav is None:
        return []
    return [
        (name, href, lang, current)
        for href, lang, current, name in re.findall(
            r'<a class="nav-link" href="([^"]+)"(?: lang="(\w+)")?( aria-current="page")?>([^<]+)</a>', nav[1]
        )
    ]


class TestSectionModel:
    def test_slug_is_made_from_the_name_and_kept_when_renamed(self):
        section = make_section("Arts and Letters")
        assert section.slug == "arts-and-letters"
        section.name = "Arts"
        section.save()
        section.refresh_from_db()
        assert section.slug == "arts-and-letters"
        assert section.get_absolute_url() == "/en/sections/arts-and-letters/"

    def test_two_names_making_one_slug_get_two_slugs(self):
        assert make_section("Sport!").slug == "sport"
        assert make_section("Sport?").slug == "sport-2"

    def test_name_in_each_language_falls_back_to_english(self):
        section = make_section("Economy", name_ko="경제")
        assert (section.name_in("en"), section.name_in("ko")) == ("Economy", "경제")
        untranslated = make_section("Science")
        assert (untranslated.name_in("ko"), untranslated.name_language_in("ko")) == ("Science", "en")

    def test_a_section_with_stories_cannot_be_deleted(self):
        section = make_section()
        make_story(section=section)
        with pytest.raises(ProtectedError):
            section.delete()

    def test_the_first_sections_exist_in_masthead_order(self):
        names = [(s.name, s.name_ko, s.slug) for s in Section.objects.in_masthead_order()]
        assert names == [("World", "세계", "world"), ("Korea", "한국", "korea"), ("Culture", "문화", "culture")]

    def test_editors_may_manage_sections_and_the_front_page(self):
        codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
        for model in ("section", "frontpagepin"):
            assert {f"{action}_{model}" for action in ("add", "change", "delete", "view")} <= codenames


class TestSectionPage:
    def test_lists_the_sections_public_stories_newest_first(self, client):
        section = make_section()
        old = make_story(headline="Old harbour story", section=section, published_at=timezone.now() - dt.timedelta(3))
        new = make_story(headline="New harbour story", section=section, published_at=timezone.now() - dt.timedelta(1))
        make_story(headline="Story of another desk", section=make_section("Weather"))
        make_story(headline="Harbour draft", section=section, status=Story.Status.DRAFT)
        make_story(headline="Harbour embargo", section=section, published_at=timezone.now() + dt.timedelta(hours=2))
        html = client.get(section_url(section)).content.decode()
        assert html.index(new.headline) < html.index(old.headline)
        for absent in ("Story of another desk", "Harbour draft", "Harbour embargo"):
            assert absent not in html
        assert "2 stories" in html
        assert '<h1 class="h3 mb-1">Harbour</h1>' in html

    def test_korean_page_names_the_section_in_korean(self, client):
        section = make_section("Harbour", name_ko="항구")
        make_story(headline="Harbour story", headline_ko="항구 기사", section=section)
        response = client.get(section_url(section, "ko"))
        html = response.content.decode()
        assert response.status_code == 200
        assert '<h1 class="h3 mb-1">항구</h1>' in html
        assert "<title>항구 · " in html
        assert "항구 기사" in html

    def test_korean_page_marks_an_english_only_name_english(self, client):
        section = make_section("Science")
        assert '<h1 class="h3 mb-1" lang="en">Science</h1>' in client.get(section_url(section, "ko")).content.decode()

    def test_empty_section_says_so(self, client):
        html = client.get(section_url(make_section())).content.decode()
        assert "No published story is in this section yet." in html

    def test_paginates_like_the_other_lists(self, client):
        section, outlet = make_section(), make_outlet()
        for _ in range(21):
            make_story(outlet=outlet, section=section)
        assert len(client.get(section_url(section)).context["stories"]) == 20
        assert len(client.get(section_url(section) + "?page=2").context["stories"]) == 1
        assert client.get(section_url(section) + "?page=3").status_code == 404

    def test_unknown_section_is_not_found(self, client):
        assert client.get("/en/sections/no-such-desk/").status_code == 404

    def test_announces_its_feeds(self, client):
        section = make_section("Harbour", name_ko="항구")
        links = feed_links(client.get(section_url(section)))
        assert links[-2:] == [
            (FEED_TYPES["rss"], "Stories in Harbour (RSS)", section_url(section, "en", "articles:section_feed_rss")),
            (FEED_TYPES["atom"], "Stories in Harbour (Atom)", section_url(section, "en", "articles:section_feed_atom")),
        ]

    def test_query_count_is_constant(self, client, django_assert_max_num_queries):
        section, outlet = make_section(), make_outlet()
        for number in range(25):
            make_story(outlet=outlet, section=section, hashtags=[make_hashtag(f"Desk{number}x{n}") for n in range(3)])
        with django_assert_max_num_queries(SECTION_PAGE_QUERIES):
            assert client.get(section_url(section)).status_code == 200


# Slugs no section can have: each must be refused by the path converter (404), on every database.
CRAFTED_SLUGS = ["%00", "%0A", "har%00bour", "%E2%80%AE", "%F0%9F%98%80", "..", "%2E%2E", "%FF", "a" * 81, "%C2%85"]


@pytest.mark.parametrize("slug", CRAFTED_SLUGS)
@pytest.mark.parametrize("suffix", ["", "feed.rss", "feed.atom"])
def test_crafted_section_slug_is_not_found(slug, suffix):
    make_section("Harbour")
    client = Client(raise_request_exception=False)
    for language in ("en", "ko"):
        response = client.get(f"/{language}/sections/{slug}/{suffix}")
        assert 400 <= response.status_code < 500, (slug, response.status_code)


def test_unicode_section_slug_has_a_page(client):
    section = make_section("항구 소식")
    assert section.slug == "항구-소식"
    assert client.get(section.get_absolute_url()).status_code == 200


def feed_url(kind, section, language="en"):
    return section_url(section, language, f"articles:section_feed_{kind}")


@pytest.mark.parametrize("kind", FORMATS)
class TestSectionFeed:
    def test_lists_the_sections_public_stories_newest_first(self, client, kind):
        section = make_section("Harbour")
        make_story(headline="Older harbour item", section=section, published_at=timezone.now() - dt.timedelta(2))
        make_story(headline="Newer harbour item", section=section, published_at=timezone.now() - dt.timedelta(1))
        make_story(headline="Elsewhere item", section=make_section("Weather"))
        make_story(headline="Harbour draft item", section=section, status=Story.Status.DRAFT)
        response = client.get(feed_url(kind, section))
        assert response["Content-Type"] == f"{FEED_TYPES[kind]}; charset=utf-8"
        feed = read_feed(response)
        assert [shown_text(entry, "title") for entry in feed.entries] == ["Newer harbour item", "Older harbour item"]
        assert feed.feed.title == "Harbour · Newsroom"

    def test_korean_feed_speaks_korean(self, client, kind):
        section = make_section("Harbour", name_ko="항구")
        make_story(headline="Harbour item", headline_ko="항구 소식", section=section)
        feed = read_feed(client.get(feed_url(kind, section, "ko")))
        assert feed.feed.title == "항구 · Newsroom"
        assert [shown_text(entry, "title") for entry in feed.entries] == ["항구 소식"]
        assert feed.entries[0].link.endswith("/ko/stories/" + Story.objects.get().slug + "/")

    def test_unknown_section_has_no_feed(self, client, kind):
        assert client.get(f"/en/sections/nowhere/feed.{kind}").status_code == 404

    def test_stored_control_character_does_not_break_the_feed(self, client, kind):
        section = make_section("Harbour")
        Section.objects.filter(pk=section.pk).update(name="Har\x01bour")
        make_story(section=section)
        assert read_feed(client.get(feed_url(kind, section))).feed.title == "Harbour · Newsroom"

    def test_query_count_is_constant(self, client, kind, django_assert_max_num_queries):
        section, outlet = make_section(), make_outlet()
        for number in range(25):
            make_story(outlet=outlet, section=section, hashtags=[f"Feed{number}"])
        with django_assert_max_num_queries(3 + PAGE_CACHE_QUERY):
            read_feed(client.get(feed_url(kind, section)))


def test_sitemap_lists_each_section_in_both_languages_with_alternates(client):
    section = make_section("Harbour", name_ko="항구")
    story = make_story(section=section)
    entries = sitemap_entries(client)
    english = in_language("en", section.get_absolute_url)
    korean = in_language("ko", section.get_absolute_url)
    assert english in entries and korean in entries
    assert entries[english]["alternates"] == {"en": english, "ko": korean, "x-default": english}
    assert entries[english]["lastmod"].startswith(story.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%d"))
    empty = in_language("en", Section.objects.get(slug="culture").get_absolute_url)
    assert empty in entries and entries[empty]["lastmod"] is None


def cached_masthead(story):
    """The masthead of the story page a reader without cookies gets (from the page cache once stored)."""
    return masthead(Client().get(story.get_absolute_url()).content.decode())


class TestMasthead:
    def test_links_the_sections_in_order_in_the_pages_language(self, client):
        Section.objects.all().delete()
        make_section("Sport", name_ko="스포츠", position=2)
        make_section("Nation", name_ko="국내", position=1)
        make_section("Science", position=3)
        assert masthead(client.get("/en/").content.decode()) == [
            ("Nation", "/en/sections/nation/", "", ""),
            ("Sport", "/en/sections/sport/", "", ""),
            ("Science", "/en/sections/science/", "", ""),
        ]
        assert masthead(client.get("/ko/tags/").content.decode()) == [
            ("국내", "/ko/sections/nation/", "", ""),
            ("스포츠", "/ko/sections/sport/", "", ""),
            ("Science", "/ko/sections/science/", "en", ""),
        ]

    def test_marks_the_section_shown(self, client):
        html = client.get("/en/sections/korea/").content.decode()
        assert ("Korea", "/en/sections/korea/", "", ' aria-current="page"') in masthead(html)
        assert sum(1 for link in masthead(html) if link[3]) == 1

    def test_renamed_section_shows_at_once_on_a_cached_story_page(self, client):
        story = make_story(headline="Cached story with a masthead")
        Client().get(story.get_absolute_url())
        assert ("Korea", "/en/sections/korea/", "", "") in cached_masthead(story)
        section = Section.objects.get(slug="korea")
        section.name = "Nation"
        section.save()
        assert ("Nation", "/en/sections/korea/", "", "") in cached_masthead(story)

    def test_deleted_section_leaves_cached_story_pages_at_once(self, client):
        story = make_story()
        Client().get(story.get_absolute_url())
        Section.objects.get(slug="culture").delete()
        names = [link[0] for link in cached_masthead(story)]
        assert names == ["World", "Korea"]

    def test_a_site_without_sections_has_no_section_navigation(self, client):
        Section.objects.all().delete()
        assert 'class="section-nav' not in client.get("/en/").content.decode()


class TestSectionAdmin:
    @pytest.fixture
    def admin_client_(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
        return client

    def test_section_list_edits_the_masthead_order(self, admin_client_):
        korea, world = Section.objects.get(slug="korea"), Section.objects.get(slug="world")
        html = admin_client_.get("/admin/articles/section/").content.decode()
        assert 'name="form-0-position"' in html
        sections = list(Section.objects.in_masthead_order())
        data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3", "_save": "Save"}
        for index, section in enumerate(sections):
            data[f"form-{index}-id"] = str(section.pk)
            data[f"form-{index}-position"] = {korea.pk: "1", world.pk: "2"}.get(section.pk, "3")
        assert admin_client_.post("/admin/articles/section/", data).status_code == 302
        assert [s.slug for s in Section.objects.in_masthead_order()] == ["korea", "world", "culture"]

    def test_story_form_has_the_section_field(self, admin_client_):
        html = admin_client_.get("/admin/articles/story/add/").content.decode()
        assert 'name="section"' in html

    def test_story_list_filters_by_section(self, admin_client_):
        make_story(headline="Filed under Korea", section=Section.objects.get(slug="korea"))
        make_story(headline="Filed under World", section=Section.objects.get(slug="world"))
        korea = Section.objects.get(slug="korea")
        response = admin_client_.get("/admin/articles/story/", {"section__id__exact": korea.pk})
        html = response.content.decode()
        assert "Filed under Korea" in html and "Filed under World" not in html

    def test_new_section_from_the_admin_form_gets_its_slug(self, admin_client_):
        data = {"name": "Sport", "name_ko": "스포츠", "slug": "", "position": "40"}
        assert admin_client_.post("/admin/articles/section/add/", data).status_code == 302
        assert Section.objects.get(name="Sport").slug == "sport"


class TestImport:
    def test_story_is_filed_under_the_section_of_its_first_claimed_hashtag(self):
        tags = get_or_create_hashtags(["Tallinn", "SEOUL", "Culture_Week"])
        assert Section.objects.claiming(tags).slug == "world"
        assert Section.objects.claiming(tags[1:]).slug == "korea"
        assert Section.objects.claiming(get_or_create_hashtags(["Unclaimed"])) is None

    def test_claimed_hashtags_must_be_written_as_hashtags(self):
        with pytest.raises(ValidationError):
            Section(name="Sport", claimed_hashtags="#Football rugby").full_clean()
        Section(name="Sport", claimed_hashtags="#Football  #축구").full_clean()

    def test_demo_stories_get_sections(self, client):
        from newsroom.tests.site_pages import import_demo_site

        import_demo_site()
        sections = dict(Story.objects.values_list("slug", "section__slug"))
        assert sections["tallinn-harbour-hosts-korean-port-cities-culture-week"] == "world"
        assert sections["mapo-district-library-extends-opening-hours-for-exam-season"] == "korea"

    def test_reimport_keeps_the_section_an_editor_chose(self):
        from newsroom.tests.site_pages import import_demo_site

        import_demo_site()
        story = Story.objects.get(slug="mapo-district-library-extends-opening-hours-for-exam-season")
        story.section = Section.objects.get(slug="culture")
        story.save()
        import_demo_site()
        story.refresh_from_db()
        assert story.section.slug == "culture"


@pytest.mark.parametrize("lookalike", ["World\u200b", "WORLD", "Ｗｏｒｌｄ", "Wor\u00adld"])
def test_a_section_whose_name_only_looks_different_is_refused(lookalike):
    if not Section.objects.filter(name="World").exists():
        make_section("World")
    section = Section(name=lookalike, name_ko="세계")
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert "already called that" in str(refused.value)


def test_outlet_names_that_only_look_different_are_refused():
    Outlet.objects.create(name="Harbour Times")
    with pytest.raises(ValidationError):
        Outlet(name="Harbour\u200b Times").full_clean()
    Outlet(name="Harbour Herald").full_clean()  # a different name is fine
