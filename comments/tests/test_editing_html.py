"""The edit and withdraw pages, in each of their states and both languages, are valid HTML (Nu HTML Checker)."""

import datetime as dt
import shutil

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from newsroom.tests.test_html_validity import nu_errors

from .factories import make_comment, make_story, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]


@pytest.fixture
def java():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless; .ci/run does)")


def pages_of_one_comment(language, story, number):
    """{name: response} of every state of the edit and withdraw pages, for a comment posted now."""
    browser = Client()
    text = f"Comment {number}: the evening crossing is a good idea."
    post_form(browser, story, text=text)
    comment = Comment.objects.get(text=text)
    edit, withdraw = f"/{language}/comments/{comment.pk}/edit/", f"/{language}/comments/{comment.pk}/withdraw/"
    responses = {"story-editable": browser.get(f"/{language}/stories/{story.slug}/")}
    responses["edit"] = browser.get(edit)
    _action, fields = read_form(responses["edit"], "edit-comment-form")
    responses["edit-errors"] = browser.post(edit, {**fields, "text": "x" * 5001})
    browser.post(edit, {**fields, "text": f"Comment {number}, edited."})
    responses["story-edited"] = browser.get(f"/{language}/stories/{story.slug}/")
    responses["withdraw"] = browser.get(withdraw)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=16))
    responses["edit-too-late"] = browser.post(edit, {**fields, "text": "Kept for the author."})
    responses["withdraw-too-late"] = browser.get(withdraw)
    return responses


EXPECTED = {"edit-errors": 400, "edit-too-late": 403, "withdraw-too-late": 403}


def test_the_edit_and_withdraw_pages_have_no_html_errors_in_either_language(tmp_path, java):
    story = make_story(headline="Harbour ferry adds an evening crossing", headline_ko="항구 페리 저녁 운항")
    make_comment(story, author_email="ann@example.com", author_name="Ann Reader")
    files = []
    for number, language in enumerate(["en", "ko"]):
        for name, response in pages_of_one_comment(language, story, number).items():
            assert response.status_code == EXPECTED.get(name, 200), (name, language, response.status_code)
            assert f'<html lang="{language}">' in response.content.decode()
            path = tmp_path / f"{name}-{language}.html"
            path.write_bytes(response.content)
            files.append(path)
    assert len(files) == 14
    assert nu_errors(files) == {}
