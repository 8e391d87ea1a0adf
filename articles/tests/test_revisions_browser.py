"""An editor edits a story twice in admin and restores the first edit, in a real browser; readers see it.

The autosave of an open change form keeps what a closed tab held, without publishing it.

Screenshots: artifacts/revision-compare.png, revision-restored-story.png.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import revisions
from articles.models import Story
from conftest import axe_violations
from newsroom.tests.migration_data import restore_migration_data

from .admin_browser import log_in, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
LIBRARY_SLUG = "mapo-district-library-extends-opening-hours-for-exam-season"


@pytest.fixture
def editor_site(live_server, django_user_model):
    """The demo stories and an editor in the Editors group, as the data migrations make it."""
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    restore_migration_data()
    make_staff(django_user_model, "editor", "Editors")
    return live_server


def violations_in_content(page):
    """axe's findings on the page's own content (Django admin's sidebar and header are not ours)."""
    inside = "selector => !!document.querySelector(selector)?.closest('#content')"
    return [
        (rule, kept)
        for rule, targets in axe_violations(page)
        if (kept := [target for target in targets if page.evaluate(inside, target[0])])
    ]


def edit_intro(page, site, story, intro):
    page.goto(site.url + reverse("admin:articles_story_change", args=[story.pk]))
    page.fill("#id_intro", intro)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(site.url + reverse("admin:articles_story_changelist"))


def test_editor_edits_twice_restores_the_first_edit_and_readers_see_it(editor_site, browser, artifacts_dir):
    story = Story.objects.get(slug=LIBRARY_SLUG)
    reader = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    reader.goto(editor_site.url + story.get_absolute_url())  # the page is now in the cache

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, editor_site)
    edit_intro(page, editor_site, story, "The first edit of the intro.")
    edit_intro(page, editor_site, story, "The second edit, <b>not</b> wanted.")
    reader.goto(editor_site.url + story.get_absolute_url())
    assert "The second edit" in reader.locator(".story-intro").first.inner_text()

    page.goto(editor_site.url + reverse("admin:articles_story_history", args=[story.pk]))
    rows = page.locator("#change-history tbody tr")
    assert rows.count() == 3  # the import, then the two edits, newest first
    first_edit = rows.nth(1)
    first_edit.get_by_role("link", name="with the current text").click()
    assert page.locator(".diff-table del").first.inner_text() == "first"
    assert "<b>not</b>" in page.locator("#content-main").inner_text()
    page.screenshot(path=artifacts_dir / "revision-compare.png", full_page=True)
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        found[f"compare ({scheme})"] = violations_in_content(page)
    page.goto(editor_site.url + reverse("admin:articles_story_history", args=[story.pk]))
    found["history"] = violations_in_content(page)
    assert {name: violations for name, violations in found.items() if violations} == {}
    page.goto(editor_site.url + reverse("admin:articles_story_history", args=[story.pk]))
    page.locator("#change-history tbody tr").nth(1).get_by_role("link", name="with the current text").click()

    page.get_by_role("link", name="Restore the earlier version").click()
    assert page.locator("#id_intro").input_value() == "The first edit of the intro."
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(editor_site.url + reverse("admin:articles_story_changelist"))

    page.goto(editor_site.url + reverse("admin:articles_story_history", args=[story.pk]))
    assert page.locator("#change-history tbody tr").count() == 4
    assert "Restored the version of" in page.locator("#change-history tbody tr").first.inner_text()

    reader.goto(editor_site.url + story.get_absolute_url())
    assert "The first edit of the intro." in reader.content()
    assert "The second edit" not in reader.content()
    reader.screenshot(path=artifacts_dir / "revision-restored-story.png", full_page=True)


def test_a_closed_tab_loses_nothing_the_autosave_kept_it_and_readers_never_saw_it(
    editor_site, browser, monkeypatch, django_user_model
):
    monkeypatch.setattr(revisions, "AUTOSAVE_SECONDS", 1)
    story = Story.objects.get(slug=LIBRARY_SLUG)
    live_intro = story.intro
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, editor_site)
    page.goto(editor_site.url + reverse("admin:articles_story_change", args=[story.pk]))
    page.fill("#id_intro", "Half-typed intro of a tab about to close.")
    page.locator(".story-autosave-status").filter(has_text="Autosaved at").wait_for()
    page.close()

    story.refresh_from_db()
    assert story.intro == live_intro
    [draft] = revisions.autosaves_of(story.pk, django_user_model.objects.get(username="editor"))
    assert draft.field_dict["intro"] == "Half-typed intro of a tab about to close."
    reader = browser.new_page()
    reader.goto(editor_site.url + story.get_absolute_url())
    assert "Half-typed" not in reader.content()
