"""A comment in the other language carries `lang`, so screen readers switch voices (WCAG 3.1.2)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from articles.languages import written_language

from .factories import make_comment, make_story


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("예약제 좋네요. 작년에는 자리가 없었어요.", "ko"),
        ("Finally! I missed the late boat home.", "en"),
        ("9호선 quiet car 정말 좋아요", "ko"),
        ("Great news for 마포 students, the library is open late now.", None),
        ("12:20 → 👍", None),
    ],
    ids=["korean", "english", "mostly-korean", "mostly-english-with-korean", "no-letters"],
)
def test_written_language_is_told_from_the_letters(text, language):
    assert written_language(text) == language


@pytest.fixture
def story_with_comments(db):
    story = make_story()
    korean = make_comment(story, text="저도 매일 밤 이용해요.")
    english = make_comment(story, text="I use it every night too.")
    return story, korean, english


def comment_text_lang(page, comment):
    """The `lang` attribute of the comment's text on the page (None when it has none)."""
    pattern = r'<div class="comment-text"(?: lang="(\w+)")?><p>' + re.escape(comment.text) + "</p>"
    match = re.search(pattern, page.content.decode())
    assert match, f"{comment.text!r} is not on the page"
    return match.group(1)


def page_url(story, language):
    with translation.override(language):
        return story.get_absolute_url()


def test_korean_comment_on_the_english_page_is_marked_korean(client, story_with_comments):
    story, korean, english = story_with_comments
    page = client.get(page_url(story, "en"))
    assert comment_text_lang(page, korean) == "ko"
    assert comment_text_lang(page, english) is None


def test_english_comment_on_the_korean_page_is_marked_english(client, story_with_comments):
    story, korean, english = story_with_comments
    page = client.get(page_url(story, "ko"))
    assert comment_text_lang(page, english) == "en"
    assert comment_text_lang(page, korean) is None


def test_report_page_marks_a_korean_comment_on_the_english_page(client, story_with_comments):
    _story, korean, _english = story_with_comments
    with translation.override("en"):
        page = client.get(reverse("comments:report", kwargs={"pk": korean.pk}))
    assert '<blockquote class="border-start ps-3 text-body-secondary" lang="ko">' in page.content.decode()


def test_report_page_names_the_story_by_its_korean_headline_on_the_korean_page(client, story_with_comments):
    story, _korean, english = story_with_comments
    with translation.override("ko"):
        page = client.get(reverse("comments:report", kwargs={"pk": english.pk}))
    assert f'<span lang="ko">{story.headline_ko}</span>' in page.content.decode()


def test_report_page_names_the_story_by_its_english_headline_when_the_korean_one_is_white_space(
    client, story_with_comments
):
    story, _korean, english = story_with_comments
    story.headline_ko = " "
    story.save()
    with translation.override("ko"):
        page = client.get(reverse("comments:report", kwargs={"pk": english.pk}))
    assert f'<span lang="en">{story.headline}</span>' in page.content.decode()
