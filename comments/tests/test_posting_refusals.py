"""Posts that are refused or caught: each says why next to the form, keeps the draft, stores what it should."""

import datetime as dt
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Story
from comments.forms import FORM_SALT, form_token
from comments.models import Comment, PostingGate

from .factories import (
    VALID_COMMENT,
    field_errors,
    make_comment,
    make_story,
    post_form,
    read_form,
    signing_hours_ago,
)

pytestmark = pytest.mark.django_db

AWAITING = "Your comment is awaiting moderation."
DRAFT = "My carefully written draft,\nwith two lines."
NOT_AVAILABLE = (
    "The comment you are replying to is not available. "
    "Your text is kept below: send it again to post it as a new comment."
)


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


def post_directly(client, story, **overrides):
    """Send the form without opening the page first (it may not show one)."""
    data = {**VALID_COMMENT, "token": form_token(story.pk, now=time.time() - 60), **overrides}
    return client.post(reverse("comments:post", kwargs={"slug": story.slug}), data)


def token_signed_hours_ago(story, hours):
    with signing_hours_ago(hours) as moment:
        return form_token(story.pk, now=moment)


# Closed comment sections.


@pytest.mark.usefixtures("no_posting_limits")
def test_story_with_comments_closed_shows_the_notice_instead_of_the_form(client):
    story = make_story(comments_enabled=False)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Comments are closed." in page
    assert 'id="comment-form"' not in page


@pytest.mark.usefixtures("no_posting_limits")
def test_post_to_a_story_with_comments_closed_is_refused_and_not_stored(client):
    story = make_story(comments_enabled=False)
    response = post_directly(client, story)
    assert response.status_code == 403
    assert "Comments are closed." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.usefixtures("no_posting_limits")
def test_draft_sent_to_a_closed_story_is_given_back_to_copy(client):
    story = make_story(comments_enabled=False)
    response = post_directly(client, story, text="A reply I spent ten minutes on <b>.")
    page = response.content.decode()
    assert "Your comment was not posted, because comments on this story have closed." in page
    kept = '<textarea id="unsent-comment" class="form-control" rows="5" readonly>'
    assert kept + "A reply I spent ten minutes on &lt;b&gt;.</textarea>" in page


@pytest.mark.usefixtures("no_posting_limits")
def test_comments_close_by_themselves_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    story = make_story(published_at=timezone.now() - dt.timedelta(days=15))
    page = client.get(story.get_absolute_url()).content.decode()
    response = post_directly(client, story)
    assert "Comments are closed." in page
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.usefixtures("no_posting_limits")
def test_comments_stay_open_within_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    story = make_story(published_at=timezone.now() - dt.timedelta(days=13))
    assert post_form(client, story).status_code == 303


@pytest.mark.usefixtures("no_posting_limits")
@pytest.mark.parametrize(
    "fields",
    [{"status": Story.Status.DRAFT}, {"published_at": timezone.now() + dt.timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_post_to_a_story_readers_cannot_see_is_not_found(client, fields):
    story = make_story(**fields)
    response = post_directly(client, story)
    assert response.status_code == 404
    assert not Comment.objects.exists()


# Duplicates.


@pytest.mark.usefixtures("no_posting_limits")
def test_same_text_again_from_the_same_email_is_refused_as_a_duplicate(client, story):
    post_form(client, story, text="Great news for commuters.")
    response = post_form(client, story, text="  GREAT news   for\ncommuters. ")
    assert response.status_code == 409
    assert field_errors(response, "text") == ["You have already posted this comment on this story."]
    assert read_form(response)[1]["text"] == "  GREAT news   for\ncommuters. "
    assert Comment.objects.count() == 1


@pytest.mark.usefixtures("no_posting_limits")
def test_same_text_from_another_email_is_not_a_duplicate(client, story):
    post_form(client, story, text="Great news for commuters.")
    response = post_form(client, story, text="Great news for commuters.", author_email="bo@example.com")
    assert response.status_code == 303
    assert Comment.objects.count() == 2


@pytest.mark.usefixtures("no_posting_limits")
def test_same_text_on_another_story_is_not_a_duplicate(client, story):
    post_form(client, story, text="Great news for commuters.")
    response = post_form(client, make_story(), text="Great news for commuters.")
    assert response.status_code == 303


# Flood: one post per address within COMMENTS_FLOOD_SECONDS.


@pytest.fixture
def flood_window(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 15


@pytest.mark.usefixtures("flood_window")
def test_second_post_from_one_address_within_the_window_is_refused_with_429(client, story):
    post_form(client, story, text="First comment.")
    response = post_form(client, story, text="Second comment.", author_email="bo@example.com")
    page = response.content.decode()
    assert response.status_code == 429
    assert "You are posting too quickly. Wait 15 seconds, then send your comment again." in page
    assert read_form(response)[1]["text"] == "Second comment."
    assert Comment.objects.count() == 1


@pytest.mark.usefixtures("flood_window")
def test_flood_limit_counts_the_address_not_the_browser(client, story):
    post_form(client, story, text="First comment.")
    response = post_form(Client(), story, text="From another browser on the same address.")
    assert response.status_code == 429


@pytest.mark.usefixtures("flood_window")
def test_post_from_another_address_within_the_window_is_accepted(client, story):
    post_form(client, story, text="First comment.")
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert post_form(other, story, text="Someone else.", author_email="bo@example.com").status_code == 303


@pytest.mark.usefixtures("flood_window")
def test_staff_are_not_held_to_the_flood_limit(client, story, django_user_model):
    client.force_login(django_user_model.objects.create_user("desk", is_staff=True))
    post_form(client, story, text="First note.")
    response = post_form(client, story, text="Second note.")
    assert response.status_code == 303
    assert Comment.objects.count() == 2


@pytest.mark.usefixtures("flood_window")
def test_post_after_the_window_has_passed_is_accepted(client, story):
    post_form(client, story, text="First comment.")
    PostingGate.objects.update(closed_until=timezone.now() - dt.timedelta(seconds=1))
    response = post_form(client, story, text="Second comment, later.")
    assert response.status_code == 303
    assert Comment.objects.count() == 2


@pytest.mark.usefixtures("flood_window")
def test_refused_duplicate_does_not_use_up_the_posting_slot(client, story):
    make_comment(story, author_email="ann@example.com", text="Said it before.")
    post_form(client, story, text="Said it before.")
    assert post_form(client, story, text="Something new.").status_code == 303


# Robots: too fast, or the hidden field filled in. Caught silently.


def test_form_sent_faster_than_a_person_could_is_stored_as_spam(client, story, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_FLOOD_SECONDS = 0
    post_form(client, story)
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == (Comment.Status.SPAM, "too_fast")


def test_form_sent_too_fast_tells_the_visitor_it_awaits_moderation(client, story, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_FLOOD_SECONDS = 0
    response = post_form(client, story, text="Bot text.")
    page = client.get(response["Location"]).content.decode()
    assert "Bot text." in page
    assert AWAITING in page


def test_form_sent_after_the_minimum_time_is_not_caught(client, story, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_FLOOD_SECONDS = 0
    post_form(client, story, token=form_token(story.pk, now=time.time() - 10))
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.usefixtures("no_posting_limits")
def test_filled_honeypot_is_stored_as_spam_and_shown_to_the_robot_as_awaiting_moderation(client, story):
    response = post_form(client, story, text="Buy now.", fax_number="555-0100")
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == (Comment.Status.SPAM, "honeypot")
    assert AWAITING in client.get(response["Location"]).content.decode()


# The signed form token.


def resent_token_problems(response, story, sent_token):
    """What is wrong with the token of the form shown again (empty list: a fresh, valid one)."""
    token = read_form(response)[1]["token"]
    problems = []
    if token == sent_token:
        problems.append("same token as sent")
    data = signing.loads(token, salt=FORM_SALT, max_age=60)
    if data["story"] != story.pk:
        problems.append(f"token of story {data['story']}")
    return problems


@pytest.mark.usefixtures("no_posting_limits")
@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda story: form_token(story.pk)[:-3] + "abc", "This form could not be checked."),
        (lambda story: "not-a-token", "This form could not be checked."),
        (lambda story: form_token(make_story().pk), "This form belongs to another story."),
        (lambda story: token_signed_hours_ago(story, 49), "This form was open too long and has expired."),
        (lambda story: "", "This form could not be checked."),
    ],
    ids=["tampered", "garbage", "other-story", "expired", "missing"],
)
def test_bad_token_shows_the_form_again_with_the_draft_a_message_and_a_fresh_token(client, story, make_token, message):
    token = make_token(story)
    response = post_form(client, story, text=DRAFT, token=token)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'id="comment-errors"' in page
    assert read_form(response)[1]["text"] == DRAFT
    assert resent_token_problems(response, story, token) == []
    assert 'aria-describedby="error_1_id_token"' not in page  # a hidden input has no error to point at
    assert not Comment.objects.exists()


@pytest.mark.usefixtures("no_posting_limits")
def test_form_shown_again_after_an_expired_token_can_be_sent_as_it_is(client, story):
    response = post_form(client, story, text=DRAFT, token=token_signed_hours_ago(story, 49))
    action, fields = read_form(response)
    assert client.post(action, fields).status_code == 303
    assert Comment.objects.get().text == DRAFT


def test_draft_sent_again_at_once_after_an_expired_token_is_not_taken_for_a_robot(client, story, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_FLOOD_SECONDS = 0
    response = post_form(client, story, text=DRAFT, token=token_signed_hours_ago(story, 49))
    action, fields = read_form(response)
    client.post(action, fields)
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.usefixtures("no_posting_limits")
def test_token_within_the_maximum_age_is_accepted(client, story):
    assert post_form(client, story, token=token_signed_hours_ago(story, 47)).status_code == 303


# Replies to comments that cannot be answered.


@pytest.mark.usefixtures("no_posting_limits")
@pytest.mark.parametrize(
    "make_parent",
    [
        lambda story: make_comment(story, status=Comment.Status.PENDING).pk,
        lambda story: make_comment(story, status=Comment.Status.SPAM).pk,
        lambda story: make_comment(story, status=Comment.Status.REMOVED).pk,
        lambda story: make_comment(make_story()).pk,
        lambda story: 987654,
    ],
    ids=["pending", "spam", "removed", "other-story", "nonexistent"],
)
def test_reply_to_a_comment_that_cannot_be_answered_is_refused_with_the_text_kept(client, story, make_parent):
    parent_id = make_parent(story)
    before = Comment.objects.count()
    response = post_form(client, story, text=DRAFT, parent=str(parent_id))
    assert response.status_code == 400
    assert field_errors(response, "text") == [NOT_AVAILABLE]
    assert read_form(response)[1]["text"] == DRAFT
    assert Comment.objects.count() == before


@pytest.mark.usefixtures("no_posting_limits")
@pytest.mark.parametrize("parent", ["abc", "0", "99999999999999999999999"])
def test_reply_to_a_parent_value_no_comment_can_have_is_refused_with_the_text_kept(client, story, parent):
    response = post_form(client, story, text=DRAFT, parent=parent)
    assert response.status_code == 400
    assert read_form(response)[1]["text"] == DRAFT
    assert not Comment.objects.exists()


@pytest.mark.usefixtures("no_posting_limits")
def test_refused_reply_can_be_sent_again_as_the_form_shows_it(client, story):
    pending = make_comment(story, status=Comment.Status.PENDING)
    response = post_form(client, story, text=DRAFT, parent=str(pending.pk))
    action, fields = read_form(response)
    assert client.post(action, fields).status_code == 303
