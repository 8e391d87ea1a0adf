"""A commenter's name cannot reorder the interface text around it, in a real browser."""

import pytest

from articles.tests.factories import make_outlet, make_story
from comments.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RLO = "\u202e"


@pytest.fixture
def story():
    story = make_story(outlet=make_outlet(name="Han River Herald"), slug="night-ferries-return")
    comment = Comment.objects.create(
        story=story,
        author_name="Ann",
        author_email="evil@example.org",
        text="Look at my name.",
        status=Comment.Status.APPROVED,
        created_at=story.published_at,
    )
    # Stored before text hygiene (a save drops the unpaired override now): update() keeps it.
    Comment.objects.filter(pk=comment.pk).update(author_name=f"{RLO}evil")
    return story


def test_replying_to_a_name_with_an_override_keeps_cancel_after_the_isolated_name(
    live_server, story, page, artifacts_dir
):
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    page.locator(".comment-reply-link").first.click()
    replying = page.locator("#replying-to")
    assert replying.is_visible()
    name = replying.locator("bdi.replying-to-name")
    assert name.evaluate("element => element.tagName") == "BDI"
    assert name.text_content() == f"{RLO}evil"
    # In the element structure: "Replying to", the name's <bdi>, then the cancel link.
    order = replying.evaluate(
        "element => [...element.querySelectorAll('bdi, a')].map(node => node.tagName + ':' + node.textContent)"
    )
    assert order == [f"BDI:{RLO}evil", "A:cancel"]
    # On screen: the override stays inside the name, so "cancel" is still drawn to its right.
    name_box, cancel_box = name.bounding_box(), replying.locator("#cancel-reply").bounding_box()
    assert cancel_box["x"] >= name_box["x"] + name_box["width"]
    assert replying.inner_text().startswith("Replying to")
    replying.screenshot(path=artifacts_dir / "replying-to-isolated-name.png")
