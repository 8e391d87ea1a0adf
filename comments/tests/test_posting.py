"""Posting a comment that is stored: held or approved, who sees it, the count, cookies, log and e-mail."""

import pytest
from django.test import Client

from comments.cookies import AUTHOR_COOKIE
from comments.models import Comment, ModerationLogEntry

from .factories import make_comment, make_moderator, make_story, post_form, read_form, signing_hours_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

AWAITING = "Your comment is awaiting moderation."


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def known_commenter(story):
    """ann@example.com, the default author of `post_form`, has an approved comment already."""
    return make_comment(story, author_email="ann@example.com", author_name="Ann Reader", text="My first comment.")


# A first comment: held, and shown to its author only.


def test_first_comment_is_stored_as_pending_by_the_first_comment_rule(client, story):
    post_form(client, story, text="Hello from a new reader.")
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "first_comment")


def test_first_comment_redirects_to_its_place_on_the_story_page(client, story):
    response = post_form(client, story)
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"


def test_author_sees_the_held_comment_with_the_awaiting_moderation_notice(client, story):
    response = post_form(client, story, text="Hello from a new reader.")
    page = client.get(response["Location"]).content.decode()
    assert "Hello from a new reader." in page
    assert AWAITING in page


def test_another_browser_does_not_see_the_held_comment(client, story):
    post_form(client, story, text="Hello from a new reader.")
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "Hello from a new reader." not in page
    assert AWAITING not in page


def test_held_comment_is_no_longer_shown_to_its_author_after_the_configured_hours(client, story, settings):
    settings.COMMENTS_HELD_VISIBLE_HOURS = 24
    with signing_hours_ago(25):
        response = post_form(client, story, text="Hello from yesterday.")
    assert response.status_code == 303
    assert "Hello from yesterday." not in client.get(story.get_absolute_url()).content.decode()


def test_comment_stores_the_visitors_address_and_browser(story):
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="TestBrowser/1.0")
    post_form(client, story)
    comment = Comment.objects.get()
    assert (comment.ip_address, comment.user_agent) == ("198.51.100.7", "TestBrowser/1.0")


def test_behind_a_trusted_proxy_the_address_is_the_last_forwarded_hop(story, settings):
    settings.COMMENTS_TRUST_X_FORWARDED_FOR = True
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7")
    post_form(client, story)
    assert Comment.objects.get().ip_address == "198.51.100.7"


def test_forwarded_hop_with_a_port_is_stored_as_a_valid_address_or_none(story, settings):
    settings.COMMENTS_TRUST_X_FORWARDED_FOR = True
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9:51234")
    assert post_form(client, story).status_code == 303
    assert Comment.objects.get().ip_address in ("203.0.113.9", None)


# A known commenter: approved at once.


def test_known_commenter_is_approved(client, story, known_commenter):
    post_form(client, story, text="A second comment from Ann.")
    comment = Comment.objects.get(text="A second comment from Ann.")
    assert (comment.status, comment.rule) == (Comment.Status.APPROVED, "known_commenter")


def test_known_commenter_is_recognised_whatever_the_case_of_the_email(client, story, known_commenter):
    post_form(client, story, text="Shouting my address.", author_email="ANN@Example.COM")
    assert Comment.objects.get(text="Shouting my address.").status == Comment.Status.APPROVED


def test_approved_comment_appears_at_its_permalink_for_everyone(client, story, known_commenter):
    response = post_form(client, story, text="A second comment from Ann.")
    comment = Comment.objects.get(text="A second comment from Ann.")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = Client().get(response["Location"]).content.decode()
    assert f'<li id="comment-{comment.pk}"' in page
    assert "A second comment from Ann." in page
    assert AWAITING not in page


def test_staff_member_is_approved_and_linked_to_the_comment(client, story, django_user_model):
    editor = django_user_model.objects.create_user("desk", is_staff=True)
    client.force_login(editor)
    post_form(client, story, text="A note from the desk.")
    comment = Comment.objects.get()
    assert (comment.status, comment.rule, comment.user) == (Comment.Status.APPROVED, "staff", editor)


# The heading counts approved comments.


def test_heading_counts_approved_comments_only(client, story):
    make_comment(story)
    make_comment(story)
    make_comment(story, status=Comment.Status.PENDING)
    make_comment(story, status=Comment.Status.SPAM)
    page = client.get(story.get_absolute_url()).content.decode()
    assert '2 thoughts on “<span lang="en">Harbour ferry adds an evening crossing</span>”' in page


def test_heading_is_singular_for_one_comment(client, story):
    make_comment(story)
    page = client.get(story.get_absolute_url()).content.decode()
    assert '1 thought on “<span lang="en">Harbour ferry adds an evening crossing</span>”' in page


def test_held_comment_of_the_author_is_not_counted(client, story):
    make_comment(story)
    post_form(client, story, text="Waiting for a moderator.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert '1 thought on “<span lang="en">Harbour ferry adds an evening crossing</span>”' in page


# "Save my name, email, and website in this browser".


def test_ticking_save_my_name_prefills_the_next_form(client, story):
    post_form(client, story, remember="on", author_name="Ann Reader", author_url="https://ann.example/")
    _, fields = read_form(client.get(story.get_absolute_url()))
    assert fields["author_name"] == "Ann Reader"
    assert fields["author_email"] == "ann@example.com"
    assert fields["author_url"] == "https://ann.example/"
    assert fields["remember"] == "on"


def test_ticking_save_my_name_sets_a_cookie_scripts_cannot_read(client, story):
    response = post_form(client, story, remember="on")
    cookie = response.cookies[AUTHOR_COOKIE]
    assert cookie.value
    assert cookie["httponly"]


def test_leaving_save_my_name_unticked_sets_no_cookie(client, story):
    post_form(client, story)
    saved = client.cookies.get(AUTHOR_COOKIE)
    assert saved is None or saved.value == ""
    _, fields = read_form(client.get(story.get_absolute_url()))
    assert fields["author_name"] == ""


def test_unticking_save_my_name_forgets_the_saved_name(client, story):
    post_form(client, story, remember="on", text="First.")
    response = post_form(client, story, remember=None, text="Second.")
    assert response.cookies[AUTHOR_COOKIE]["max-age"] == 0
    _, fields = read_form(client.get(story.get_absolute_url()))
    assert (fields["author_name"], fields["author_email"]) == ("", "")
    assert "remember" not in fields


# The moderation log and the e-mail to moderators.


def test_new_comment_gets_one_log_entry_naming_its_rule(client, story):
    post_form(client, story)
    entry = ModerationLogEntry.objects.get()
    assert (entry.from_status, entry.to_status, entry.actor) == ("", Comment.Status.PENDING, None)
    assert entry.reason.startswith("first_comment: ")


def test_approved_comment_gets_one_log_entry_naming_its_rule(client, story, known_commenter):
    post_form(client, story, text="Approved at once.")
    entry = ModerationLogEntry.objects.get(comment__text="Approved at once.")
    assert entry.to_status == Comment.Status.APPROVED
    assert entry.reason.startswith("known_commenter: ")


def test_held_comment_sends_moderators_one_email_with_approve_and_spam_links(
    client, story, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    make_moderator(django_user_model, email="mod@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, story, text="Please check me.")
    comment = Comment.objects.get()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["mod@example.com"]
    assert "Harbour ferry adds an evening crossing" in message.subject
    assert "Please check me." in message.body
    assert f"/admin/comments/comment/{comment.pk}/moderate/approve/" in message.body
    assert f"/admin/comments/comment/{comment.pk}/moderate/spam/" in message.body


def test_approved_comment_sends_no_email(
    client, story, known_commenter, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    make_moderator(django_user_model, email="mod@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, story, text="Approved at once.")
    assert mailoutbox == []


def test_moderator_without_email_address_gets_no_email_and_the_post_still_succeeds(
    client, story, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    make_moderator(django_user_model, email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client, story)
    assert response.status_code == 303
    assert mailoutbox == []
