"""Editing and withdrawing one's comment in a real browser (Debian's Chromium driven by Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from articles.tests.factories import make_outlet, make_story
from comments.models import Comment
from conftest import axe_violations

# The browser fills the forms faster than the 3-second rule allows a person (conftest.no_posting_limits).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_posting_limits"),
]

FIRST = "The evening ferry should stop at Yeouido too."
EDITED = "The evening ferry should stop at Yeouido and Jamsil too."


@pytest.fixture
def story():
    story = make_story(
        outlet=make_outlet(name="Han River Herald", time_zone="Asia/Seoul"),
        headline="Night ferries return to the river",
        headline_ko="한강 야간 페리 운항 재개",
        slug="night-ferries-return",
    )
    # Park Min has an approved comment already: the next one is approved at once.
    Comment.objects.create(
        story=story,
        author_name="Park Min",
        author_email="park@example.org",
        text="Finally! I missed the late boat home.",
        status=Comment.Status.APPROVED,
        created_at=story.published_at,
    )
    return story


def post(page, text):
    page.get_by_role("textbox", name=re.compile("^Comment")).fill(text)
    page.get_by_role("textbox", name=re.compile("^Name")).fill("Park Min")
    page.get_by_role("textbox", name=re.compile("^Email")).fill("park@example.org")
    page.get_by_role("button", name="Post Comment").click()
    if page.locator("#comment-errors", has_text="One more step").count():
        # Without JavaScript the shared page's form has no CSRF token: it comes back once, text kept.
        page.get_by_role("button", name="Post Comment").click()


def own_comment(page, text):
    return page.locator(".comment", has_text=text).last


def test_the_author_edits_the_comment_then_withdraws_it_without_javascript(live_server, story, browser, artifacts_dir):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    post(page, FIRST)
    mine = own_comment(page, FIRST)
    expect(mine.locator(".comment-own-actions")).to_contain_text("You can edit this for 15 more minutes:")
    page.screenshot(path=artifacts_dir / "comment-editable.png", full_page=True)

    mine.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit your comment")).to_be_visible()
    text = page.get_by_role("textbox", name=re.compile("^Comment"))
    assert text.input_value() == FIRST
    text.fill(EDITED)
    page.screenshot(path=artifacts_dir / "comment-edit-form.png", full_page=True)
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator(".site-messages")).to_contain_text("Your comment was updated.")
    edited = own_comment(page, EDITED)
    expect(edited.locator(".comment-edited")).to_contain_text("edited")
    assert edited.locator(".comment-edited time").get_attribute("datetime")
    assert FIRST not in page.locator(".comment-list").inner_text()
    page.screenshot(path=artifacts_dir / "comment-edited.png", full_page=True)

    stranger = browser.new_context().new_page()
    stranger.goto(f"{live_server.url}{story.get_absolute_url()}")
    expect(stranger.locator(".comment-list")).to_contain_text(EDITED)
    assert stranger.locator(".comment-own-actions").count() == 0

    edited.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", name="Withdraw your comment?")).to_be_visible()
    page.screenshot(path=artifacts_dir / "comment-withdraw.png", full_page=True)
    page.get_by_role("button", name="Withdraw comment").click()
    expect(page.locator(".site-messages")).to_contain_text("Your comment was withdrawn.")
    assert EDITED not in page.locator(".comment-list").inner_text()
    assert Comment.objects.get(text=EDITED).status == Comment.Status.REMOVED


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_edit_and_withdraw_pages_have_no_accessibility_violations(
    live_server, story, page, language, artifacts_dir
):
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    post(page, FIRST)
    comment = Comment.objects.get(text=FIRST)
    assert axe_violations(page) == []  # the story page with "Edit" and "Withdraw"
    page.goto(f"{live_server.url}/{language}/comments/{comment.pk}/edit/")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    page.locator("textarea[name=text]").fill("")
    page.locator("#edit-comment-form button[type=submit]").click()
    expect(page.locator("#comment-errors")).to_be_visible()
    assert axe_violations(page) == []  # with the error at the field
    page.goto(f"{live_server.url}/{language}/comments/{comment.pk}/withdraw/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/{language}/comments/{comment.pk}/edit/")
    page.locator("textarea[name=text]").fill("A correction sent too late.")
    Comment.objects.filter(pk=comment.pk).update(created_at=story.published_at)
    page.locator("#edit-comment-form button[type=submit]").click()
    expect(page.locator("#kept-text")).to_have_value("A correction sent too late.")
    page.screenshot(path=artifacts_dir / f"comment-edit-too-late-{language}.png", full_page=True)
    assert axe_violations(page) == []  # refused: the window is over, the text kept
