"""A moderator works the queue from the keyboard, blocks a commenter, and a refused reader learns why and
how to appeal: in a real browser, with axe on each new page and state (light and dark).

Screenshots: artifacts/moderation-queue.png, commenter-page.png, comment-refused.png.
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.tests.factories import make_outlet, make_story
from comments.models import Comment, Commenter, ModerationListEntry
from conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-pass-phrase-9"
LIGHT_BACKGROUND = "rgb(255, 255, 255)"
DARK_BACKGROUND = "rgb(33, 37, 41)"
ADMIN_BACKGROUNDS = {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 18, 18)"}


@pytest.fixture(autouse=True)
def instant_posting(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.fixture
def story(staff_groups):
    story = make_story(
        outlet=make_outlet(name="Han River Herald", time_zone="Asia/Seoul"),
        headline="Night ferries return to the river",
        slug="night-ferries-return",
    )
    parent = Comment.objects.create(
        story=story,
        author_name="Lee Da-eun",
        author_email="lee@example.org",
        text="Finally! I missed the late boat home.",
        status=Comment.Status.APPROVED,
        created_at=story.published_at,
    )
    for number, text in enumerate(["First in the queue.", "Second in the queue."]):
        Comment.objects.create(
            story=story,
            parent=parent,
            author_name=f"Writer {number}",
            author_email=f"writer{number}@example.org",
            text=text,
            status=Comment.Status.PENDING,
            rule="first_comment",
            reason="First comment with this e-mail address.",
            created_at=story.published_at,
        )
    return story


@pytest.fixture
def moderator_page(live_server, browser, django_user_model, story):
    user = django_user_model.objects.create_user("mod", "mod@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def violations_in_content(page):
    """axe's findings inside the admin's #content (Django's own header and sidebar are not ours)."""
    inside = "selector => !!document.querySelector(selector)?.closest('#content')"
    return [
        (rule, kept)
        for rule, targets in axe_violations(page)
        if (kept := [target for target in targets if page.evaluate(inside, target[0])])
    ]


def in_both_schemes(page, name, found, check=violations_in_content, backgrounds=ADMIN_BACKGROUNDS):
    """axe in light, then dark colours, once the body has its colour and the admin's 0.15 s colour
    transitions of links have ended (axe would see a link half-way)."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{backgrounds[scheme]}'")
        page.wait_for_timeout(300)
        found[f"{name} ({scheme})"] = check(page)


def test_moderator_approves_and_spams_from_the_keyboard(live_server, moderator_page, artifacts_dir):
    page = moderator_page
    page.goto(f"{live_server.url}/admin/comments/comment/?status__exact=pending")
    row = page.locator("#result_list tbody tr", has_text="First in the queue.")
    expect(row.locator(".field-in_reply_to")).to_have_text("Lee Da-eun: Finally! I missed the late boat home.")
    expect(row.locator(".field-commenter_record")).to_have_text("1 pending")
    page.screenshot(path=artifacts_dir / "moderation-queue.png", full_page=True)
    found = {}
    in_both_schemes(page, "queue", found)

    first, second = (page.locator("#result_list tbody tr .field-excerpt").nth(n).inner_text() for n in (0, 1))
    focused_row = "document.activeElement.closest('tr').querySelector('.field-excerpt').innerText"
    page.keyboard.press("j")
    assert page.evaluate(focused_row) == first
    page.keyboard.press("j")
    assert page.evaluate(focused_row) == second
    page.keyboard.press("k")
    with page.expect_navigation():
        page.keyboard.press("a")
    expect(page.locator("ul.messagelist")).to_contain_text("The comment was approved.")
    assert page.url.endswith("/admin/comments/comment/?status__exact=pending")
    assert Comment.objects.get(text=first).status == "approved"

    writer = Comment.objects.get(text=second).author_name
    page.get_by_role("button", name=f"Mark the comment by {writer} as spam").click()
    expect(page.locator("ul.messagelist")).to_contain_text("The comment was marked as spam.")
    assert Comment.objects.get(text=second).status == "spam"
    assert {name: violations for name, violations in found.items() if violations} == {}


def test_moderator_blocks_a_commenter_and_the_reader_is_told_why_and_how_to_appeal(
    live_server, moderator_page, browser, artifacts_dir, story
):
    page = moderator_page
    found = {}
    page.goto(f"{live_server.url}/admin/comments/commenter/")
    in_both_schemes(page, "commenters", found)
    page.locator("#result_list").get_by_role("link", name="writer0@example.org", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/comments/commenter/\d+/change/$"))
    in_both_schemes(page, "commenter", found)
    page.get_by_label("Blocked: new comments are spam").check()
    page.get_by_label("Reason:", exact=True).fill("Spam links in every thread.")
    page.get_by_label("Reason told to the commenter:").fill("Your comments are refused for now.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    page.locator("#result_list").get_by_role("link", name="writer0@example.org", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/comments/commenter/\d+/change/$"))
    page.screenshot(path=artifacts_dir / "commenter-page.png", full_page=True)
    assert Commenter.objects.get(email="writer0@example.org").standing_changes.get().actor.username == "mod"

    page.goto(f"{live_server.url}/admin/comments/moderationlistentry/add/")
    in_both_schemes(page, "list-entry", found)

    reader = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    reader.goto(f"{live_server.url}{story.get_absolute_url()}")
    reader.get_by_role("textbox", name=re.compile("^Comment")).fill("Buy my ferry tickets!")
    reader.get_by_role("textbox", name=re.compile("^Name")).fill("Writer 0")
    reader.get_by_role("textbox", name=re.compile("^Email")).fill("writer0+again@example.org")
    reader.get_by_role("button", name="Post Comment").click()
    summary = reader.locator("#comment-errors")
    expect(summary).to_contain_text("Your comments are refused for now.")
    assert reader.evaluate("document.activeElement.id") == "comment-errors"
    assert reader.get_by_role("textbox", name=re.compile("^Comment")).input_value() == "Buy my ferry tickets!"
    reader.screenshot(path=artifacts_dir / "comment-refused.png", full_page=True)
    in_both_schemes(
        reader, "story-refused", found, axe_violations, {"light": LIGHT_BACKGROUND, "dark": DARK_BACKGROUND}
    )
    summary.get_by_role("link", name="How to appeal this decision").click()
    expect(reader.locator("#appeals")).to_be_in_viewport()
    assert ModerationListEntry.objects.count() == 0
    assert {name: violations for name, violations in found.items() if violations} == {}
