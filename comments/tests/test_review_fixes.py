"""Hostile input, depth limits, address keys and deletions found in review."""

import pytest
from django.contrib.auth.models import Permission
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.posting import client_key

from .factories import make_comment, make_story, post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_story()


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 40, "-1", "1e3"])
def test_odd_reply_ids_in_the_address_are_ignored(client, story, value):
    make_comment(story)
    response = client.get(story.get_absolute_url(), {"replytocom": value})
    assert response.status_code == 200
    assert '<p id="replying-to" class="replying-to small" hidden>' in response.content.decode()


@pytest.mark.usefixtures("no_posting_limits")
@pytest.mark.parametrize("value", ["²", "9" * 40])
def test_odd_parent_ids_in_a_post_are_refused_without_an_error_page(client, story, value):
    response = post_form(client, story, parent=value)
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.usefixtures("no_posting_limits")
def test_with_one_level_a_reply_becomes_a_top_level_comment(client, story, settings):
    settings.COMMENTS_MAX_DEPTH = 1
    parent = make_comment(story, author_email="known@example.org")
    post_form(client, story, parent=parent.pk, author_email="known@example.org", text="Answer at the top.")
    reply = Comment.objects.get(text="Answer at the top.")
    assert (reply.parent_id, reply.depth, reply.thread_id) == (None, 0, reply.pk)


@pytest.mark.usefixtures("no_posting_limits")
def test_reply_to_the_deepest_level_is_refused_when_its_new_parent_is_not_public(client, story, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    root = make_comment(story)
    deep = make_comment(story, parent=root)
    Comment.objects.filter(pk=root.pk).update(status=Comment.Status.REMOVED)
    response = post_form(client, story, parent=deep.pk, text="Where would this go?")
    assert response.status_code == 400
    assert not Comment.objects.filter(text="Where would this go?").exists()


def test_ipv6_clients_are_keyed_by_their_64_network():
    assert client_key("post", "2001:db8:1:2::1") == client_key("post", "2001:db8:1:2:ffff::9")
    assert client_key("post", "2001:db8:1:2::1") != client_key("post", "2001:db8:1:3::1")
    assert client_key("post", "203.0.113.1") != client_key("post", "203.0.113.2")


def test_address_keys_are_not_plain_hashes_of_the_address():
    import hashlib

    key = client_key("report:1", "203.0.113.1")
    assert key not in {hashlib.sha256(text.encode()).hexdigest() for text in ("203.0.113.1", "report:1:203.0.113.1")}


def test_three_reports_from_one_ipv6_network_count_once(story, settings):
    settings.COMMENTS_REPORTS_TO_HOLD = 2
    comment = make_comment(story)
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3"):
        Client(REMOTE_ADDR=host).post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"})
    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (1, Comment.Status.APPROVED)


def test_a_comment_with_a_history_cannot_be_deleted(story):
    from comments.status import change_status

    comment = make_comment(story)
    change_status(comment, Comment.Status.REMOVED)
    with pytest.raises(ProtectedError):
        comment.delete()


def test_nobody_gets_a_delete_button_for_comments(client, story, django_user_model):
    comment = make_comment(story)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", None))
    assert client.get(reverse("admin:comments_comment_delete", args=[comment.pk])).status_code == 403
    changelist = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist


def test_editors_group_has_no_delete_permission_on_comments(staff_groups):
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert "delete_comment" not in codenames
    assert {"moderate_comment", "change_story"} <= codenames
    assert Permission.objects.filter(codename="delete_comment").exists()


def test_an_edit_in_admin_is_written_to_the_moderation_log(client, story, django_user_model):
    comment = make_comment(story, text="Orignal spelling.")
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", None)
    client.force_login(editor)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.post(
        url,
        {
            "author_name": comment.author_name,
            "author_url": "",
            "text": "Original spelling.",
            "log-TOTAL_FORMS": "0",
            "log-INITIAL_FORMS": "0",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = comment.log.order_by("-id").first()
    assert (entry.actor, entry.reason) == (editor, "edited in admin: text")
