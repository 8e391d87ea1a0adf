"""An editor writes a subheading and a link in the body editor, in a real browser; readers see them.

The editor runs under the site's Content-Security-Policy without a violation, and autosave keeps
what was typed in it. Screenshots: artifacts/story-body-editor.png, story-body-en.png,
story-body-en-dark.png.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import revisions
from articles.models import Story
from newsroom.tests.migration_data import restore_migration_data

from .admin_browser import log_in, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
LIBRARY_SLUG = "mapo-district-library-extends-opening-hours-for-exam-season"
SUBHEADING = "Late opening at a glance"
LINK_TEXT = "the library app"
LINK = "https://library.example/app"


@pytest.fixture
def editor_site(live_server, django_user_model):
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    restore_migration_data()
    make_staff(django_user_model, "editor", "Editors")
    return live_server


def write_body(page):
    """Replace the English body with a subheading and a paragraph holding a link, with the editor's menu."""
    body = page.get_by_role("textbox", name="Body", exact=True)
    menu = page.locator(".field-body .prose-menubar")
    body.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(SUBHEADING)
    menu.locator(".prose-menubar__selected").click()
    menu.locator("[data-name=heading2]").click()
    body.press("End")
    body.press("Enter")
    page.keyboard.type(f"Book a seat in {LINK_TEXT}")
    for _ in LINK_TEXT:
        page.keyboard.press("Shift+ArrowLeft")
    menu.locator("[data-name=link]").click()
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=href]").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    body.press("End")
    page.keyboard.type(" after eight.")


def test_editor_writes_a_subheading_and_a_link_that_autosave_keeps_and_readers_see(
    editor_site, browser, monkeypatch, django_user_model, artifacts_dir
):
    monkeypatch.setattr(revisions, "AUTOSAVE_SECONDS", 1)
    story = Story.objects.get(slug=LIBRARY_SLUG)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    problems = []  # Content-Security-Policy violations and script errors, as the console reports them

    def console(message):
        # A request refused by the test database (SQLite in memory, shared between the live server's
        # threads: an autosave meeting the form's save is "table is locked") is no problem of the page.
        if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, editor_site)
    page.goto(editor_site.url + reverse("admin:articles_story_change", args=[story.pk]))

    sent = []  # the body of each autosave request, as the browser posts it
    page.on(
        "request",
        lambda request: (
            request.url.endswith("/autosave/")
            and sent.append(request.post_data_buffer.decode() if request.post_data_buffer else "")
        ),
    )
    write_body(page)
    korean = page.get_by_role("textbox", name="Korean body", exact=True)
    assert korean.get_attribute("lang") == "ko"
    korean.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("열람실은 자정까지 연다.")
    # Autosave posts what the editor wrote into the hidden textarea, every second here.
    for _ in range(50):
        if any(f'href="{LINK}"' in posted and "열람실은 자정까지 연다." in posted for posted in sent):
            break
        page.wait_for_timeout(200)
    else:
        pytest.fail(f"no autosave carried the text typed in the editor: {sent[-1:]}")
    page.locator(".field-body").scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "story-body-editor.png")

    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert problems == []
    page.close()  # no more autosaves: the test reads the database from here on

    expected = (
        f'<h2>{SUBHEADING}</h2><p>Book a seat in <a href="{LINK}" rel="noopener noreferrer">{LINK_TEXT}</a>'
        " after eight.</p>"
    )
    story.refresh_from_db()
    assert (story.body, story.body_ko) == (expected, "<p>열람실은 자정까지 연다.</p>")
    [draft] = revisions.autosaves_of(story.pk, django_user_model.objects.get(username="editor"))
    assert LINK_TEXT in draft.field_dict["body"] and SUBHEADING in draft.field_dict["body"]

    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(editor_site.url + story.get_absolute_url())
    body = reader.locator("article .story-body").first
    assert body.locator("h2").inner_text() == SUBHEADING
    link = body.get_by_role("link", name=LINK_TEXT)
    assert (link.get_attribute("href"), link.get_attribute("rel")) == (LINK, "noopener noreferrer")
    reader.screenshot(path=artifacts_dir / "story-body-en.png", full_page=True)
    reader.emulate_media(color_scheme="dark")
    reader.screenshot(path=artifacts_dir / "story-body-en-dark.png", full_page=True)
    with_korean = browser.new_page()
    with_korean.goto(editor_site.url + story.get_absolute_url().replace("/en/", "/ko/", 1))
    assert with_korean.locator('.story-body[lang="ko"] p').first.inner_text() == "열람실은 자정까지 연다."
