"""A database that is down or refuses writes: a designed 503 for readers, the comment kept for commenters."""

import re

import pytest
from django.db import DataError, IntegrityError, InternalError, OperationalError, ProgrammingError
from django.test import Client, RequestFactory

from articles.tests.factories import make_story
from comments.models import Comment
from comments.tests.factories import form_values
from resilience.outages import is_database_outage
from resilience.views import server_error

from .outages import database_refusing

pytestmark = pytest.mark.django_db


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


@pytest.fixture
def story():
    return make_story(headline="Harbour story in an outage")


def comment_fields(client, story, text="My words must not be lost."):
    """The form as the client's browser sends it, the values its script filled in (`form_values`)."""
    return {
        **form_values(client, client.get(story.get_absolute_url())),
        "text": text,
        "author_name": "Seo",
        "author_email": "seo@example.org",
    }


@pytest.mark.parametrize(("language", "title"), [("en", "Back in a moment"), ("ko", '<html lang="ko">')])
@pytest.mark.parametrize("path", ["/{language}/", "/{language}/stories/story-slug/", "/{language}/tags/"])
def test_reader_gets_the_designed_503_page_in_the_language_of_the_url(client, language, title, path):
    client.cookies["sessionid"] = "a-reader-with-a-session"
    with database_refusing() as tried:
        response = client.get(path.format(language=language))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert title in html
    assert 'class="navbar-brand site-name"' in html
    assert "Traceback" not in html
    assert len(tried) == 1  # the view's own query; the page itself asked nothing


@pytest.mark.parametrize(
    "path", ["{story}", "/en/", "/en/tags/", "/en/feeds/stories.rss", "/sitemap.xml", "/sitemap-stories.xml"]
)
def test_cached_pages_are_still_served_to_readers_without_cookies(story, path):
    url = path.format(story=story.get_absolute_url())
    first = Client().get(url)
    with database_refusing() as tried:
        response = Client().get(url)
    assert response.status_code == 200
    assert response.content == first.content
    assert len(tried) == 1  # the version query; nothing else asked
    # The copy may be stale: browsers ask again at once, a proxy keeps it no longer than a 503 would.
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=30, stale-while-revalidate=30"


def test_a_cached_copy_served_in_an_outage_is_the_newest_one(story):
    Client().get(story.get_absolute_url())
    story.headline = "Harbour story, edited before the outage"
    story.save()
    Client().get(story.get_absolute_url())
    with database_refusing():
        html = Client().get(story.get_absolute_url()).content.decode()
    assert "Harbour story, edited before the outage" in html


def test_uncached_story_page_in_an_outage_is_the_503_page(story):
    with database_refusing():
        response = Client().get(story.get_absolute_url())
    assert response.status_code == 503
    assert "Harbour story in an outage" not in response.content.decode()


def test_comment_post_to_a_read_only_database_shows_the_story_with_the_form_and_text(client, story, posting):
    fields = comment_fields(client, story)
    with database_refusing(writes_only=True, message="attempt to write a readonly database"):
        response = client.post(f"{story.get_absolute_url()}comments/", fields)
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Harbour story in an outage" in html
    assert "Your comment could not be stored" in html
    assert "My words must not be lost.</textarea>" in html
    assert 'value="Seo"' in html
    assert Comment.objects.count() == 0


def test_comment_post_with_the_database_down_gives_the_form_back_on_the_503_page(client, story, posting):
    fields = comment_fields(client, story)
    with database_refusing():
        response = client.post(f"/ko{story.get_absolute_url()[3:]}comments/", fields)
    html = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="ko">' in html
    assert "My words must not be lost.</textarea>" in html
    assert 'value="seo@example.org"' in html
    assert f'action="/ko{story.get_absolute_url()[3:]}comments/"' in html
    assert hidden(html, "token") == fields["token"]
    assert hidden(html, "csrfmiddlewaretoken")


def test_the_kept_form_can_be_sent_again_once_the_database_is_back(story, posting):
    visitor = Client(enforce_csrf_checks=True)
    fields = comment_fields(visitor, story)
    with database_refusing():
        html = visitor.post(f"{story.get_absolute_url()}comments/", fields).content.decode()
    again = {name: hidden(html, name) for name in ("csrfmiddlewaretoken", "token", "author_name", "author_email")}
    again["text"] = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1)
    response = visitor.post(f"{story.get_absolute_url()}comments/", again)
    assert response.status_code == 303
    assert Comment.objects.get().text == "My words must not be lost."


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (OperationalError("connection refused"), True),
        (OperationalError("database or disk is full"), True),
        (IntegrityError("duplicate key"), False),
        (ProgrammingError("syntax error"), False),
        (DataError("value too long"), False),
        (InternalError("current transaction is aborted"), False),
    ],
)
def test_only_errors_of_an_unavailable_database_count_as_outages(error, outage):
    assert is_database_outage(error) is outage


def test_read_only_postgresql_transaction_counts_as_an_outage():
    class ReadOnlySqlTransaction(Exception):
        sqlstate = "25006"

    error = InternalError("cannot execute INSERT in a read-only transaction")
    error.__cause__ = ReadOnlySqlTransaction()
    assert is_database_outage(error)


def test_outage_outside_a_view_answers_503_and_a_bug_500():
    request = RequestFactory().get("/en/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        assert server_error(request).status_code == 503
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        assert server_error(request).status_code == 500


def test_outage_page_found_before_the_csrf_middleware_signs_its_form_with_the_visitors_cookie():
    from django.middleware.csrf import _unmask_cipher_token, get_token

    from resilience.outages import outage_page

    secret = "a" * 32
    request = RequestFactory().post("/en/stories/x/comments/", {"text": "kept"})
    request.COOKIES["csrftoken"] = secret
    outage_page(request)
    assert _unmask_cipher_token(get_token(request)) == secret


def test_comment_not_stored_in_an_outage_says_so_in_the_forms_own_error_summary(client, story, posting):
    fields = comment_fields(client, story)
    with database_refusing(writes_only=True, message="attempt to write a readonly database"):
        html = client.post(f"{story.get_absolute_url()}comments/", fields).content.decode()
    summary = re.search(r'<div class="alert alert-danger" role="alert" id="comment-errors"(.*?)</div>', html, re.S)
    assert "Your comment could not be stored" in summary.group(1)
    assert "site-messages" not in html  # not also a banner some 3,000 px above the form
