"""What a reader's text draws stays inside its block, in a real browser (stored "Zalgo" text)."""

import pytest

from articles.models import Story
from articles.tests.factories import make_outlet, make_story
from comments.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZALGO = "Zalgo" + "\u0301" * 3000


@pytest.fixture
def story():
    story = make_story(
        outlet=make_outlet(name="Han River Herald", time_zone="Asia/Seoul"),
        headline="Night ferries return to the river",
        headline_ko="한강 야간 페리 운항 재개",
        slug="night-ferries-return",
    )
    for number, text in enumerate(
        ["Finally! I missed the late boat home.", "Zalgo", "Người ở Hà Nội, 한강 버스 좋아요 gjpqy"]
    ):
        Comment.objects.create(
            story=story,
            author_name=f"Reader {number}",
            author_email=f"reader{number}@example.org",
            text=text,
            status=Comment.Status.APPROVED,
            created_at=story.published_at,
        )
    return story


def store_without_cleaning(story, text):
    """Text as stored before the mark limit: update() sends no pre_save."""
    Comment.objects.filter(story=story, text__startswith="Zalgo").update(text=text)
    Story.objects.filter(pk=story.pk).bump_page_version()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_stored_zalgo_comment_draws_nothing_over_the_headline_or_other_comments(
    live_server, story, browser, artifacts_dir, language
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    url = f"{live_server.url}/{language}/stories/{story.slug}/"
    page.goto(url)
    regions = ["header", ".story-header", ".story-body", ".comment:first-child", ".comment:last-child"]
    before = {region: page.locator(region).first.screenshot() for region in regions}
    store_without_cleaning(story, ZALGO)
    page.goto(url)
    assert ZALGO in page.locator(".comment-text").nth(1).inner_text()
    page.screenshot(path=artifacts_dir / f"zalgo-clipped-{language}.png", full_page=True)
    after = {region: page.locator(region).first.screenshot() for region in regions}
    assert [region for region in regions if before[region] != after[region]] == []
