"""Pages under the Content-Security-Policy in a real browser: nothing the policy blocks.

Chromium fires `securitypolicyviolation` for each thing the policy refuses (an inline
script or style, an image from elsewhere...) and logs it on the console; the test
collects both, from the home and story pages to the admin's login, lists and forms.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import revisions
from articles.models import Story
from comments.models import Comment
from comments.tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
PASSWORD = "a long admin password for the browser"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.pathname}:${event.lineNumber}`);
});
"""


@pytest.fixture
def site(live_server, django_user_model):
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    call_command("import_videos", str(DEMO_STORIES.parent / "videos.json"), stdout=StringIO(), stderr=StringIO())
    story = Story.objects.order_by("pk").first()
    make_comment(story, status=Comment.Status.PENDING, text="A comment waiting for moderation.")
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    return live_server


@pytest.fixture
def watched_page(page):
    """The Playwright page, recording CSP violations from events and from the console."""
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_console = console
    return page


def violations(page):
    reported = page.evaluate("window.cspViolations")
    logged = [text for text in page.csp_console if "Content Security Policy" in text]
    return reported + logged


def visit(page, address):
    """Open `address`; returns the violations reported while it loaded."""
    page.csp_console.clear()
    response = page.goto(address)
    assert response.status == 200, (address, response.status)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return violations(page)


def test_reader_pages_run_under_the_policy_with_no_violation(site, watched_page):
    story = Story.objects.order_by("pk").first()
    found = {}
    for address in (reverse("articles:home"), story.get_absolute_url(), story.get_absolute_url()):
        found[address] = visit(watched_page, site.url + address)
    assert watched_page.locator('script[type="application/ld+json"]').count() == 1
    assert found == {address: [] for address in found}


def test_video_story_plays_its_player_under_the_policy_with_no_violation(site, watched_page):
    page = watched_page
    # The test server has no Internet: the player's address is answered here, under the page's frame-src.
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Stub</title>"),
    )
    story = Story.objects.exclude(video_url=None).get()
    assert visit(page, site.url + story.get_absolute_url()) == []
    page.locator(".story-video-poster").click()
    page.locator("iframe.story-video-frame").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.frame_locator("iframe.story-video-frame").locator("title").count() == 1
    assert violations(page) == []


def test_admin_pages_run_under_the_policy_with_no_violation(site, watched_page):
    page = watched_page
    assert visit(page, site.url + reverse("admin:login")) == []
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site.url + reverse("admin:index"))
    assert page.locator(".pending-comments-notice").evaluate("element => getComputedStyle(element).borderTopStyle") == (
        "solid"
    )
    # The workflow block (README "Roles") is styled from admin.css too.
    assert page.locator(".story-workflow").evaluate("element => getComputedStyle(element).borderTopStyle") == "solid"

    story = Story.objects.order_by("pk").first()
    comment = Comment.objects.first()
    imported = revisions.story_versions(story.pk).first()  # the import kept a revision
    found = {}
    for address in (
        reverse("admin:index"),
        reverse("admin:articles_story_changelist"),
        reverse("admin:articles_story_changelist") + "?workflow=in_review",
        reverse("admin:articles_story_change", args=[story.pk]),
        reverse("admin:articles_story_add"),
        reverse("admin:articles_story_history", args=[story.pk]),
        reverse("admin:articles_story_compare", args=[story.pk]) + f"?from={imported.pk}",
        reverse("admin:articles_story_revision", args=[story.pk, imported.pk]),
        reverse("admin:articles_story_recoverlist"),
        reverse("admin:articles_section_changelist"),
        reverse("admin:articles_section_add"),
        reverse("admin:articles_frontpagepin_changelist"),
        reverse("admin:articles_frontpagepin_add"),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:axes_accessattempt_changelist"),
    ):
        found[address] = visit(page, site.url + address)
    assert found == {address: [] for address in found}


def test_the_policy_is_really_enforced_in_the_browser(site, watched_page):
    """The check above can fail: an inline script added to a page is refused and reported."""
    visit(watched_page, site.url + reverse("articles:home"))
    watched_page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    assert watched_page.evaluate("window.ran") is None
    assert any("script-src" in text for text in violations(watched_page))
