"""Erasing a commenter's data in admin, at their request: the commenter page's button and the queue's
action, each with a page to confirm; the permission `comments.erase_commenter_data`; the logs."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Group, Permission

from comments.erasure import ERASE_REASON
from comments.models import Comment, Commenter, ModerationLogEntry

from .factories import make_comment, make_moderator, make_story, read_form

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"
COMMENTERS = "/admin/comments/commenter/"
ADDRESS = "ann@example.org"


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def comments(story):
    root = make_comment(story, author_name="Ann Reader", author_email=ADDRESS, text="Ann's first.")
    reply = make_comment(story, parent=root, author_name="Bob", author_email="bob@example.org", text="Bob's reply.")
    second = make_comment(story, author_name="Ann", author_email="ann+x@example.org", text="Ann's second.")
    return root, reply, second


@pytest.fixture
def moderator(client, django_user_model):
    user = make_moderator(django_user_model)
    client.force_login(user)
    return user


def commenter():
    return Commenter.objects.get(email=ADDRESS)


def erase_url():
    return f"{COMMENTERS}{commenter().pk}/erase/"


def test_moderators_may_erase_and_editors_and_reporters_may_not():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert "erase_commenter_data" in codenames("Moderators")
    assert "erase_commenter_data" not in codenames("Editors") | codenames("Reporters")


def test_the_commenter_page_offers_the_button_to_those_who_may_erase(client, moderator, comments, django_user_model):
    page = client.get(f"{COMMENTERS}{commenter().pk}/change/").content.decode()
    assert f'href="{erase_url()}"' in page
    viewer = make_moderator(django_user_model, username="viewer", email="viewer@example.com")
    viewer.groups.clear()
    viewer.user_permissions.set(Permission.objects.filter(codename__in=["view_commenter", "change_commenter"]))
    client.force_login(viewer)
    page = client.get(f"{COMMENTERS}{commenter().pk}/change/")
    assert page.status_code == 200
    assert "/erase/" not in page.content.decode()


@pytest.mark.parametrize("group", ["Editors", "Reporters"])
def test_staff_without_the_permission_cannot_erase(client, comments, django_user_model, group):
    client.force_login(make_moderator(django_user_model, username=group, email=f"{group}@example.com", group=group))
    assert client.get(erase_url()).status_code == 403
    assert client.post(erase_url()).status_code == 403
    assert Comment.objects.filter(erased_at__isnull=False).count() == 0


def test_the_erase_page_asks_first_and_changes_nothing(client, moderator, comments):
    response = client.get(erase_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Erase this commenter&#x27;s data?</h1>" in page
    assert "<bdi>ann@example.org</bdi></td><td>2</td>" in page
    assert Comment.objects.filter(erased_at__isnull=False).count() == 0


def test_a_moderator_erases_a_commenter_and_the_logs_name_them(client, moderator, comments):
    root, reply, second = comments
    commenter_id = commenter().pk
    _action, fields = read_form(client.get(erase_url()), "erase-commenters-form")
    response = client.post(erase_url(), fields, follow=True)
    assert response.status_code == 200
    assert "Erased the data of 1 commenter. 2 comments now say only that they were removed" in response.content.decode()
    for comment in (root, second):
        comment.refresh_from_db()
        assert (comment.author_email, comment.erased_at is not None) == ("", True)
        entry = ModerationLogEntry.objects.filter(comment=comment).last()
        assert (entry.actor, entry.reason) == (moderator, ERASE_REASON)
    assert Comment.objects.get(pk=reply.pk).text == "Bob's reply."
    history = LogEntry.objects.get(object_id=str(commenter_id), content_type__model="commenter")
    assert (history.user, history.action_flag) == (moderator, DELETION)
    assert ADDRESS not in history.object_repr
    assert not Commenter.objects.filter(email=ADDRESS).exists()


def test_the_queue_action_lists_the_commenters_then_erases_them(client, moderator, comments):
    root, reply, second = comments
    selected = [root.pk, second.pk]
    response = client.post(QUEUE, {"action": "erase_commenters_data", "_selected_action": selected})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<bdi>ann@example.org</bdi>") == 1  # one mailbox, two spellings
    assert Comment.objects.filter(erased_at__isnull=False).count() == 0
    response = client.post(
        QUEUE, {"action": "erase_commenters_data", "_selected_action": selected, "post": "yes"}, follow=True
    )
    assert "Erased the data of 1 commenter." in response.content.decode()
    assert set(Comment.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)) == {root.pk, second.pk}


def test_the_queue_action_is_offered_only_with_the_permission(client, comments, django_user_model, moderator):
    assert 'value="erase_commenters_data"' in client.get(QUEUE).content.decode()
    client.force_login(make_moderator(django_user_model, username="ed", email="ed@example.com", group="Editors"))
    assert 'value="erase_commenters_data"' not in client.get(QUEUE).content.decode()
    response = client.post(
        QUEUE, {"action": "erase_commenters_data", "_selected_action": [comments[0].pk], "post": "yes"}
    )
    assert response.status_code == 302  # Django: "No action selected", back to the list
    assert Comment.objects.filter(erased_at__isnull=False).count() == 0


def test_a_kept_commenter_s_page_says_it_was_erased(client, moderator, comments):
    from comments.commenters import set_standing

    set_standing(commenter(), Commenter.Standing.BLOCKED, actor=moderator, reason="spam")
    pk = commenter().pk
    client.post(f"{COMMENTERS}{pk}/erase/")
    kept = Commenter.objects.get(pk=pk)
    assert kept.is_erased and kept.standing == Commenter.Standing.BLOCKED
    page = client.get(f"{COMMENTERS}{pk}/change/").content.decode()
    assert "/erase/" not in page
    response = client.get(f"{COMMENTERS}{pk}/erase/", follow=True)
    assert "This commenter&#x27;s data was erased already." in response.content.decode()
