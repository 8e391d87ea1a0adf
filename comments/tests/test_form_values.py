"""The comment form on a page every reader shares: its CSRF token and signed time come from
`comments:form_values` (the script's path), or from the form sent back once (the path without JavaScript)."""

import time
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from articles.models import Story
from comments.forms import FORM_SALT
from comments.models import Comment

from .factories import VALID_COMMENT, form_values, make_story, page_elements, read_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_story(headline="Ferries to the islands")


@pytest.fixture(autouse=True)
def no_flood_window(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


def post_url(story):
    return f"{story.get_absolute_url()}comments/"


def shared_form(client, story):
    """The comment form of the story page as every reader gets it: (action, fields) with the text filled in."""
    Client().get(story.get_absolute_url())  # another reader filled the cache
    page = client.get(story.get_absolute_url())
    action, fields = read_form(page)
    return action, {**fields, **VALID_COMMENT}


class TestTheScriptsPath:
    def test_the_values_are_a_csrf_token_with_its_cookie_and_a_signed_time_of_now(self, story):
        reader = Client()
        values = form_values(reader, reader.get(story.get_absolute_url()))
        assert set(values) == {"csrfmiddlewaretoken", "token"}
        assert reader.cookies[settings.CSRF_COOKIE_NAME].value
        signed = signing.loads(values["token"], salt=FORM_SALT)
        assert signed["story"] == story.pk
        assert abs(signed["shown"] - time.time()) < 5

    def test_a_form_filled_with_them_is_posted(self, story, settings):
        settings.COMMENTS_MIN_SECONDS = 0
        reader = Client(enforce_csrf_checks=True)
        action, fields = shared_form(reader, story)
        fields.update(form_values(reader, reader.get(story.get_absolute_url())))
        assert reader.post(action, fields).status_code == 303
        assert Comment.objects.get().text == VALID_COMMENT["text"]

    def test_the_signed_time_counts_from_when_the_values_were_fetched(self, story):
        # The values are fetched when the visitor starts on the form: a post a moment later is a robot's speed.
        reader = Client(enforce_csrf_checks=True)
        action, fields = shared_form(reader, story)
        fields.update(form_values(reader, reader.get(story.get_absolute_url())))
        reader.post(action, fields)
        assert Comment.objects.get().rule == "too_fast"

    def test_values_fetched_a_while_before_the_post_pass_the_time_rule(self, story):
        reader = Client(enforce_csrf_checks=True)
        action, fields = shared_form(reader, story)
        with mock.patch("time.time", return_value=time.time() - 60):
            fields.update(form_values(reader, reader.get(story.get_absolute_url())))
        reader.post(action, fields)
        assert Comment.objects.get().rule != "too_fast"

    def test_there_are_no_values_for_a_story_readers_cannot_see(self, story):
        Story.objects.filter(pk=story.pk).update(status=Story.Status.DRAFT)
        assert Client().get(f"{post_url(story)}form-values/").status_code == 404

    def test_the_values_are_fetched_by_get_only(self, story):
        assert Client().post(f"{post_url(story)}form-values/").status_code == 405


class TestWithoutJavaScript:
    def test_the_shared_form_sent_as_it_is_comes_back_with_the_text_and_a_word_to_send_it_again(self, story):
        reader = Client(enforce_csrf_checks=True)
        action, fields = shared_form(reader, story)
        response = reader.post(action, fields)
        assert response.status_code == 403
        assert not Comment.objects.exists()
        elements = page_elements(response)
        assert elements["id_text"].text.strip() == VALID_COMMENT["text"]
        summary = elements["comment-errors"].text
        assert "One more step" in summary
        assert "could not be checked" not in summary
        kept = read_form(response)[1]
        assert kept["csrfmiddlewaretoken"] and kept["token"]
        assert kept["author_email"] == VALID_COMMENT["author_email"]
        assert "no-store" in response["Cache-Control"]

    def test_the_form_sent_again_is_posted_and_not_taken_for_a_robot(self, story):
        reader = Client(enforce_csrf_checks=True)
        action, fields = shared_form(reader, story)
        again = read_form(reader.post(action, fields))[1]
        response = reader.post(action, again)
        assert response.status_code == 303
        comment = Comment.objects.get()
        assert comment.text == VALID_COMMENT["text"]
        assert comment.rule != "too_fast"

    @pytest.mark.parametrize("origin", ["https://elsewhere.example", "null"])
    def test_a_form_sent_from_another_site_is_refused_and_nothing_of_it_is_given_back(self, story, origin):
        """The other site chose the text, name and address: given back with a token of the visitor's
        own, one click would post them in the visitor's name (the review's finding)."""
        reader = Client(enforce_csrf_checks=True)
        action, _ = shared_form(reader, story)
        planted = {
            "text": "Your session expired: log in again at evil.example",
            "author_name": "Site Staff",
            "author_email": "victim@example.org",
            "token": "",
            "csrfmiddlewaretoken": "",
        }
        response = reader.post(action, planted, HTTP_ORIGIN=origin)
        assert response.status_code == 403
        html = response.content.decode()
        assert "This form was sent from another site" in html
        assert "evil.example" not in html and "victim@example.org" not in html and "Site Staff" not in html
        assert 'name="csrfmiddlewaretoken"' not in html
        assert not Comment.objects.exists()

    def test_a_post_with_a_wrong_csrf_token_is_still_told_it_could_not_be_checked(self, story):
        reader = Client(enforce_csrf_checks=True)
        action, fields = shared_form(reader, story)
        reader.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
        response = reader.post(action, {**fields, "csrfmiddlewaretoken": "a" * 32})
        assert response.status_code == 403
        assert "could not be checked" in page_elements(response)["comment-errors"].text


class TestAfterPosting:
    def test_an_approved_comments_writer_gets_pages_of_their_own_at_once(self, story, settings):
        """A browser keeps shared pages a minute: its writer's next page must not be one of those."""
        settings.COMMENTS_MIN_SECONDS = 0
        settings.COMMENTS_HOLD_FIRST_COMMENTS = False
        reader = Client()
        action, fields = shared_form(reader, story)
        fields.update(form_values(reader, reader.get(story.get_absolute_url())))
        response = reader.post(action, fields)
        assert Comment.objects.get().status == Comment.Status.APPROVED
        assert "newsroom_own_comments" in response.cookies
        page = reader.get(response["Location"])
        assert "private" in page["Cache-Control"]
        assert VALID_COMMENT["text"] in page.content.decode()
