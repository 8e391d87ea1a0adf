"""After a WordPress import, a reader follows an old link in a real browser and lands on the story,
comments in their threads (the WordPress ones, then the Disqus ones); the page passes axe.
Screenshots: artifacts/wordpress-*.png."""

import pytest

from articles.models import ImportedPost
from comments.models import ImportedComment, ImportedDisqusComment
from comments.tests.disqus_imports import HARBOUR_DISQUS, import_disqus
from conftest import axe_violations

from .wordpress_imports import HARBOUR, draw_photo, import_wordpress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def imported(live_server, tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg", size=(900, 600))
    draw_photo(uploads / "2024/05/항구.jpg", size=(900, 600), colour=(140, 60, 30))
    _, stderr, error = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    assert error is None, stderr
    return live_server


def comment_id(wordpress_id):
    return ImportedComment.objects.get(wordpress_id=wordpress_id).comment_id


def test_an_old_wordpress_link_lands_on_the_story_with_its_comments_in_threads(imported, page, artifacts_dir):
    page.goto(imported.url + "/2024/05/06/harbour-culture-week/?utm_source=old-newsletter")
    assert page.url == imported.url + "/en/stories/harbour-culture-week/?utm_source=old-newsletter"
    assert page.locator("h1").inner_text() == "Harbour hosts the port cities’ culture week"
    # The lead photo from the uploads folder is the video's poster; the body shows it too, loaded.
    assert "The old quay at dawn" in page.locator("figure figcaption").first.inner_text()
    photo = page.locator(".story-body img[alt='Ships at the old quay']").first
    photo.scroll_into_view_if_needed()
    assert page.evaluate("(image) => image.complete && image.naturalWidth > 0", photo.element_handle())

    first, reply = comment_id(101), comment_id(102)
    thread = page.locator(f"#comment-{first}")
    assert thread.locator(".comment-author").first.inner_text() == "Park Jisoo"
    nested = thread.locator(f".comment-replies > #comment-{reply}")
    assert nested.count() == 1
    assert "Not this year, see the programme" in nested.locator(".comment-text").inner_text()
    # Held, spam and removed comments are not shown to readers.
    for hidden in (103, 104, 105):
        assert page.locator(f"#comment-{comment_id(hidden)}").count() == 0
    page.screenshot(path=artifacts_dir / "wordpress-old-link-en-1280.png", full_page=True)
    assert axe_violations(page) == []


def test_an_old_korean_link_lands_on_the_korean_page(imported, page, artifacts_dir):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(imported.url + "/?p=11")
    story = ImportedPost.objects.get(wordpress_id=11).story
    assert page.url == imported.url + f"/ko/stories/{story.slug}/"
    assert "부산항이 월요일 문화 주간을 열었다." in page.locator("article").first.inner_text()
    page.screenshot(path=artifacts_dir / "wordpress-old-link-ko-360.png", full_page=True)
    assert axe_violations(page) == []

    # Its English page shows the story in Korean, said and marked so.
    page.goto(imported.url + f"/en/stories/{story.slug}/")
    assert page.locator("h1").get_attribute("lang") == "ko"
    assert page.locator(".korean-only").inner_text() == "This story is available in Korean only."
    assert "부산항이 월요일 문화 주간을 열었다." in page.locator(".story-body[lang=ko]").inner_text()
    page.screenshot(path=artifacts_dir / "wordpress-korean-post-en-360.png", full_page=True)
    assert axe_violations(page) == []


def test_disqus_comments_land_in_their_threads_on_the_story_an_old_link_names(imported, page, artifacts_dir):
    _, stderr, error = import_disqus(HARBOUR_DISQUS)
    assert error is None, stderr

    def disqus(number):
        return page.locator(f"#comment-{ImportedDisqusComment.objects.get(disqus_id=number).comment_id}")

    page.goto(imported.url + "/?p=10")
    assert page.url == imported.url + "/en/stories/harbour-culture-week/"
    first = disqus(9001)
    assert first.locator(".comment-author").first.inner_text() == "Lee Sora"
    assert "See you at the quay." in first.locator(".comment-text").first.inner_text()
    reply = ImportedDisqusComment.objects.get(disqus_id=9002).comment_id
    answer = ImportedDisqusComment.objects.get(disqus_id=9003).comment_id
    assert first.locator(f".comment-replies > #comment-{reply} .comment-replies > #comment-{answer}").count() == 1
    assert "Harbour visitor" in disqus(9006).locator(".comment-author").first.inner_text()
    for hidden in (9004, 9005):  # spam, deleted
        assert disqus(hidden).count() == 0
    first.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "wordpress-disqus-comments-en-1280.png", full_page=True)
    assert axe_violations(page) == []
