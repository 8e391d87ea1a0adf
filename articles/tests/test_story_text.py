"""`Story.text_for`: the one place that picks a story's text in the page's language, and its users."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.sitemaps import news_entries

from .factories import make_story
from .feed_reading import read_feed
from .page_metadata import json_ld, meta_value

pytestmark = pytest.mark.django_db

WHITE_SPACE = " \n\n  "


def page(client, story, language):
    with translation.override(language):
        return client.get(reverse("articles:story", kwargs={"slug": story.slug}))


def korean_page(client, story):
    return page(client, story, "ko")


class TestWhiteSpaceKoreanText:
    """A Korean field of white space only is no Korean text: every page, feed and sitemap agrees."""

    def test_korean_page_shows_the_english_body_and_says_english_only(self, client):
        story = make_story(body="The English body.", body_ko=WHITE_SPACE)
        html = korean_page(client, story).content.decode()
        assert 'class="english-only' in html
        assert "<p>The English body.</p>" in html

    def test_korean_page_metadata_and_news_sitemap_agree_it_is_english(self, client):
        story = make_story(body="The English body.", body_ko=WHITE_SPACE)
        assert json_ld(korean_page(client, story))["inLanguage"] == "en"
        assert [entry.language for entry in news_entries([story])] == ["en"]

    def test_english_page_has_no_korean_section(self, client):
        story = make_story(body_ko=WHITE_SPACE)
        assert "korean-body-heading" not in page(client, story, "en").content.decode()

    def test_korean_page_title_and_comment_feed_links_name_the_english_headline(self, client):
        story = make_story(headline="Harbour cranes move again", headline_ko=" ")
        html = korean_page(client, story).content.decode()
        assert re.search(r"<title>Harbour cranes move again · ", html)
        feed_titles = re.findall(r'<link rel="alternate" type="application/(?:rss|atom)\+xml" title="([^"]*)"', html)
        assert len([title for title in feed_titles if "Harbour cranes move again" in title]) == 2

    def test_korean_card_leads_with_the_english_headline_marked_english(self, client):
        make_story(headline="Harbour cranes move again", headline_ko=" ")
        home = Client().get("/ko/").content.decode()
        assert re.search(r'<h2 class="h4 mb-1"><a href="[^"]+" lang="en">Harbour cranes move again</a></h2>', home)
        assert 'class="headline-en' not in home

    def test_korean_related_stories_list_the_english_headline(self, client):
        make_story(headline="Harbour cranes move again", headline_ko=" ", hashtags=["Harbour"])
        sibling = make_story(headline="Sibling story", hashtags=["Harbour"])
        html = korean_page(client, sibling).content.decode()
        assert re.search(r'<a href="[^"]+" lang="en">Harbour cranes move again</a>', html)


class TestKoreanIntro:
    def test_korean_page_shows_the_korean_intro_marked_korean(self, client):
        story = make_story(intro="Ferries stop at ten.", intro_ko="여객선은 열 시에 멈춘다.", body_ko="본문입니다.")
        html = korean_page(client, story).content.decode()
        assert '<p class="story-intro lead" lang="ko">여객선은 열 시에 멈춘다.</p>' in html
        assert "Ferries stop at ten." not in html

    def test_korean_page_without_a_korean_intro_shows_the_english_one_marked_english(self, client):
        story = make_story(intro="Ferries stop at ten.", intro_ko="", body_ko="본문입니다.")
        html = korean_page(client, story).content.decode()
        assert '<p class="story-intro lead" lang="en">Ferries stop at ten.</p>' in html

    def test_english_page_keeps_the_english_intro(self, client):
        story = make_story(intro="Ferries stop at ten.", intro_ko="여객선은 열 시에 멈춘다.")
        html = page(client, story, "en").content.decode()
        assert '<p class="story-intro lead">Ferries stop at ten.</p>' in html
        assert "여객선은 열 시에 멈춘다." not in html

    def test_korean_card_summary_is_the_korean_intro(self, client):
        make_story(intro="Ferries stop at ten.", intro_ko="여객선은 열 시에 멈춘다.")
        html = client.get("/ko/").content.decode()
        assert '<p class="summary mb-2">여객선은 열 시에 멈춘다.</p>' in html

    def test_korean_feed_item_describes_the_story_with_the_korean_intro(self, client):
        make_story(intro="Ferries stop at ten.", intro_ko="여객선은 열 시에 멈춘다.", body_ko="본문입니다.")
        with translation.override("ko"):
            url = reverse("articles:feed_rss")
        entry = read_feed(client.get(url)).entries[0]
        assert entry.summary == "여객선은 열 시에 멈춘다."

    def test_korean_page_metadata_describes_the_story_with_the_korean_intro(self, client):
        story = make_story(intro="Ferries stop at ten.", intro_ko="여객선은 열 시에 멈춘다.", body_ko="본문입니다.")
        response = korean_page(client, story)
        assert meta_value(response, "og:description") == "여객선은 열 시에 멈춘다."
        assert json_ld(response)["description"] == "여객선은 열 시에 멈춘다."


class TestTextFor:
    """The choice itself, part by part, without a page."""

    def test_korean_text_takes_each_korean_part_and_says_its_language(self):
        story = make_story(headline="Port", headline_ko="항구", intro="Intro.", intro_ko="소개.", body_ko="본문.")
        text = story.text_for("ko")
        assert (text.headline, text.headline_language) == ("항구", "ko")
        assert (text.other_headline, text.other_headline_language) == ("Port", "en")
        assert (text.intro, text.intro_language) == ("소개.", "ko")
        assert (text.body_html, text.body_language) == ("<p>본문.</p>", "ko")
        assert not text.english_only

    def test_korean_text_falls_back_on_english_part_by_part(self):
        story = make_story(headline="Port", headline_ko="", intro="Intro.", intro_ko="", body="Body.", body_ko="")
        text = story.text_for("ko")
        assert (text.headline, text.headline_language, text.other_headline) == ("Port", "en", "")
        assert (text.intro, text.intro_language) == ("Intro.", "en")
        assert (text.body_html, text.body_language) == ("<p>Body.</p>", "en")
        assert text.english_only

    def test_intro_lines_become_one_line(self):
        story = make_story(intro="One.\nTwo.", intro_ko="하나.\n둘.")
        assert story.text_for("en").intro == "One. Two."
        assert story.text_for("ko").intro == "하나. 둘."

    def test_english_text_carries_the_korean_body_for_its_korean_section(self):
        story = make_story(body_ko="첫째.\n\n둘째.")
        assert story.text_for("en").korean_body_html == "<p>첫째.</p><p>둘째.</p>"
        assert story.text_for("ko").korean_body_html == ""

    def test_the_korean_section_of_an_english_page_puts_its_subheadings_a_level_down(self):
        story = make_story(body_ko="<h2>소제목</h2><p>본문.</p><h3>작은 제목</h3>")
        assert story.text_for("en").korean_body_html == "<h3>소제목</h3><p>본문.</p><h4>작은 제목</h4>"
        assert story.text_for("ko").body_html == "<h2>소제목</h2><p>본문.</p><h3>작은 제목</h3>"

    def test_a_korean_body_of_empty_paragraphs_is_no_korean_body(self):
        story = make_story(headline_ko="", body="<p>Body.</p>", body_ko="<p> </p><p><br></p>")
        assert story.text_for("ko").english_only
        assert not story.has_korean_text
        assert story.body_ko == ""

    def test_summary_and_body_text_carry_no_markup(self):
        story = make_story(
            intro="", body='<h2>Ferries</h2><p>Boats <a href="https://port.example/">left</a> <em>at</em> dawn.</p>'
        )
        text = story.text_for("en")
        assert text.summary == "Ferries Boats left at dawn."
        assert text.body_text == "Ferries\n\nBoats left at dawn."


class TestKoreanOnlyStory:
    """A story written in Korean only (an imported Korean post): a Korean body, no English one, and an
    English headline that repeats the Korean one, the model requiring it."""

    def korean_only(self, **fields):
        values = {"headline": "부산항 문화 주간 개막", "headline_ko": "부산항 문화 주간 개막", "intro": ""}
        values |= {"intro_ko": "여섯 항구 도시.", "body": "", "body_ko": "<p>부산항이 문화 주간을 열었다.</p>"}
        return make_story(**values | fields)

    def test_english_text_is_the_korean_text_marked_korean(self):
        text = self.korean_only().text_for("en")
        assert (text.headline, text.headline_language, text.other_headline) == ("부산항 문화 주간 개막", "ko", "")
        assert (text.intro, text.intro_language) == ("여섯 항구 도시.", "ko")
        assert (text.body_html, text.body_language, text.korean_body_html) == (
            "<p>부산항이 문화 주간을 열었다.</p>",
            "ko",
            "",
        )
        assert (text.summary, text.summary_language) == ("여섯 항구 도시.", "ko")
        assert text.korean_only

    def test_korean_text_shows_the_headline_once(self):
        text = self.korean_only().text_for("ko")
        assert (text.headline, text.headline_language, text.other_headline) == ("부산항 문화 주간 개막", "ko", "")
        assert not text.english_only

    def test_an_english_headline_of_its_own_is_still_shown_as_english(self):
        text = self.korean_only(headline="Busan opens its culture week").text_for("en")
        assert (text.headline, text.headline_language) == ("Busan opens its culture week", "en")
        assert (text.other_headline, text.other_headline_language) == ("부산항 문화 주간 개막", "ko")

    def test_english_page_shows_the_korean_story_marked_korean_and_says_korean_only(self, client):
        html = page(client, self.korean_only(), "en").content.decode()
        assert '<h1 id="story-headline" class="story-headline" lang="ko">부산항 문화 주간 개막</h1>' in html
        assert 'class="story-headline-ko' not in html
        assert '<p class="story-intro lead" lang="ko">여섯 항구 도시.</p>' in html
        assert 'class="korean-only alert alert-secondary"' in html
        assert re.search(
            r'<div class="story-body story-body-ko" lang="ko">\s*<p>부산항이 문화 주간을 열었다.</p>', html
        )
        assert "korean-body-heading" not in html

    def test_korean_page_has_no_second_headline(self, client):
        html = korean_page(client, self.korean_only()).content.decode()
        assert '<h1 id="story-headline" class="story-headline" lang="ko">부산항 문화 주간 개막</h1>' in html
        assert 'class="story-headline-en' not in html

    def test_english_card_leads_with_the_korean_headline_and_summary_marked_korean(self, client):
        self.korean_only()
        home = Client().get("/en/").content.decode()
        assert re.search(r'<h2 class="h4 mb-1"><a href="[^"]+" lang="ko">부산항 문화 주간 개막</a></h2>', home)
        assert 'class="headline-en' not in home
        assert '<p class="summary mb-2" lang="ko">여섯 항구 도시.</p>' in home

    def test_english_page_metadata_says_korean(self, client):
        data = json_ld(page(client, self.korean_only(), "en"))
        assert (data["inLanguage"], data["headline"], data["description"]) == (
            "ko",
            "부산항 문화 주간 개막",
            "여섯 항구 도시.",
        )
        assert "alternativeHeadline" not in data
