"""Roles in a real browser: a reporter writes a draft and submits it but cannot publish, an editor
finds it in review on the admin index and publishes it, readers then see it; a moderator cannot open stories.

Screenshots: artifacts/roles-reporter-review.png, roles-editor-index.png.
"""

import pytest
from django.urls import reverse

from articles.models import Story

from .admin_browser import log_in, make_staff
from .factories import make_outlet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Night ferry to Yeosu returns for the summer"


@pytest.fixture
def site(live_server, django_user_model):
    """An outlet and one user in each staff group (the groups come from the data migrations)."""
    make_outlet(name="Harbour Times")
    for username, group in [("reporter", "Reporters"), ("editor", "Editors"), ("moderator", "Moderators")]:
        make_staff(django_user_model, username, group)
    return live_server


def logged_in_page(browser, site, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, site, username)
    return page


def test_reporter_submits_editor_publishes_reader_sees_moderator_cannot_open(site, browser, artifacts_dir):
    reporter = logged_in_page(browser, site, "reporter")
    reporter.goto(site.url + reverse("admin:articles_story_add"))
    reporter.fill("#id_headline", HEADLINE)
    reporter.get_by_role("textbox", name="Body", exact=True).fill("The overnight crossing runs again from June.")
    reporter.select_option("#id_outlet", label="Harbour Times")
    assert reporter.locator("#id_status option").evaluate_all("options => options.map(o => o.value)") == [
        "draft",
        "in_review",
    ]
    assert reporter.locator("#id_published_at_0").count() == 0
    reporter.click("input[name=_continue]")
    assert "was added successfully" in reporter.locator(".messagelist").inner_text()
    story = Story.objects.get(headline=HEADLINE)
    assert (story.status, story.created_by.username) == (Story.Status.DRAFT, "reporter")

    reporter.select_option("#id_status", "in_review")
    reporter.click("input[name=_continue]")
    # Once in review the story is the editors': the reporter reads it, without a form to change it.
    assert reporter.locator("#id_headline").count() == 0
    assert "Draft → In review, reporter" in reporter.locator(".status-history").inner_text()
    reporter.screenshot(path=artifacts_dir / "roles-reporter-review.png", full_page=True)
    assert reporter.locator("select[name=action] option[value=publish]").count() == 0

    reader = browser.new_context().new_page()
    story.refresh_from_db()
    assert reader.goto(site.url + story.get_absolute_url()).status == 404

    editor = logged_in_page(browser, site, "editor")
    waiting = editor.locator(".story-workflow-in-review")
    assert HEADLINE in waiting.inner_text()
    editor.screenshot(path=artifacts_dir / "roles-editor-index.png", full_page=True)
    waiting.get_by_role("link", name=HEADLINE).click()
    editor.select_option("#id_status", "published")
    editor.click("input[name=_continue]")
    assert "In review → Published, editor" in editor.locator(".status-history").inner_text()
    story.refresh_from_db()
    assert story.is_public

    assert reader.goto(site.url + story.get_absolute_url()).status == 200
    assert reader.locator("h1").inner_text() == HEADLINE

    moderator = logged_in_page(browser, site, "moderator")
    assert moderator.goto(site.url + reverse("admin:articles_story_changelist")).status == 403
    assert moderator.goto(site.url + reverse("admin:articles_story_change", args=[story.pk])).status == 403
