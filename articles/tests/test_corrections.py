"""Corrections: the model's rules, the story page, the marked cards, the corrections page and feeds,
JSON-LD and the page cache."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Correction, Story

from .factories import make_correction, make_hashtag, make_outlet, make_story
from .feed_reading import FEED_TYPES, FORMATS, entry_dates, feed_links, read_feed, shown_text
from .page_cache_helpers import PAGE_CACHE_QUERY
from .page_metadata import json_ld
from .test_views import STORY_PAGE_QUERIES

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ko"]
SEOUL = dt.timedelta(hours=9)


def in_language(language, url_of):
    with translation.override(language):
        return url_of()


def story_page(client, story, language="en"):
    response = client.get(in_language(language, story.get_absolute_url))
    assert response.status_code == 200
    return response.content.decode()


def corrections_section(html):
    match = re.search(r'<section class="story-corrections.*?</section>', html, re.S)
    assert match, "no corrections section on the page"
    return match.group(0)


def corrections_url(language="en"):
    return in_language(language, lambda: reverse("articles:corrections"))


def feed_url(kind, language="en"):
    return in_language(language, lambda: reverse(f"articles:corrections_feed_{kind}"))


@pytest.fixture
def story():
    return make_story(
        headline="Ferry timetable changes",
        headline_ko="여객선 시간표 변경",
        outlet=make_outlet(name="Harbour Times", time_zone="Asia/Seoul"),
        published_at=dt.datetime(2026, 11, 4, 11, 0, tzinfo=dt.UTC),
    )


class TestModel:
    def test_korean_text_is_shown_on_korean_pages_and_english_elsewhere(self, story):
        correction = make_correction(story, text="The ferry leaves at 9.", text_ko="여객선은 9시에 떠난다.")
        assert correction.text_in("ko") == ("여객선은 9시에 떠난다.", "ko")
        assert correction.text_in("en") == ("The ferry leaves at 9.", "en")

    def test_korean_pages_fall_back_to_the_english_text(self, story):
        correction = make_correction(story, text="The ferry leaves at 9.", text_ko=" \n")
        assert correction.text_in("ko") == ("The ferry leaves at 9.", "en")

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Story.Status.DRAFT},
            {"published_at": timezone.now() + dt.timedelta(days=1)},  # scheduled: not public yet
        ],
    )
    def test_a_new_correction_of_a_story_readers_cannot_see_is_refused(self, fields):
        story = make_story(**fields)
        with pytest.raises(ValidationError, match="only to a published story"):
            Correction(story=story, text="Wrong name.").full_clean()

    def test_a_correction_dated_in_the_future_is_refused(self, story):
        correction = Correction(story=story, text="Wrong name.", published_at=timezone.now() + dt.timedelta(hours=1))
        with pytest.raises(ValidationError) as error:
            correction.full_clean()
        assert error.value.message_dict == {"published_at": ["A correction cannot be dated in the future."]}

    def test_existing_corrections_stay_valid_when_the_story_returns_to_draft(self, story):
        correction = make_correction(story)
        story.status = Story.Status.DRAFT
        story.save()
        Correction.objects.get(pk=correction.pk).full_clean()

    def test_stored_text_is_cleaned_like_every_text_field(self, story):
        correction = make_correction(story, text="Wrong\x0bname.")
        correction.refresh_from_db()
        assert "\x0b" not in correction.text


class TestStoryPage:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_corrections_follow_the_story_newest_first_before_the_comments(self, client, story, language):
        make_correction(story, text="Older correction.", published_at=dt.datetime(2026, 11, 5, 1, 0, tzinfo=dt.UTC))
        make_correction(story, text="Newer correction.", published_at=dt.datetime(2026, 11, 6, 1, 0, tzinfo=dt.UTC))
        html = story_page(client, story, language)
        section = corrections_section(html)
        assert section.index("Newer correction.") < section.index("Older correction.")
        assert html.index('class="story-dateline') < html.index('class="story-corrections')
        assert html.index('class="story-corrections') < html.index('id="comments"')

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_dates_are_in_the_outlets_zone_inside_time(self, client, story, language):
        make_correction(story, published_at=dt.datetime(2026, 11, 5, 15, 30, tzinfo=dt.UTC))
        section = corrections_section(story_page(client, story, language))
        assert '<time datetime="2026-11-06T00:30:00+09:00">2026-11-06, 00:30 (KST)</time>' in section

    def test_the_korean_page_shows_the_korean_text(self, client, story):
        make_correction(story, text="The ferry leaves at 9.", text_ko="여객선은 9시에 떠난다.")
        section = corrections_section(story_page(client, story, "ko"))
        assert '<div class="correction-text"><p>여객선은 9시에 떠난다.</p></div>' in section
        assert "The ferry leaves at 9." not in section
        assert '<h2 id="story-corrections-title" class="h5">' in section

    def test_the_korean_page_marks_an_english_only_correction_as_english(self, client, story):
        make_correction(story, text="The ferry leaves at 9.")
        section = corrections_section(story_page(client, story, "ko"))
        assert '<div class="correction-text" lang="en"><p>The ferry leaves at 9.</p></div>' in section

    def test_the_english_page_shows_the_english_text(self, client, story):
        make_correction(story, text="The ferry leaves at 9.", text_ko="여객선은 9시에 떠난다.")
        section = corrections_section(story_page(client, story, "en"))
        assert '<div class="correction-text"><p>The ferry leaves at 9.</p></div>' in section
        assert "여객선은" not in section

    def test_correction_text_is_escaped(self, client, story):
        make_correction(story, text="<script>alert(1)</script> was wrong.")
        section = corrections_section(story_page(client, story))
        assert "<script>alert" not in section
        assert "&lt;script&gt;alert(1)&lt;/script&gt; was wrong." in section

    def test_a_story_without_corrections_has_no_section(self, client, story):
        assert "story-corrections" not in story_page(client, story)

    def test_corrections_are_read_in_one_query_whatever_their_number(
        self, client, story, settings, django_assert_max_num_queries
    ):
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
        for day in range(1, 11):
            make_correction(story, published_at=dt.datetime(2026, 11, 5, day, 0, tzinfo=dt.UTC))
        with django_assert_max_num_queries(STORY_PAGE_QUERIES) as captured:
            html = story_page(client, story)
        assert html.count('class="story-correction ') == 10
        assert sum('"articles_correction"' in query["sql"] for query in captured.captured_queries) == 1


class TestJsonLd:
    @pytest.mark.parametrize(
        ("language", "expected"), [("en", "The ferry leaves at 9."), ("ko", "여객선은 9시에 떠난다.")]
    )
    def test_news_article_carries_correction_comments_newest_first(self, client, story, language, expected):
        older = make_correction(story, text="Older.", published_at=dt.datetime(2026, 11, 5, 1, 0, tzinfo=dt.UTC))
        newer = make_correction(
            story,
            text="The ferry leaves at 9.",
            text_ko="여객선은 9시에 떠난다.",
            published_at=dt.datetime(2026, 11, 6, 1, 0, tzinfo=dt.UTC),
        )
        url = in_language(language, story.get_absolute_url)
        article = json_ld(client.get(url))
        assert article["correction"] == [
            {
                "@type": "CorrectionComment",
                "text": expected,
                "inLanguage": language,
                "datePublished": "2026-11-06T10:00:00+09:00",
                "url": f"http://testserver{url}#correction-{newer.pk}",
            },
            {
                "@type": "CorrectionComment",
                "text": "Older.",
                "inLanguage": "en",
                "datePublished": "2026-11-05T10:00:00+09:00",
                "url": f"http://testserver{url}#correction-{older.pk}",
            },
        ]

    def test_a_story_without_corrections_has_no_correction_property(self, client, story):
        assert "correction" not in json_ld(client.get(story.get_absolute_url()))


class TestPageCache:
    def test_adding_editing_and_deleting_a_correction_changes_the_cached_page_at_once(self, client, story):
        assert "story-corrections" not in story_page(Client(), story)
        assert "story-corrections" not in story_page(Client(), story)  # now served from the cache
        correction = make_correction(story, text="First wording.")
        assert "First wording." in story_page(Client(), story)
        correction.text = "Second wording."
        correction.save()
        assert "Second wording." in story_page(Client(), story)
        correction.delete()
        assert "story-corrections" not in story_page(Client(), story)

    def test_a_correction_moves_the_page_version_and_the_modified_time(self, story):
        Story.objects.filter(pk=story.pk).update(updated_at=dt.datetime(2026, 11, 4, 12, 0, tzinfo=dt.UTC))
        before = Story.objects.get(pk=story.pk)
        make_correction(story)
        after = Story.objects.get(pk=story.pk)
        assert after.page_version == before.page_version + 1
        assert after.updated_at > before.updated_at


def card_pages(story):
    """{name: path} of each page that lists `story` as a card or a search hit, in English."""
    return {
        "home": reverse("articles:home"),
        "hashtag": story.hashtags.get().get_absolute_url(),
        "outlet": story.outlet.get_absolute_url(),
        "reporter": story.get_reporter_url(),
        "search": reverse("articles:search") + "?q=ferry",
    }


# The query counts of these pages before corrections existed (README "Query counts"; search: 3).
# Each page also reads the masthead's sections, and the home page its front-page pins.
CARD_PAGE_QUERIES = {
    name: count + PAGE_CACHE_QUERY
    for name, count in {"home": 6, "hashtag": 5, "outlet": 6, "reporter": 5, "search": 4}.items()
}


class TestCards:
    @pytest.fixture
    def stories(self):
        tag = make_hashtag("Ferry")
        outlet = make_outlet(name="Harbour Times")
        corrected = make_story(headline="Corrected ferry story", hashtags=[tag], outlet=outlet, reporter="Seo Yun")
        plain = make_story(headline="Plain ferry story", hashtags=[tag], outlet=outlet, reporter="Seo Yun")
        make_correction(corrected)
        make_correction(corrected)
        return corrected, plain

    @pytest.mark.parametrize("page", list(CARD_PAGE_QUERIES))
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_a_corrected_story_is_marked_on_its_card(self, client, stories, page, language):
        corrected, plain = stories
        with translation.override(language):
            path = card_pages(corrected)[page]
        html = client.get(path).content.decode()
        cards = re.findall(r'<article class="(?:story-card|search-hit).*?</article>', html, re.S)
        link = f'href="{in_language(language, corrected.get_absolute_url)}"'
        marked = {(link in card): ('class="correction-mark' in card) for card in cards}
        assert marked == {True: True, False: False}
        assert ">Corrected<" in html if language == "en" else 'class="correction-mark' in html

    @pytest.mark.parametrize("page", list(CARD_PAGE_QUERIES))
    def test_query_counts_stay_the_same_with_many_corrected_stories(
        self, client, stories, page, django_assert_max_num_queries
    ):
        corrected, _plain = stories
        for number in range(15):
            extra = make_story(
                headline=f"Ferry story {number}",
                hashtags=list(corrected.hashtags.all()),
                outlet=corrected.outlet,
                reporter="Seo Yun",
            )
            make_correction(extra)
        path = card_pages(corrected)[page]
        with django_assert_max_num_queries(CARD_PAGE_QUERIES[page]):
            html = client.get(path).content.decode()
        assert html.count('class="correction-mark') == 16


class TestCorrectionsPage:
    @pytest.fixture
    def corrections(self, story):
        draft = make_story(headline="Draft ferry story", status=Story.Status.DRAFT)
        hidden = Correction.objects.create(story=make_story(), text="Hidden later.", published_at=timezone.now())
        Story.objects.filter(pk=hidden.story_id).update(status=Story.Status.DRAFT)
        older = make_correction(story, text="Older fix.", published_at=dt.datetime(2026, 11, 5, 1, 0, tzinfo=dt.UTC))
        newer = make_correction(
            story, text="Newer fix.", text_ko="새 정정.", published_at=dt.datetime(2026, 11, 6, 1, 0, tzinfo=dt.UTC)
        )
        return {"draft": draft, "older": older, "newer": newer}

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_lists_corrections_of_public_stories_newest_first_with_links(self, client, corrections, language):
        response = client.get(corrections_url(language))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Hidden later." not in html
        newer_text = "새 정정." if language == "ko" else "Newer fix."
        assert html.index(newer_text) < html.index("Older fix.")
        story_url = in_language(language, corrections["newer"].story.get_absolute_url)
        assert f'href="{story_url}#correction-{corrections["newer"].pk}"' in html
        assert '<time datetime="2026-11-06T10:00:00+09:00">2026-11-06, 10:00 (KST)</time>' in html

    def test_the_korean_page_shows_korean_headlines_and_marks_english_text(self, client, corrections):
        html = client.get(corrections_url("ko")).content.decode()
        assert "#correction-" in html and '">여객선 시간표 변경</a>' in html  # the page's own language: no lang
        assert '<div class="correction-text" lang="en"><p>Older fix.</p></div>' in html

    def test_is_paginated(self, client, story, settings):
        settings.NEWSROOM_STORIES_PER_PAGE = 2
        for hour in range(1, 6):
            make_correction(story, text=f"Fix {hour}.", published_at=dt.datetime(2026, 11, 5, hour, tzinfo=dt.UTC))
        first = client.get(corrections_url()).content.decode()
        third = client.get(corrections_url() + "?page=3").content.decode()
        assert "Fix 5." in first and "Fix 4." in first and "Fix 3." not in first
        assert "Fix 1." in third and "Older corrections" in first
        assert client.get(corrections_url() + "?page=4").status_code == 404

    def test_announces_both_corrections_feeds_in_the_head(self, client):
        links = feed_links(client.get(corrections_url("ko")))
        assert ("application/rss+xml", "Newsroom: 정정 (RSS)", feed_url("rss", "ko")) in links
        assert ("application/atom+xml", "Newsroom: 정정 (Atom)", feed_url("atom", "ko")) in links

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_footer_of_every_page_links_to_it(self, client, story, language):
        footer = re.search(r'<footer class="site-footer.*?</footer>', story_page(client, story, language), re.S)
        assert f'<a href="{corrections_url(language)}">' in footer.group(0)

    def test_says_so_when_there_are_none(self, client):
        assert "No story has been corrected." in client.get(corrections_url()).content.decode()

    def test_query_count_does_not_grow_with_corrections(self, client, corrections, django_assert_max_num_queries):
        for hour in range(20):
            make_correction(make_story(), published_at=timezone.now() - dt.timedelta(minutes=hour))
        with django_assert_max_num_queries(2 + 1 + PAGE_CACHE_QUERY):  # the count, the page; the masthead's sections
            assert client.get(corrections_url()).status_code == 200

    def test_is_in_the_sitemap_in_both_languages_with_the_last_change(self, client, corrections):
        Correction.objects.filter(pk=corrections["older"].pk).update(updated_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC))
        xml = client.get(reverse("crawlers:sitemap_section", kwargs={"section": "corrections"})).content.decode()
        for language in LANGUAGES:
            loc = f"<loc>http://testserver{corrections_url(language)}</loc>"
            assert loc in xml
            assert xml[xml.index(loc) :].split("</url>")[0].count("<lastmod>2027-01-02</lastmod>") == 1


@pytest.mark.parametrize("kind", FORMATS)
class TestCorrectionsFeeds:
    def test_is_served_with_its_feed_type(self, client, kind):
        response = client.get(feed_url(kind))
        assert response["Content-Type"] == f"{FEED_TYPES[kind]}; charset=utf-8"

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_lists_public_corrections_newest_first_linking_to_the_story(self, client, kind, story, language):
        older = make_correction(story, text="Older fix.", published_at=dt.datetime(2026, 11, 5, 1, tzinfo=dt.UTC))
        newer = make_correction(
            story, text="Newer fix.", text_ko="새 정정.", published_at=dt.datetime(2026, 11, 6, 1, tzinfo=dt.UTC)
        )
        Correction.objects.create(story=make_story(status=Story.Status.DRAFT), text="Draft fix.")
        feed = read_feed(client.get(feed_url(kind, language)))
        title = "정정: 여객선 시간표 변경" if language == "ko" else "Correction: Ferry timetable changes"
        assert [shown_text(entry, "title") for entry in feed.entries] == [title] * 2
        assert [shown_text(entry, "summary") for entry in feed.entries] == [
            "새 정정." if language == "ko" else "Newer fix.",
            "Older fix.",
        ]
        story_url = in_language(language, story.get_absolute_url)
        assert [entry.link for entry in feed.entries] == [
            f"http://testserver{story_url}#correction-{newer.pk}",
            f"http://testserver{story_url}#correction-{older.pk}",
        ]

    def test_dates_carry_the_outlets_offset(self, client, kind, story):
        make_correction(story, published_at=dt.datetime(2026, 11, 5, 15, 30, tzinfo=dt.UTC))
        published = entry_dates(read_feed(client.get(feed_url(kind))).entries[0])[0]
        assert published == dt.datetime(2026, 11, 6, 0, 30, tzinfo=dt.timezone(SEOUL))
        assert published.utcoffset() == SEOUL

    def test_a_stored_control_character_does_not_break_the_feed(self, client, kind, story):
        correction = make_correction(story)
        Correction.objects.filter(pk=correction.pk).update(text="Wrong\x01name.")  # update() skips the cleaning
        feed = read_feed(client.get(feed_url(kind)))
        assert shown_text(feed.entries[0], "summary") == "Wrongname."

    def test_query_count_does_not_grow_with_corrections(self, client, kind, django_assert_max_num_queries):
        for hour in range(20):
            make_correction(make_story(), published_at=timezone.now() - dt.timedelta(minutes=hour))
        with django_assert_max_num_queries(1 + PAGE_CACHE_QUERY):
            feed = read_feed(client.get(feed_url(kind)))
        assert len(feed.entries) == 20
