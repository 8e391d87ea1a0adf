"""A reader's journey in a real browser (Debian's Chromium driven by Playwright).

Screenshots of each page go to artifacts/ (home-ko-360.png, story-en-1280.png, …) for a person to look at.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
LIBRARY_SLUG = "mapo-district-library-extends-opening-hours-for-exam-season"
LIBRARY_HEADLINE = "Mapo District Library Extends Opening Hours for Exam Season"
LIBRARY_HEADLINE_KO = "마포구립도서관, 시험 기간 맞아 운영 시간 연장"


@pytest.fixture
def demo_site(live_server):
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    return live_server


def url(site, name, language="en", **kwargs):
    with translation.override(language):
        return site.url + reverse(name, kwargs=kwargs or None)


def test_reader_follows_a_story_and_one_of_its_hashtags(demo_site, page, artifacts_dir):
    page.goto(url(demo_site, "articles:home"))
    assert page.get_by_role("heading", level=1).inner_text() == "Latest stories"

    page.get_by_role("link", name=LIBRARY_HEADLINE).click()
    page.wait_for_url(url(demo_site, "articles:story", slug=LIBRARY_SLUG))
    assert page.get_by_role("heading", level=1).inner_text() == LIBRARY_HEADLINE
    korean = page.locator(".story-headline-ko")
    assert korean.get_attribute("lang") == "ko"
    assert "마포구립도서관" in korean.inner_text()
    dateline = page.locator(".story-dateline time")
    assert dateline.inner_text() == "2026-10-28, 14:15 (KST)"
    assert dateline.get_attribute("datetime") == "2026-10-28T14:15:00+09:00"
    hashtags = page.locator(".story-footer .hashtags a").all_inner_texts()
    assert hashtags[:2] == ["#Seoul", "#Mapo"]
    assert "#서울" in hashtags

    page.get_by_role("link", name="#서울").click()
    page.wait_for_url("**/tags/%EC%84%9C%EC%9A%B8/")
    assert page.get_by_role("heading", level=1).inner_text() == "#서울"
    listed = page.locator(".story-card h2").all_inner_texts()
    assert LIBRARY_HEADLINE in listed
    assert len(listed) == 3
    page.screenshot(path=artifacts_dir / "hashtag-en-1280.png", full_page=True)


def test_language_switcher_takes_the_reader_to_the_same_story_in_korean_and_back(demo_site, page):
    page.goto(url(demo_site, "articles:story", slug=LIBRARY_SLUG))
    switcher = page.locator(".language-switcher")
    assert switcher.locator("[aria-current]").inner_text() == "English"

    switcher.get_by_role("link", name="한국어").click()
    page.wait_for_url(url(demo_site, "articles:story", "ko", slug=LIBRARY_SLUG))
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("heading", level=1).inner_text() == LIBRARY_HEADLINE_KO
    assert "마포구립도서관 본관이" in page.locator(".story-body-ko").inner_text()
    assert switcher.locator("[aria-current]").inner_text() == "한국어"

    switcher.get_by_role("link", name="English").click()
    page.wait_for_url(url(demo_site, "articles:story", slug=LIBRARY_SLUG))
    assert page.get_by_role("heading", level=1).inner_text() == LIBRARY_HEADLINE


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_home_and_story_fit_the_screen_without_sideways_scrolling(demo_site, browser, artifacts_dir, language, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    widths = {}
    for name, address in [
        ("home", url(demo_site, "articles:home", language)),
        ("story", url(demo_site, "articles:story", language, slug=LIBRARY_SLUG)),
    ]:
        page.goto(address)
        page.screenshot(path=artifacts_dir / f"{name}-{language}-{width}.png", full_page=True)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert widths == {"home": width, "story": width}


def test_a_long_unbroken_section_name_does_not_widen_a_phone_page(demo_site, browser):
    section = Section.objects.create(name="Science" * 11, name_ko="과학" * 20, position=99)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for language in ("en", "ko"):
        page.goto(url(demo_site, "articles:section", language, slug=section.slug))
        assert page.evaluate("document.documentElement.scrollWidth") == 360, language
    context.close()


@pytest.mark.browser_context_args(viewport={"width": 1280, "height": 800})
def test_wide_screen_sets_stories_in_columns_and_centres_the_story(demo_site, page):
    page.goto(url(demo_site, "articles:home"))
    cards = page.locator(".story-card").all()
    # The card beside the lead is drawn 1rem further left (its rule, layout.css): the others show the columns.
    lefts = {round(card.bounding_box()["x"]) for number, card in enumerate(cards) if number != 1}
    assert len(lefts) == 3

    page.goto(url(demo_site, "articles:story", slug=LIBRARY_SLUG))
    story = page.locator("article.story").bounding_box()
    margin_left, margin_right = story["x"], 1280 - story["x"] - story["width"]
    assert margin_left > 200
    assert abs(margin_left - margin_right) <= 20
    # Everything under the story lines up with it: related stories, then the comments.
    for part in (".related-stories", "#comments"):
        assert round(page.locator(part).bounding_box()["x"]) == round(margin_left), part


@pytest.mark.browser_context_args(viewport={"width": 360, "height": 740})
def test_korean_body_keeps_words_whole_on_a_phone(demo_site, page):
    page.goto(url(demo_site, "articles:story", "ko", slug=LIBRARY_SLUG))
    body = page.locator(".story-body-ko")
    assert body.evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"
    assert body.locator("p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)") >= 16


def test_printed_story_has_no_navigation_or_forms_and_shows_where_the_source_is(demo_site, page):
    page.emulate_media(media="print")
    page.goto(url(demo_site, "articles:story", slug=LIBRARY_SLUG))
    hidden = [".site-header", ".language-switcher", "#respond", ".comment-actions", ".site-footer", ".skip-link"]
    assert {selector: page.locator(selector).first.is_visible() for selector in hidden} == dict.fromkeys(hidden, False)
    assert page.locator(".story-body").first.is_visible()
    assert page.locator(".comment-list").is_visible()
    source = page.locator(".story-source a")
    assert source.evaluate("a => getComputedStyle(a, '::after').content") == '" (https://hanriverherald.example/)"'


def test_first_load_of_a_story_has_no_console_error_and_the_site_icon_answers(demo_site, browser):
    page = browser.new_context().new_page()
    errors, failed = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(url(demo_site, "articles:story", slug=LIBRARY_SLUG))
    page.wait_for_load_state("networkidle")
    icon = page.evaluate("fetch(document.querySelector('link[rel=icon]').href).then(r => r.status)")
    assert (errors, failed, icon) == ([], [], 200)
    response = page.goto(f"{demo_site.url}/favicon.ico")
    assert (response.status, response.headers["content-type"]) == (200, "image/png")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ko", 360)])
def test_the_search_button_keeps_its_word_on_one_line(demo_site, browser, language, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url(demo_site, "articles:home", language))
    button = page.locator("header button[type=submit]")
    lines = button.evaluate("e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)")
    context.close()
    assert lines < 2, "the label broke inside its word"
