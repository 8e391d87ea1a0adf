"""The moderation queue in admin: order, filters, search, actions, the e-mail's links, roles, counts, the log."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from comments.models import Comment, ModerationLogEntry
from comments.status import change_status

from .factories import make_comment, make_moderator, make_story, post_form, read_form

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def chief(client, django_user_model):
    """A superuser, logged in (no password: hashing one costs a third of a second)."""
    user = django_user_model.objects.create_superuser("chief", "chief@example.com", None)
    client.force_login(user)
    return user


@pytest.fixture
def moderator(client, django_user_model):
    user = make_moderator(django_user_model)
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = make_moderator(django_user_model, username="editor", email="editor@example.com", group="Editors")
    client.force_login(user)
    return user


def listed_texts(response, *texts):
    """The given comment texts in the order the queue lists them."""
    page = response.content.decode()
    return sorted((text for text in texts if text in page), key=page.index)


def act(client, action, *comments):
    return client.post(QUEUE, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True)


# The queue.


def test_queue_lists_pending_comments_first(client, chief, story):
    make_comment(story, text="Old approved comment")
    make_comment(story, text="Pending comment", status=Comment.Status.PENDING)
    make_comment(story, text="Newest approved comment")
    response = client.get(QUEUE)
    assert listed_texts(response, "Old approved comment", "Pending comment", "Newest approved comment")[0] == (
        "Pending comment"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status__exact": "pending"}, ["Held comment"]),
        ({"status__exact": "spam"}, ["Spam comment"]),
        ({"rule": "first_comment"}, ["Held comment"]),
        ({"rule": "honeypot"}, ["Spam comment"]),
        ({"q": "ferry timetable"}, ["Approved comment about the ferry timetable"]),
        ({"q": "Mallory"}, ["Spam comment"]),
        ({"q": "held@example.com"}, ["Held comment"]),
        ({"q": "203.0.113.5"}, ["Spam comment"]),
    ],
    ids=["status-pending", "status-spam", "rule-first", "rule-honeypot", "text", "name", "email", "ip"],
)
def test_queue_filters_and_search_narrow_the_list(client, chief, story, query, expected):
    make_comment(story, text="Approved comment about the ferry timetable", ip_address="192.0.2.1")
    make_comment(story, text="Held comment", status="pending", rule="first_comment", author_email="held@example.com")
    make_comment(
        story, text="Spam comment", status="spam", rule="honeypot", author_name="Mallory", ip_address="203.0.113.5"
    )
    response = client.get(QUEUE, query)
    texts = ["Approved comment about the ferry timetable", "Held comment", "Spam comment"]
    assert response.status_code == 200
    assert listed_texts(response, *texts) == expected


def test_queue_filters_by_story(client, chief, story):
    make_comment(story, text="On the ferry story")
    make_comment(make_story(), text="On another story")
    response = client.get(QUEUE, {"story__id__exact": story.pk})
    assert listed_texts(response, "On the ferry story", "On another story") == ["On the ferry story"]


def test_queue_shows_the_rule_that_held_each_comment(client, chief, story):
    make_comment(story, text="Held for links", status="pending", rule="links")
    assert '<td class="field-rule">links</td>' in client.get(QUEUE).content.decode()


# Bulk actions.


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", Comment.Status.APPROVED, "2 comments approved."),
        ("mark_spam", Comment.Status.SPAM, "2 comments marked as spam."),
        ("remove", Comment.Status.REMOVED, "2 comments removed."),
    ],
)
def test_bulk_action_changes_the_status_of_the_selected_comments(client, moderator, story, action, status, message):
    first = make_comment(story, status=Comment.Status.PENDING)
    second = make_comment(story, status=Comment.Status.PENDING)
    make_comment(story, status=Comment.Status.PENDING)
    response = act(client, action, first, second)
    assert message in response.content.decode()
    assert list(Comment.objects.order_by("id").values_list("status", flat=True)) == [status, status, "pending"]


def test_bulk_action_logs_who_changed_each_comment_and_how(client, moderator, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    act(client, "approve", comment)
    entry = ModerationLogEntry.objects.get(comment=comment)
    assert (entry.actor, entry.from_status, entry.to_status) == (moderator, "pending", "approved")
    assert entry.reason == "approved in admin"


def test_bulk_action_on_comments_with_that_status_already_logs_nothing(client, moderator, story):
    comment = make_comment(story)
    response = act(client, "approve", comment)
    assert "0 comments approved." in response.content.decode()
    assert not ModerationLogEntry.objects.exists()


def test_approved_comment_appears_on_the_story_page(client, moderator, story):
    comment = make_comment(story, text="Now you see me.", status=Comment.Status.PENDING)
    act(client, "approve", comment)
    client.logout()
    assert "Now you see me." in client.get(story.get_absolute_url()).content.decode()


# One comment, from the e-mail's links.


def test_moderate_link_asks_before_acting(client, moderator, story):
    comment = make_comment(story, text="Check me.", status=Comment.Status.PENDING)
    response = client.get(f"/admin/comments/comment/{comment.pk}/moderate/approve/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Approve this comment?" in page
    assert "Check me." in page
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.usefixtures("no_posting_limits")
def test_approve_link_in_the_moderators_email_approves_the_comment_once_confirmed(
    client, moderator, story, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_form(Client(), story, text="Please let me in.")
    link = re.search(r"^Approve it: (\S+)$", mailoutbox[0].body, re.MULTILINE)[1].removeprefix(settings.SITE_URL)
    assert "Please let me in." in client.get(link).content.decode()
    client.post(link)
    assert Comment.objects.get().status == Comment.Status.APPROVED


@pytest.mark.parametrize(("action", "status"), [("approve", "approved"), ("spam", "spam"), ("remove", "removed")])
def test_moderate_link_acts_when_confirmed(client, moderator, story, action, status):
    comment = make_comment(story, status=Comment.Status.PENDING)
    response = client.post(f"/admin/comments/comment/{comment.pk}/moderate/{action}/")
    comment.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?status__exact=pending"
    assert comment.status == status
    assert ModerationLogEntry.objects.get(comment=comment).actor == moderator


def test_moderate_link_with_an_unknown_action_changes_nothing(client, moderator, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    response = client.post(f"/admin/comments/comment/{comment.pk}/moderate/delete/")
    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.status == Comment.Status.PENDING


def test_moderate_link_sends_a_visitor_who_is_not_logged_in_to_the_login_page(client, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    response = client.post(f"/admin/comments/comment/{comment.pk}/moderate/approve/")
    comment.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert comment.status == Comment.Status.PENDING


# Roles.


def test_moderator_can_open_the_queue_and_a_comment(client, moderator, story):
    comment = make_comment(story)
    assert client.get(QUEUE).status_code == 200
    assert client.get(f"/admin/comments/comment/{comment.pk}/change/").status_code == 200


def test_moderator_cannot_open_a_story_in_admin(client, moderator, story):
    assert client.get(f"/admin/articles/story/{story.pk}/change/").status_code == 403
    assert client.get("/admin/articles/story/add/").status_code == 403


def test_moderator_is_not_offered_to_add_a_story(client, moderator):
    page = client.get("/admin/").content.decode()
    assert "/admin/articles/story/add/" not in page
    assert "/admin/comments/comment/" in page


def test_editor_can_edit_a_story(client, editor, story):
    url = f"/admin/articles/story/{story.pk}/change/"
    _, fields = read_form(client.get(url), "story_form")
    response = client.post(url, {**fields, "headline": "Harbour ferry adds two crossings"})
    story.refresh_from_db()
    assert response.status_code == 302
    assert story.headline == "Harbour ferry adds two crossings"


def test_editor_can_edit_a_comment(client, editor, story):
    comment = make_comment(story, text="Teh ferry is late.")
    change_status(comment, Comment.Status.APPROVED)
    url = f"/admin/comments/comment/{comment.pk}/change/"
    _, fields = read_form(client.get(url), "comment_form")
    response = client.post(url, {**fields, "text": "The ferry is late."})
    comment.refresh_from_db()
    assert response.status_code == 302
    assert comment.text == "The ferry is late."


def test_editor_can_moderate(client, editor, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    act(client, "approve", comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


@pytest.fixture
def staff_without_moderate(client, django_user_model):
    user = django_user_model.objects.create_user("intern", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_comment", "change_comment"]))
    client.force_login(user)
    return user


def test_staff_without_the_moderate_permission_are_not_offered_the_actions(client, staff_without_moderate, story):
    make_comment(story)
    page = client.get(QUEUE).content.decode()
    for action in ("approve", "mark_spam", "remove", "hold"):
        assert f'<option value="{action}">' not in page


def test_staff_without_the_moderate_permission_cannot_approve_by_posting_the_action(
    client, staff_without_moderate, story
):
    comment = make_comment(story, status=Comment.Status.PENDING)
    act(client, "approve", comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not ModerationLogEntry.objects.exists()


def test_staff_without_the_moderate_permission_cannot_use_the_moderate_link(client, staff_without_moderate, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    assert client.post(f"/admin/comments/comment/{comment.pk}/moderate/approve/").status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


# Counts of waiting comments.


def test_admin_index_says_how_many_comments_wait(client, chief, story):
    make_comment(story, status=Comment.Status.PENDING)
    make_comment(make_story(), status=Comment.Status.PENDING)
    make_comment(story)
    page = client.get("/admin/").content.decode()
    assert "2 comments are waiting for moderation." in page
    assert f'href="{QUEUE}?status__exact=pending"' in page


def test_admin_index_says_when_no_comment_waits(client, chief, story):
    make_comment(story)
    assert "No comments are waiting for moderation." in client.get("/admin/").content.decode()


def test_story_list_shows_how_many_comments_of_each_story_wait(client, chief, story):
    quiet = make_story(headline="A quiet story")
    make_comment(story, status=Comment.Status.PENDING)
    make_comment(story, status=Comment.Status.PENDING)
    make_comment(story)
    make_comment(quiet)
    page = client.get("/admin/articles/story/").content.decode()
    cells = dict(
        re.findall(r'value="(\d+)" class="action-select".*?<td class="field-pending_comments">(.*?)</td>', page)
    )
    link = f'<a href="{QUEUE}?status__exact=pending&amp;story__id__exact={story.pk}">2</a>'
    assert cells == {str(story.pk): link, str(quiet.pk): "0"}


# The moderation log: shown with the comment, never changed.


def test_comment_page_shows_its_moderation_log(client, chief, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    change_status(comment, Comment.Status.APPROVED, actor=chief, reason="approved in admin")
    page = client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert 'id="log-group"' in page
    assert "approved in admin" in page


def test_moderation_log_in_admin_cannot_be_added_to_or_deleted_from(client, chief, story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    change_status(comment, Comment.Status.APPROVED, actor=chief, reason="approved in admin")
    _, fields = read_form(client.get(f"/admin/comments/comment/{comment.pk}/change/"), "comment_form")
    assert fields["log-MAX_NUM_FORMS"] == "0"
    assert not [name for name in fields if name.startswith("log-") and name.endswith("-DELETE")]
    assert not [name for name in fields if name.startswith("log-") and name.endswith("-reason")]


def test_moderation_log_has_no_admin_page_of_its_own(client, chief):
    assert client.get("/admin/comments/moderationlogentry/").status_code == 404


def test_saving_a_stored_log_entry_again_is_refused(story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    change_status(comment, Comment.Status.APPROVED)
    entry = ModerationLogEntry.objects.get()
    entry.reason = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert ModerationLogEntry.objects.get().reason == ""


def test_deleting_a_log_entry_is_refused(story):
    comment = make_comment(story, status=Comment.Status.PENDING)
    change_status(comment, Comment.Status.APPROVED)
    with pytest.raises(ValueError, match="append-only"):
        ModerationLogEntry.objects.get().delete()
    assert ModerationLogEntry.objects.count() == 1


@pytest.mark.parametrize("path", ["", "{pk}/moderate/approve/"])
def test_moderation_queue_and_moderate_page_clip_what_a_comment_draws(client, moderator, story, path):
    comment = make_comment(story, text="Zalgo", status=Comment.Status.PENDING)
    page = client.get(f"/admin/comments/comment/{path.format(pk=comment.pk)}").content.decode()
    assert "/static/css/admin.css" in page  # its #result_list td and .user-text rules clip
