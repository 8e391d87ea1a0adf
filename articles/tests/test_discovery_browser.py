"""The discovery pages in a real browser: reached by links, and clean for axe in both languages."""

from io import StringIO

import pytest
from django.core.management import call_command

from conftest import axe_violations

from .test_browser import DEMO_STORIES, LIBRARY_SLUG

LIBRARY_PATH = f"/en/stories/{LIBRARY_SLUG}/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    return live_server


def test_reader_goes_from_a_story_to_its_reporter_outlet_and_the_hashtag_index(demo_site, page, artifacts_dir):
    for language in ("en", "ko"):
        page.goto(demo_site.url + LIBRARY_PATH.replace("/en/", f"/{language}/"))
        assert page.locator(".related-stories li").count() >= 1
        assert axe_violations(page) == [], f"{language} story"
        signoff = page.locator(".story-signoff a")
        reporter, outlet = signoff.nth(0).inner_text(), signoff.nth(1).inner_text()

        signoff.nth(0).click()
        page.wait_for_url(f"**/{language}/reporters/**")
        assert reporter in page.get_by_role("heading", level=1).inner_text()
        assert axe_violations(page) == [], f"{language} reporter"
        page.go_back()

        page.locator(".story-signoff a").nth(1).click()
        page.wait_for_url(f"**/{language}/outlets/**")
        assert page.get_by_role("heading", level=1).inner_text() == outlet
        assert axe_violations(page) == [], f"{language} outlet"

        page.locator(f'header a[href="/{language}/tags/"]').click()
        page.wait_for_url(f"**/{language}/tags/")
        assert page.locator(".hashtag-index li").count() > 1
        assert axe_violations(page) == [], f"{language} hashtags"
        page.screenshot(path=artifacts_dir / f"hashtags-{language}-1280.png", full_page=True)
