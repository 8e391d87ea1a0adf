"""Commenting from a story page that every reader shares (the page cache, a proxy): in Chromium,
with the form's script fetching its values, and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from articles.tests.factories import make_outlet, make_story
from comments.models import Comment
from conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def shared_pages(settings, live_server):
    """Pages are cached for the live server's origin; the browser posts faster than a person."""
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_HOLD_FIRST_COMMENTS = False


@pytest.fixture
def story():
    return make_story(
        outlet=make_outlet(name="Han River Herald", time_zone="Asia/Seoul"),
        headline="Night ferries return to the river",
        slug="night-ferries-return",
    )


def story_url(live_server, story):
    return f"{live_server.url}{story.get_absolute_url()}"


def field(page, label):
    return page.get_by_role("textbox", name=re.compile(f"^{label}"))


def fill_comment(page, text):
    field(page, "Comment").fill(text)
    field(page, "Name").fill("Park Min")
    field(page, "Email").fill("park@example.org")


def test_a_comment_posted_from_the_shared_page_shows_to_its_writer_and_then_to_everyone(
    live_server, story, browser, artifacts_dir
):
    first = browser.new_context().new_page().goto(story_url(live_server, story))
    assert first.headers["cache-control"].startswith("public, ")

    context = browser.new_context()
    page = context.new_page()
    shared = page.goto(story_url(live_server, story))
    assert shared.headers["etag"] == first.headers["etag"]  # the same bytes: the cached page
    csrf = page.locator("#comment-form input[name=csrfmiddlewaretoken]")
    assert csrf.input_value() == ""
    assert not context.cookies()

    field(page, "Comment").focus()
    expect(csrf).not_to_have_value("")
    expect(page.locator("#comment-form input[name=token]")).not_to_have_value("")
    assert "csrftoken" in {cookie["name"] for cookie in context.cookies()}

    fill_comment(page, "The last boat leaves at two, a friend says.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".comment-list")).to_contain_text("The last boat leaves at two, a friend says.")
    assert Comment.objects.get().status == Comment.Status.APPROVED
    page.screenshot(path=artifacts_dir / "comment-from-shared-page.png", full_page=True)

    stranger = browser.new_context().new_page()
    answer = stranger.goto(story_url(live_server, story))
    assert answer.headers["cache-control"].startswith("public, ")
    assert answer.headers["etag"] != first.headers["etag"]
    expect(stranger.locator(".comment-list")).to_contain_text("The last boat leaves at two, a friend says.")


def test_the_form_sent_before_its_values_arrived_waits_for_them(live_server, story, browser):
    page = browser.new_context().new_page()
    page.goto(story_url(live_server, story))
    # Filled without a focus event (a password manager, a script): the values are fetched when it is sent.
    page.evaluate(
        """() => {
            const form = document.getElementById("comment-form");
            form.elements.text.value = "Filled in without a focus.";
            form.elements.author_name.value = "Park Min";
            form.elements.author_email.value = "park@example.org";
        }"""
    )
    page.locator("#comment-form button[type=submit]").dispatch_event("click")
    expect(page.locator(".comment-list")).to_contain_text("Filled in without a focus.")


def test_without_javascript_the_comment_comes_back_once_and_is_posted_on_the_second_click(
    live_server, story, browser, artifacts_dir
):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(story_url(live_server, story))
    fill_comment(page, "Sent with scripts turned off.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-errors")).to_contain_text("One more step")
    # The page sent back opens at the reasons (the form's action ends in #comment-errors), not at the
    # top of the story, and the reasons have the focus (js/comments.js, and the fragment's target).
    assert page.url.endswith("#comment-errors")
    expect(page.locator("#comment-errors")).to_be_in_viewport()
    assert field(page, "Comment").input_value() == "Sent with scripts turned off."
    assert field(page, "Name").input_value() == "Park Min"
    assert not Comment.objects.exists()
    page.screenshot(path=artifacts_dir / "comment-one-more-step.png")

    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".comment-list")).to_contain_text("Sent with scripts turned off.")
    assert Comment.objects.get().rule != "too_fast"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_when_the_values_cannot_be_fetched_the_form_comes_back_once_focused_and_accessible(
    live_server, story, browser, language
):
    page = browser.new_context().new_page()
    page.route("**/form-values/", lambda route: route.abort())
    page.goto(f"{live_server.url}/{language}{story.get_absolute_url()[3:]}")
    page.locator("#id_text").fill("Sent while the values could not be fetched.")
    page.locator("#id_author_name").fill("Park Min")
    page.locator("#id_author_email").fill("park@example.org")
    page.locator("#comment-form button[type=submit]").click()
    expect(page.locator("#comment-errors")).to_be_focused()
    assert page.locator("#id_text").input_value() == "Sent while the values could not be fetched."
    assert axe_violations(page) == []
    page.locator("#comment-form button[type=submit]").click()
    expect(page.locator(".comment-list")).to_contain_text("Sent while the values could not be fetched.")
