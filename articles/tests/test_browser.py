"""A reader's journey in a real browser (Debian's Chromium driven by Playwright)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
LIBRARY_HEADLINE = "Mapo District Library Extends Opening Hours for Exam Season"
LIBRARY_PATH = "/en/stories/mapo-district-library-extends-opening-hours-for-exam-season/"


@pytest.fixture
def demo_site(live_server):
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    return live_server


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], len(v["nodes"])) for v in results.response["violations"]]


def test_reader_follows_a_story_and_one_of_its_hashtags(demo_site, page, artifacts_dir):
    page.goto(demo_site.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Latest stories"
    page.screenshot(path=artifacts_dir / "home-1280.png", full_page=True)

    page.get_by_role("link", name=LIBRARY_HEADLINE).click()
    page.wait_for_url("**/stories/mapo-district-library-extends-opening-hours-for-exam-season/")
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
    page.screenshot(path=artifacts_dir / "story-1280.png", full_page=True)

    page.get_by_role("link", name="#서울").click()
    page.wait_for_url("**/tags/%EC%84%9C%EC%9A%B8/")
    assert page.get_by_role("heading", level=1).inner_text() == "#서울"
    listed = page.locator(".story-card h2").all_inner_texts()
    assert LIBRARY_HEADLINE in listed
    assert len(listed) == 3
    page.screenshot(path=artifacts_dir / "hashtag-1280.png", full_page=True)


def test_pages_have_no_accessibility_violations(demo_site, page):
    for path in ["/", LIBRARY_PATH, "/en/tags/seoul/"]:
        page.goto(demo_site.url + path)
        assert axe_violations(page) == [], path


PHONE = pytest.mark.browser_context_args(viewport={"width": 360, "height": 740})


@PHONE
@pytest.mark.parametrize(
    ("path", "screenshot"),
    [("/", "home-360.png"), (LIBRARY_PATH, "story-360.png"), ("/en/tags/seoul/", "hashtag-360.png")],
    ids=["home", "story", "hashtag"],
)
def test_page_fits_a_360_pixel_phone_without_sideways_scrolling(demo_site, page, artifacts_dir, path, screenshot):
    page.goto(demo_site.url + path)
    page.screenshot(path=artifacts_dir / screenshot, full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@PHONE
def test_korean_body_keeps_words_whole_on_a_phone(demo_site, page):
    page.goto(demo_site.url + LIBRARY_PATH)
    assert page.locator(".story-body-ko").evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"


def test_skip_link_is_the_first_stop_for_keyboard_users(demo_site, page):
    page.goto(demo_site.url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
