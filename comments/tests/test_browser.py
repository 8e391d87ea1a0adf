"""Comment journeys in a real browser (Debian's Chromium driven by Playwright)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.tests.factories import make_outlet, make_story
from comments.models import Comment
from conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def instant_posting(settings):
    """The browser fills the form faster than the 3-second rule allows a person."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.fixture
def story():
    story = make_story(
        outlet=make_outlet(name="Han River Herald", time_zone="Asia/Seoul"),
        headline="Night ferries return to the river",
        headline_ko="한강 야간 페리 운항 재개",
        slug="night-ferries-return",
    )
    Comment.objects.create(
        story=story,
        author_name="Lee Da-eun",
        author_email="lee@example.org",
        text="Finally! I missed the late boat home.",
        status=Comment.Status.APPROVED,
        created_at=story.published_at,
    )
    return story


def story_page(live_server, story):
    return f"{live_server.url}{story.get_absolute_url()}"


def field(page, label):
    """The form field a person finds by its label (the checkbox's label also says "name")."""
    return page.get_by_role("textbox", name=re.compile(f"^{label}"))


def fill_comment(page, text, name="Park Min", email="park@example.org"):
    field(page, "Comment").fill(text)
    field(page, "Name").fill(name)
    field(page, "Email").fill(email)


def test_held_comment_is_approved_by_a_moderator_and_then_public(
    live_server, story, browser, django_user_model, artifacts_dir, staff_groups
):
    visitor = browser.new_context()
    page = visitor.new_page()
    page.goto(story_page(live_server, story))
    fill_comment(page, "Will the ferries run in winter too?")
    page.get_by_role("button", name="Post Comment").click()
    held = page.locator(".comment-held")
    assert "Your comment is awaiting moderation." in held.inner_text()
    assert "Will the ferries run in winter too?" in held.inner_text()
    page.screenshot(path=artifacts_dir / "comment-awaiting.png", full_page=True)

    stranger = browser.new_context().new_page()
    stranger.goto(story_page(live_server, story))
    assert "Will the ferries run in winter too?" not in stranger.content()

    moderator = django_user_model.objects.create_user("mod", "mod@example.org", "a-Long-pass-phrase-9", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    admin = browser.new_context().new_page()
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("Username").fill("mod")
    admin.get_by_label("Password").fill("a-Long-pass-phrase-9")
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name=re.compile("1 comment is waiting for moderation")).click()
    row = admin.locator("#result_list tbody tr", has_text="Will the ferries run in winter")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("1 comment approved.")

    page.reload()
    assert page.locator(".comment-held").count() == 0
    assert page.locator("#comments-title").inner_text() == "2 thoughts on “Night ferries return to the river”"
    assert "Will the ferries run in winter too?" in page.locator(".comment-list").inner_text()
    page.screenshot(path=artifacts_dir / "comment-approved.png", full_page=True)


def test_reply_without_javascript(live_server, story, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(story_page(live_server, story))
    page.get_by_role("link", name="Reply to Lee Da-eun").click()
    # expect() waits for the new page: is_visible() would look at whatever has loaded so far.
    expect(page.locator("#replying-to")).to_be_visible()
    assert "replytocom=" in page.url
    assert "Replying to Lee Da-eun" in page.locator("#replying-to").inner_text()
    fill_comment(page, "They start at nine, I checked.", email="lee@example.org", name="Lee Da-eun")
    page.get_by_role("button", name="Post Comment").click()
    # The shared page's form has no CSRF token without its script: it comes back once, text and reply kept.
    expect(page.locator("#comment-errors")).to_contain_text("One more step")
    assert field(page, "Comment").input_value() == "They start at nine, I checked."
    assert "Replying to Lee Da-eun" in page.locator("#replying-to").inner_text()
    page.get_by_role("button", name="Post Comment").click()
    reply = page.locator(".comment-replies .comment")
    assert "They start at nine, I checked." in reply.inner_text()
    assert Comment.objects.get(text="They start at nine, I checked.").parent.author_name == "Lee Da-eun"


def test_reply_with_javascript_moves_the_form_under_the_comment(live_server, story, page, artifacts_dir):
    page.goto(story_page(live_server, story))
    first_id = Comment.objects.get(author_name="Lee Da-eun").pk
    page.get_by_role("link", name="Reply to Lee Da-eun").click()
    assert "replytocom" not in page.url
    assert page.locator(f"#comment-{first_id} #respond").count() == 1
    assert page.evaluate("document.activeElement.id") == "id_text"
    page.screenshot(path=artifacts_dir / "comment-reply-js.png", full_page=True)
    fill_comment(page, "Same here, every Friday.", email="lee@example.org", name="Lee Da-eun")
    page.get_by_role("button", name="Post Comment").click()
    assert "Same here, every Friday." in page.locator(f"#comment-{first_id} .comment-replies").inner_text()

    page.get_by_role("link", name="Reply to Lee Da-eun").first.click()
    page.locator("#cancel-reply").click()
    assert page.locator(f"#comment-{first_id} #respond").count() == 0
    assert page.locator("input[name=parent]").input_value() == ""


def test_rejected_form_keeps_the_text_and_says_why(live_server, story, page, artifacts_dir):
    page.goto(story_page(live_server, story))
    fill_comment(page, "A long thought I do not want to type again.", email="not-an-address")
    page.get_by_role("button", name="Post Comment").click()
    assert field(page, "Comment").input_value() == "A long thought I do not want to type again."
    summary = page.locator("#comment-errors")
    assert "Enter a valid email address." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "comment-errors"
    email = field(page, "Email")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby").split()
    assert "Enter a valid email address." in page.locator(f"#{described[0]}").inner_text()
    page.screenshot(path=artifacts_dir / "comment-rejected.png", full_page=True)
    assert axe_violations(page) == []


def test_story_with_comments_and_form_has_no_accessibility_violations(live_server, story, page):
    page.goto(story_page(live_server, story))
    assert axe_violations(page) == []


def test_after_a_csrf_failure_the_reader_lands_at_the_kept_comment_in_its_form(live_server, story, browser):
    first = browser.new_context(viewport={"width": 1280, "height": 800})
    page = first.new_page()
    page.goto(story_page(live_server, story))
    field(page, "Comment").focus()
    expect(page.locator("#comment-form input[name=csrfmiddlewaretoken]")).not_to_have_value("")
    # The values its script filled in, written into the markup that the other browser is given.
    page.evaluate(
        "document.querySelectorAll('#comment-form input[type=hidden]').forEach(i => i.setAttribute('value', i.value))"
    )
    # A second browser context sends the form: it has none of the first one's cookies.
    second = browser.new_context(viewport={"width": 1280, "height": 800})
    other = second.new_page()
    other.goto(story_page(live_server, story))
    other.set_content(page.content().replace("<head>", f'<head><base href="{live_server.url}/">', 1))
    fill_comment(other, "Sent from my other browser.")
    with other.expect_navigation() as sent:
        other.get_by_role("button", name="Post Comment").click()
    assert sent.value.status == 403
    focused = other.evaluate("document.activeElement.closest('#respond') && document.activeElement.id")
    assert focused == "comment-errors"
    expect(other.locator("#comment-errors")).to_contain_text("Your comment is kept below: send it again.")
    expect(other.locator("#comment-errors")).to_be_in_viewport()
    assert field(other, "Comment").input_value() == "Sent from my other browser."
