"""A reader searches the Korean site from the header and opens the story (Chromium via Playwright)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
LIBRARY_HEADLINE_KO = "마포구립도서관, 시험 기간 맞아 운영 시간 연장"


@pytest.fixture
def demo_site(live_server):
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    return live_server


def test_reader_searches_the_korean_site_for_a_korean_word_and_opens_the_story(demo_site, page, artifacts_dir):
    page.goto(demo_site.url + "/ko/")
    # 열람실 appears in the library story's Korean body only with particles: 열람실과, 열람실은.
    search_box = page.get_by_role("search").get_by_role("searchbox")
    search_box.fill("열람실")
    search_box.press("Enter")
    page.wait_for_url("**/ko/search/?q=*")

    results = page.locator(".search-hit")
    assert results.count() == 1
    assert results.locator("mark").first.inner_text().startswith("열람실")
    assert axe_violations(page) == []
    page.screenshot(path=artifacts_dir / "search-ko-1280.png", full_page=True)

    page.get_by_role("link", name=LIBRARY_HEADLINE_KO).click()
    page.wait_for_url("**/ko/stories/mapo-district-library-extends-opening-hours-for-exam-season/")
    assert LIBRARY_HEADLINE_KO in page.get_by_role("heading", level=1).inner_text()


@pytest.mark.browser_context_args(viewport={"width": 360, "height": 740})
def test_search_results_fit_a_360_pixel_phone(demo_site, page, artifacts_dir):
    page.goto(demo_site.url + "/en/search/?q=Seoul")
    assert page.locator(".search-hit").count() >= 1
    page.screenshot(path=artifacts_dir / "search-en-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
