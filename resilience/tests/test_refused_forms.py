"""A form refused by the CSRF check or the size limit comes back in the site's design, the comment kept."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from articles.tests.factories import make_story
from comments.models import Comment
from comments.tests.factories import form_values

pytestmark = pytest.mark.django_db


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def textarea(html):
    return re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1)


@pytest.fixture
def story(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    return make_story(headline="Harbour story with a refused form")


def form_fields(story):
    """The form as a browser sends it, the values its script filled in (`form_values`)."""
    browser = Client()
    return {
        **form_values(browser, browser.get(story.get_absolute_url())),
        "text": "Words written in another browser.",
        "author_name": "Jung",
        "author_email": "jung@example.org",
    }


@pytest.mark.parametrize("language", ["en", "ko"])
def test_comment_without_its_csrf_cookie_comes_back_on_the_story_page_with_a_fresh_token(story, language):
    fields = form_fields(story)
    other_browser = Client(enforce_csrf_checks=True)
    response = other_browser.post(f"/{language}{story.get_absolute_url()[3:]}comments/", fields)
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html
    kept = {"en": "Your comment is kept below: send it again.", "ko": "작성하신 댓글은 아래에 남아 있습니다."}[language]
    assert html.count(kept) == 1  # in the form's error summary, said once
    assert textarea(html) == "Words written in another browser."
    assert hidden(html, "csrfmiddlewaretoken") != fields["csrfmiddlewaretoken"]
    assert "csrftoken" in response.cookies
    again = {**fields, "csrfmiddlewaretoken": hidden(html, "csrfmiddlewaretoken"), "token": hidden(html, "token")}
    assert other_browser.post(f"{story.get_absolute_url()}comments/", again).status_code == 303
    assert Comment.objects.get().text == "Words written in another browser."


def test_other_forms_failing_the_csrf_check_get_the_designed_403_page(story):
    response = Client(enforce_csrf_checks=True).post("/ko/comments/1/report/", {"reason": "spam"})
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ko">' in html
    assert 'class="navbar-brand site-name"' in html
    assert "CSRF verification failed" not in html


def test_comment_over_the_body_limit_answers_413_with_its_text_cut_to_the_form_maximum(story, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 8000
    fields = form_fields(story)
    long_text = "Long harbour comment. " * 400
    body = urlencode({"token": fields["token"], "text": long_text})

    response = Client().post(
        f"{story.get_absolute_url()}comments/", body, content_type="application/x-www-form-urlencoded"
    )
    html = response.content.decode()
    assert response.status_code == 413
    assert "Harbour story with a refused form" in html
    assert "Your comment was longer than the site accepts" in html
    assert textarea(html) == long_text[:5000]
    assert hidden(html, "token") == fields["token"]
    assert Comment.objects.count() == 0


def test_body_cut_in_the_middle_of_the_text_keeps_what_could_be_read(story, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3000
    fields = form_fields(story)
    long_text = "Short words. " * 400
    body = urlencode({"author_name": "Jung", "token": fields["token"], "text": long_text})
    response = Client().post(
        f"/ko{story.get_absolute_url()[3:]}comments/", body, content_type="application/x-www-form-urlencoded"
    )
    html = response.content.decode()
    assert response.status_code == 413
    assert '<html lang="ko">' in html
    kept = textarea(html)
    assert 2000 < len(kept) < 3000
    assert long_text.startswith(kept)
    assert 'value="Jung"' in html


def test_other_bodies_over_the_limit_get_the_designed_413_page(story, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    browser = Client(enforce_csrf_checks=True)
    form_values(browser, browser.get(story.get_absolute_url()))  # the CSRF cookie, so the check reads the body
    response = browser.post("/en/comments/1/report/", {"reason": "x" * 500})
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "fields", "cut"),
    [
        (b"author_name=Jung&text=%ED%95%AD%EA%B5%AC+open&token=t", {"author_name": "Jung", "text": "항구 open"}, False),
        (b"token=t&text=harbour+is+op", {"token": "t", "text": "harbour is op"}, True),
        (b"text=whole&author_name=Ju", {"text": "whole"}, False),
        (b"token=t&text=abc%E", {"token": "t", "text": "abc%E"}, True),
        (b"text=" + b"x" * 20 + b"&author_name=N&fax", {"text": "x" * 10, "author_name": "N"}, True),
    ],
)
def test_fields_are_read_from_the_start_of_a_body_cut_anywhere(raw, fields, cut):
    from resilience.kept_comments import fields_from_body_start

    data, was_cut = fields_from_body_start(raw, text_max_length=10 if b"x" * 20 in raw else 5000)
    assert {key: value for key, value in data.items() if key in fields} == fields
    assert was_cut is cut


def error_summary(html):
    """The text of the comment form's error summary (which the page focuses), or None."""
    found = re.search(r'<div class="alert alert-danger" role="alert" id="comment-errors"(.*?)</div>', html, re.S)
    return found and found.group(1)


def test_csrf_failure_message_is_in_the_forms_own_error_summary_not_a_banner(story):
    fields = form_fields(story)
    html = Client(enforce_csrf_checks=True).post(f"{story.get_absolute_url()}comments/", fields).content.decode()
    assert "Your comment is kept below: send it again." in error_summary(html)
    assert "site-messages" not in html


def test_body_over_the_limit_message_is_in_the_forms_own_error_summary(story, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3000
    body = urlencode({"token": form_fields(story)["token"], "text": "Short words. " * 400})
    response = Client().post(
        f"{story.get_absolute_url()}comments/", body, content_type="application/x-www-form-urlencoded"
    )
    html = response.content.decode()
    assert "Your comment was longer than the site accepts" in error_summary(html)
    assert "site-messages" not in html
