"""Reporting a comment: the form, one report per reader, and the comment going back to the queue."""

import pytest
from django.test import Client

from comments.models import Comment, CommentReport, ModerationLogEntry

from .factories import make_comment, make_moderator, make_story, page_elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_story()


@pytest.fixture
def comment(story):
    return make_comment(story, text="A comment some readers dislike.")


def report(comment, address="198.51.100.1", reason="spam"):
    client = Client(REMOTE_ADDR=address)
    return client.post(f"/en/comments/{comment.pk}/report/", {"reason": reason}, follow=True)


def test_each_public_comment_has_a_report_link(client, story, comment):
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'href="/en/comments/{comment.pk}/report/"' in page


def test_report_page_quotes_the_comment_and_lists_the_reasons(client, comment):
    response = client.get(f"/en/comments/{comment.pk}/report/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A comment some readers dislike." in page
    for reason in ("Spam", "Abuse or harassment", "Off-topic", "Something else"):
        assert reason in page
    assert page_elements(page)["id_reason_0"].attrs["value"] == "spam"


def test_report_is_stored_with_its_reason_and_counted(comment):
    report(comment, reason="abuse")
    stored = CommentReport.objects.get()
    comment.refresh_from_db()
    assert (stored.comment, stored.reason) == (comment, "abuse")
    assert comment.report_count == 1


def test_reader_is_thanked_back_on_the_story_page(story, comment):
    response = report(comment)
    assert response.redirect_chain == [(f"{story.get_absolute_url()}#comments", 302)]
    assert "Thank you. A moderator will look at this comment." in response.content.decode()


def test_second_report_from_the_same_address_is_not_counted_again(comment):
    report(comment, reason="spam")
    response = report(comment, reason="abuse")
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert CommentReport.objects.count() == 1
    assert "You have already reported this comment. Thank you." in response.content.decode()


def test_report_without_a_reason_shows_the_form_again_and_stores_nothing(client, comment):
    response = client.post(f"/en/comments/{comment.pk}/report/", {"reason": "boring"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not CommentReport.objects.exists()


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED])
def test_comment_that_is_not_public_cannot_be_reported(client, story, status):
    hidden = make_comment(story, status=status)
    assert client.get(f"/en/comments/{hidden.pk}/report/").status_code == 404
    assert report(hidden).status_code == 404


def test_report_without_the_csrf_token_is_refused(comment):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/en/comments/{comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 403
    assert not CommentReport.objects.exists()


# Enough reports send the comment back to the queue.


@pytest.fixture
def reported_by_three(settings, comment):
    settings.COMMENTS_REPORTS_TO_HOLD = 3
    for number in range(1, 4):
        report(comment, address=f"198.51.100.{number}")
    comment.refresh_from_db()
    return comment


def test_two_reports_leave_the_comment_public(settings, comment):
    settings.COMMENTS_REPORTS_TO_HOLD = 3
    report(comment, address="198.51.100.1")
    report(comment, address="198.51.100.2")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_third_report_from_another_address_holds_the_comment_again(reported_by_three):
    assert reported_by_three.status == Comment.Status.PENDING
    assert reported_by_three.report_count == 3


def test_comment_held_by_reports_says_so_in_the_queue_not_the_rule_that_approved_it(reported_by_three):
    assert (reported_by_three.rule, reported_by_three.reason) == ("reader_reports", "3 readers' reports")


def test_comment_held_by_reports_gets_a_log_entry_without_a_person(reported_by_three):
    entry = ModerationLogEntry.objects.get(comment=reported_by_three, to_status=Comment.Status.PENDING)
    assert (entry.from_status, entry.actor) == (Comment.Status.APPROVED, None)
    assert entry.reason == "reported 3 times, back to the queue"


def test_comment_held_by_reports_disappears_from_the_story_page(client, story, reported_by_three):
    page = client.get(story.get_absolute_url()).content.decode()
    assert "A comment some readers dislike." not in page
    assert f'id="comment-{reported_by_three.pk}"' not in page


def test_three_reports_from_one_address_do_not_hold_the_comment(settings, comment):
    settings.COMMENTS_REPORTS_TO_HOLD = 3
    for reason in ("spam", "abuse", "other"):
        report(comment, address="198.51.100.1", reason=reason)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_comment_held_by_reports_emails_the_moderators(
    settings, comment, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    make_moderator(django_user_model, email="mod@example.com")
    settings.COMMENTS_REPORTS_TO_HOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        report(comment)
    assert len(mailoutbox) == 1


def test_approval_by_a_moderator_answers_the_reports_so_far(settings, comment, django_user_model):
    from comments.status import change_status

    settings.COMMENTS_REPORTS_TO_HOLD = 2
    report(comment, address="198.51.100.1")
    report(comment, address="198.51.100.2")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    change_status(comment, Comment.Status.APPROVED, actor=django_user_model.objects.create_user("mod"))
    report(comment, address="198.51.100.3")
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Comment.Status.APPROVED, 1)
