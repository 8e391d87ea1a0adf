"""A commenter's data in a real browser: ask for the link from the footer, open it from the mail,
download the comments, erase them, and find the conversation still whole."""

import json
import re
import time

import pytest
from django.core import mail as django_mail
from playwright.sync_api import expect

from articles.tests.factories import make_story
from comments.models import Comment, Commenter
from conftest import axe_violations

from .factories import make_comment
from .test_moderators_browser import PASSWORD, in_both_schemes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERASED = "This comment was removed at its author’s request."


@pytest.fixture(autouse=True)
def no_flood_window(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.fixture
def conversation():
    story = make_story(headline="Night ferries return to the river", slug="night-ferries-return")
    ann = make_comment(
        story, author_name="Ann Reader", author_email="ann@example.org", text="Will the late boat run in winter?"
    )
    bob = make_comment(story, parent=ann, author_name="Bob", author_email="bob@example.org", text="Only in summer.")
    return story, ann, bob


def mailed_link(seconds=10):
    """The link in the one message the site has sent, once the task has sent it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if django_mail.outbox:
            [message] = django_mail.outbox
            return message, re.search(r"http://\S+/comments/your-data/\S+/", message.body)[0]
        time.sleep(0.1)
    raise AssertionError("no message was sent")


def test_a_commenter_downloads_and_erases_their_comments_from_an_e_mailed_link(
    live_server, page, conversation, artifacts_dir
):
    story, ann, bob = conversation
    page.goto(live_server.url + story.get_absolute_url())
    page.locator("footer").get_by_role("link", name="Your comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your comments")
    page.get_by_role("textbox", name=re.compile("^Email")).fill("Ann+ferries@Example.org")
    page.get_by_role("button", name="E-mail me the link").click()
    expect(page.locator("#data-link-sent")).to_contain_text("Look in your mailbox.")
    page.screenshot(path=artifacts_dir / "your-data-sent.png", full_page=True)
    assert axe_violations(page) == []

    message, link = mailed_link()
    assert message.to == ["ann@example.org"]  # the spelling the comment was posted with
    # The link in the mail names the site's address (SITE_URL); the browser opens it on the test server.
    page.goto(live_server.url + "/" + link.split("/", 3)[3])
    expect(page.get_by_role("heading", level=1)).to_have_text("Your comments")
    expect(page.locator("#data-comment-count")).to_have_text("1")
    page.screenshot(path=artifacts_dir / "your-data-link.png", full_page=True)
    assert axe_violations(page) == []

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download my comments (JSON)").click()
    download = downloading.value
    assert re.fullmatch(r"newsroom-comments-\d{4}-\d\d-\d\d\.json", download.suggested_filename)
    exported = json.loads(download.path().read_text(encoding="utf-8"))
    assert [(c["text"], c["email"], c["name"]) for c in exported["comments"]] == [
        ("Will the late boat run in winter?", "ann@example.org", "Ann Reader")
    ]

    page.get_by_role("link", name="Erase my comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your comments?")
    page.get_by_role("button", name="Erase my comments").click()  # the box is not ticked
    expect(page.locator("#erase-errors")).to_contain_text("Tick the box to confirm")
    page.screenshot(path=artifacts_dir / "your-data-erase-errors.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("checkbox", name="I understand that my comments cannot be brought back.").check()
    page.get_by_role("button", name="Erase my comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your comments are erased")
    assert axe_violations(page) == []

    page.goto(live_server.url + story.get_absolute_url())
    erased = page.locator(f"#comment-{ann.pk}")
    expect(erased.locator(".comment-erased").first).to_have_text(ERASED)
    expect(erased.locator(f".comment-replies #comment-{bob.pk}")).to_contain_text("Only in summer.")
    expect(page.get_by_text("Ann Reader")).to_have_count(0)
    page.locator("#comments").screenshot(path=artifacts_dir / "your-data-erased-thread.png")
    assert axe_violations(page) == []

    page.goto(live_server.url + "/" + link.split("/", 3)[3])
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing is left for this link")


def test_a_moderator_erases_a_commenter_s_data_from_the_commenter_s_page(
    live_server, browser, conversation, django_user_model, staff_groups, artifacts_dir
):
    from django.contrib.auth.models import Group

    story, ann, bob = conversation
    user = django_user_model.objects.create_user("mod", "mod@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/comments/commenter/{Commenter.objects.get(email='ann@example.org').pk}/change/")
    page.get_by_role("link", name="Erase this commenter's data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase this commenter's data?")
    page.screenshot(path=artifacts_dir / "commenter-erase.png", full_page=True)
    found = {}
    in_both_schemes(page, "commenter-erase", found)
    assert {name: violations for name, violations in found.items() if violations} == {}
    page.get_by_role("button", name="Erase their data").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Erased the data of 1 commenter.")
    erased = Comment.objects.get(pk=ann.pk)
    assert (erased.author_email, erased.log.last().actor) == ("", user)
    assert Comment.objects.get(pk=bob.pk).author_name == "Bob"
