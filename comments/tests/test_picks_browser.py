"""Editor's picks and the order of comments in a real browser: an editor picks a comment in the queue, a
reader without JavaScript sees it listed first, sorts the comments newest first and follows the pick to
its thread; staff comments carry their badges. Axe finds nothing on the page, in either language.

Screenshots: artifacts/picks-reader-oldest.png, picks-reader-newest.png.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from articles.models import Story
from articles.tests.admin_browser import log_in, make_staff
from articles.tests.factories import make_outlet, make_story
from comments.models import Comment
from conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    "The new timetable starts on Monday, the notice at the pier says.",
    "Does the late boat still stop at Yeouido?",
    "It does, at 22:40 on weekdays.",  # a reply to the second
    "저녁 배가 다시 생겨서 반갑네요.",
]


@pytest.fixture
def site(live_server, django_user_model):
    """A story with three threads (the second with a reply by its reporter), an editor, and the reporter."""
    editor = make_staff(django_user_model, "editor", "Editors")
    reporter = make_staff(django_user_model, "reporter", "Reporters")
    story = make_story(
        outlet=make_outlet(name="Han River Herald", time_zone="Asia/Seoul"),
        headline="Night ferries return to the river",
        headline_ko="한강 야간 페리 운항 재개",
        slug="night-ferries-return",
    )
    Story.objects.filter(pk=story.pk).update(created_by=reporter)
    start = timezone.now() - dt.timedelta(hours=3)
    first = Comment.objects.create(
        story=story, author_name="Lee Da-eun", text=TEXTS[0], status="approved", created_at=start
    )
    second = Comment.objects.create(
        story=story, author_name="Park Min", text=TEXTS[1], status="approved", created_at=start + dt.timedelta(hours=1)
    )
    Comment.objects.create(
        story=story,
        parent=second,
        author_name="Seo Yun",
        text=TEXTS[2],
        status="approved",
        created_at=start + dt.timedelta(hours=2, minutes=30),
        user=reporter,
    )
    Comment.objects.create(
        story=story,
        author_name="편집국",
        text=TEXTS[3],
        status="approved",
        created_at=start + dt.timedelta(hours=2),
        user=editor,
    )
    live_server.story, live_server.first, live_server.second = story, first, second
    return live_server


def thread_texts(page):
    """The text of each top-level comment of the threads, in page order."""
    return page.locator(".comment-list > li > .comment-body .comment-text").all_inner_texts()


def test_editor_picks_a_comment_reader_sees_it_first_and_sorts_newest_first(site, browser, artifacts_dir):
    editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(editor, site, "editor")
    editor.goto(site.url + reverse("admin:comments_comment_changelist"))
    editor.locator(f"input[name=_selected_action][value='{site.second.pk}']").check()
    editor.select_option("select[name=action]", "pick")
    editor.get_by_role("button", name="Go").click()
    expect(editor.locator(".messagelist")).to_contain_text("1 comment marked as editor's pick.")

    reader = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(site.url + site.story.get_absolute_url())
    picks = reader.get_by_role("region", name="Editor's picks")
    expect(picks).to_contain_text(TEXTS[1])
    # (No `evaluate()` here: the page runs no script. Boxes say what comes first.)
    assert picks.bounding_box()["y"] < reader.locator(".comment-list").bounding_box()["y"]
    picked = reader.locator(f"#comment-{site.second.pk} > .comment-body")
    expect(picked.locator(".comment-badge-pick")).to_have_text("Editor's pick")
    expect(reader.locator(".comment-badge-reporter")).to_have_text("Reporter")
    expect(reader.locator(".comment-badge-newsroom")).to_have_text("Newsroom")
    assert thread_texts(reader) == [TEXTS[0], TEXTS[1], TEXTS[3]]
    order = reader.get_by_role("navigation", name="Order of comments")
    expect(order.get_by_role("link", name="Oldest first")).to_have_attribute("aria-current", "true")
    reader.screenshot(path=artifacts_dir / "picks-reader-oldest.png", full_page=True)

    order.get_by_role("link", name="Newest first").click()
    reader.wait_for_url(re.compile(r"\?comments=newest#comments$"))
    # Threads by their top-level comment's time: the reply (newest of all) stays in its thread.
    assert thread_texts(reader) == [TEXTS[3], TEXTS[1], TEXTS[0]]
    expect(reader.get_by_role("link", name="Newest first")).to_have_attribute("aria-current", "true")
    reader.screenshot(path=artifacts_dir / "picks-reader-newest.png", full_page=True)

    picks.get_by_role("link", name="Show the comment by Park Min in its thread").click()
    reader.wait_for_url(re.compile(rf"#comment-{site.second.pk}$"))
    assert reader.url.endswith(f"{site.story.get_absolute_url()}?comments=newest#comment-{site.second.pk}")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_story_page_with_picks_badges_and_newest_first_has_no_axe_violations(site, browser, language):
    Comment.objects.filter(pk=site.second.pk).update(picked_at=timezone.now())
    Story.objects.filter(pk=site.story.pk).bump_page_version()
    page = browser.new_context().new_page()
    with translation.override(language):
        url = site.url + site.story.get_absolute_url()
    found = {}
    for query in ("", "?comments=newest"):
        page.goto(url + query)
        expect(page.locator(".comment-picks")).to_be_visible()
        for scheme, background in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(33, 37, 41)")):
            page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{background}'")
            found[(query, scheme)] = axe_violations(page)
    assert found == {key: [] for key in found}
