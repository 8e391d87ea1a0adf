"""An editor corrects a story in admin, in a real browser; readers see it in both languages.

Screenshots: artifacts/correction-admin.png, correction-story-en-360.png, correction-story-ko-1280.png.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Correction, Story
from newsroom.tests.migration_data import restore_migration_data

from .admin_browser import log_in, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
LIBRARY_SLUG = "mapo-district-library-extends-opening-hours-for-exam-season"


@pytest.fixture
def editor_site(live_server, django_user_model):
    """The demo stories and an editor in the Editors group, as the data migrations make it."""
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    # Transactional tests flush the groups the migrations made: make them again the same way.
    restore_migration_data()
    make_staff(django_user_model, "editor", "Editors")
    return live_server


def story_url(site, language):
    with translation.override(language):
        return site.url + reverse("articles:story", kwargs={"slug": LIBRARY_SLUG})


def test_editor_adds_a_correction_that_readers_see_at_once(editor_site, browser, artifacts_dir):
    story = Story.objects.get(slug=LIBRARY_SLUG)
    reader = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    reader.goto(story_url(editor_site, "en"))  # the page is now in the cache
    assert reader.locator(".story-corrections").count() == 0

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, editor_site)
    page.goto(editor_site.url + reverse("admin:articles_story_change", args=[story.pk]))
    page.get_by_role("button", name="Add another Correction").click()
    page.fill("#id_corrections-0-published_at_0", "2026-10-29")
    page.fill("#id_corrections-0-published_at_1", "00:40:00")
    page.fill("#id_corrections-0-text", "The later buses run on weekdays only.")
    page.fill("#id_corrections-0-text_ko", "연장 운행은 평일에만 적용됩니다.")
    page.locator("#id_corrections-0-text_ko").scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "correction-admin.png")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(editor_site.url + reverse("admin:articles_story_changelist"))
    assert Correction.objects.get(story=story).created_by.username == "editor"

    reader.goto(story_url(editor_site, "en"))
    correction = reader.locator(".story-correction")
    assert correction.locator("time").inner_text() == "2026-10-29, 09:40 (KST)"
    assert correction.locator(".correction-text").inner_text() == "The later buses run on weekdays only."
    reader.screenshot(path=artifacts_dir / "correction-story-en-360.png", full_page=True)
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    korean = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    korean.goto(story_url(editor_site, "ko"))
    assert korean.locator(".story-correction .correction-text").inner_text() == "연장 운행은 평일에만 적용됩니다."
    assert korean.locator("#story-corrections-title").is_visible()
    korean.screenshot(path=artifacts_dir / "correction-story-ko-1280.png", full_page=True)


def test_editor_is_told_a_draft_story_cannot_be_corrected(editor_site, browser):
    story = Story.objects.get(slug=LIBRARY_SLUG)
    Story.objects.filter(pk=story.pk).update(status=Story.Status.DRAFT)
    page = browser.new_context().new_page()
    log_in(page, editor_site)
    page.goto(editor_site.url + reverse("admin:articles_story_change", args=[story.pk]))
    page.get_by_role("button", name="Add another Correction").click()
    page.fill("#id_corrections-0-text", "Too early.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    error = page.locator(".inline-group .errorlist").first
    error.wait_for()
    assert "A correction can be added only to a published story" in error.inner_text()
    assert page.locator("#id_corrections-0-text").input_value() == "Too early."
    assert not Correction.objects.exists()
