"""Editor's picks: who may pick, only approved comments, unpicked when they leave approved, logged,
listed first on the story page and fresh in the page cache."""

import html as html_text
import re

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from articles.models import Story
from comments.models import Comment, ModerationLogEntry
from comments.status import PICKED, UNPICKED, UNPICKED_WITH_STATUS, NotPickable, change_status, set_pick

from .factories import make_comment, make_moderator, make_story, shown_comments

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


@pytest.fixture
def story():
    return make_story(slug="ferry-picks", headline="Ferry timetable changes")


@pytest.fixture
def editor(django_user_model):
    return make_moderator(django_user_model, username="editor", email="editor@example.com", group="Editors")


@pytest.fixture
def moderator(django_user_model):
    return make_moderator(django_user_model)


def log_lines(comment):
    return list(ModerationLogEntry.objects.filter(comment=comment).values_list("from_status", "to_status", "reason"))


def page(story, query="", language="en"):
    with translation.override(language):
        url = story.get_absolute_url()
    response = Client().get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def picks_list(html):
    """[(comment id, link)] of the "Editor's picks" list, in its order; None without the list."""
    section = re.search(r'<section class="comment-picks.*?</section>', html, re.S)
    if section is None:
        return None
    return [
        (int(pk), link)
        for pk, link in re.findall(
            r'<li id="pick-(\d+)".*?<a class="comment-pick-link" href="([^"]+)"', section[0], re.S
        )
    ]


# Picking, in the status module.


def test_picking_an_approved_comment_records_who_and_when_and_logs_it(story, editor):
    comment = make_comment(story)
    assert set_pick(comment, True, actor=editor) is True
    comment.refresh_from_db()
    assert comment.is_picked
    assert comment.picked_by == editor
    assert log_lines(comment) == [("approved", "approved", PICKED)]
    assert ModerationLogEntry.objects.get(comment=comment).actor == editor


def test_unpicking_clears_the_pick_and_logs_it(story, editor):
    comment = make_comment(story)
    set_pick(comment, True, actor=editor)
    assert set_pick(comment, False, actor=editor) is True
    comment.refresh_from_db()
    assert (comment.picked_at, comment.picked_by) == (None, None)
    assert log_lines(comment) == [("approved", "approved", PICKED), ("approved", "approved", UNPICKED)]


def test_picking_a_pick_again_writes_nothing(story, editor):
    comment, other = make_comment(story), make_comment(story)
    set_pick(comment, True, actor=editor)
    version = Story.objects.get(pk=story.pk).page_version
    assert set_pick(comment, True, actor=editor) is False
    assert set_pick(other, False, actor=editor) is False
    assert len(log_lines(comment)) == 1
    assert Story.objects.get(pk=story.pk).page_version == version


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED])
def test_only_an_approved_comment_can_be_picked(story, editor, status):
    comment = make_comment(story, status=status)
    with pytest.raises(NotPickable):
        set_pick(comment, True, actor=editor)
    comment.refresh_from_db()
    assert not comment.is_picked
    assert log_lines(comment) == []


def test_the_database_refuses_a_pick_that_is_not_approved(story, editor):
    comment = make_comment(story, status=Comment.Status.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(picked_at=story.published_at)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED])
def test_a_pick_that_leaves_approved_status_is_no_longer_a_pick(story, editor, moderator, status):
    comment = make_comment(story)
    set_pick(comment, True, actor=editor)
    change_status(comment, status, actor=moderator, reason="changed in admin")
    comment.refresh_from_db()
    assert (comment.status, comment.picked_at, comment.picked_by) == (status, None, None)
    assert log_lines(comment) == [
        ("approved", "approved", PICKED),
        ("approved", status, "changed in admin"),
        (status, status, UNPICKED_WITH_STATUS),
    ]


def test_a_pick_reported_back_to_the_queue_is_no_longer_a_pick(client, story, editor, settings):
    settings.COMMENTS_REPORTS_TO_HOLD = 1
    comment = make_comment(story)
    set_pick(comment, True, actor=editor)
    client.post(f"/en/comments/{comment.pk}/report/", {"reason": "abuse"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not comment.is_picked


def test_a_pick_approved_again_stays_unpicked(story, editor, moderator):
    comment = make_comment(story)
    set_pick(comment, True, actor=editor)
    change_status(comment, Comment.Status.PENDING, actor=moderator)
    change_status(comment, Comment.Status.APPROVED, actor=moderator)
    comment.refresh_from_db()
    assert not comment.is_picked


# Who may pick: the admin actions.


def act(client, action, *comments):
    return client.post(QUEUE, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True)


def test_the_editors_group_may_pick_and_the_moderators_group_may_not():
    assert Group.objects.get(name="Editors").permissions.filter(codename="pick_comment").exists()
    assert not Group.objects.get(name="Moderators").permissions.filter(codename="pick_comment").exists()


def test_an_editor_is_offered_the_pick_actions(client, editor, story):
    make_comment(story)
    client.force_login(editor)
    html = client.get(QUEUE).content.decode()
    assert '<option value="pick">' in html
    assert '<option value="unpick">' in html


def test_an_editor_marks_comments_as_picks_from_the_queue(client, editor, story):
    first, second = make_comment(story), make_comment(story)
    client.force_login(editor)
    response = act(client, "pick", first, second)
    assert "2 comments marked as editor's picks." in html_text.unescape(response.content.decode())
    assert set(Comment.objects.filter(picked_at__isnull=False).values_list("pk", "picked_by")) == {
        (first.pk, editor.pk),
        (second.pk, editor.pk),
    }
    assert ModerationLogEntry.objects.filter(reason=PICKED, actor=editor).count() == 2


def test_picking_from_the_queue_skips_comments_that_are_not_approved_and_says_so(client, editor, story):
    approved, held = make_comment(story), make_comment(story, status=Comment.Status.PENDING)
    client.force_login(editor)
    html = html_text.unescape(act(client, "pick", approved, held).content.decode())
    assert "1 comment marked as editor's pick." in html
    assert "1 comment was not picked: only approved comments can be editor's picks." in html
    assert list(Comment.objects.filter(picked_at__isnull=False).values_list("pk", flat=True)) == [approved.pk]


def test_an_editor_unmarks_a_pick_from_the_queue(client, editor, story):
    comment = make_comment(story)
    set_pick(comment, True, actor=editor)
    client.force_login(editor)
    act(client, "unpick", comment)
    comment.refresh_from_db()
    assert not comment.is_picked


def test_a_moderator_is_not_offered_the_pick_actions_and_cannot_post_them(client, moderator, story):
    comment = make_comment(story)
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    assert '<option value="pick">' not in html
    assert '<option value="approve">' in html
    act(client, "pick", comment)
    comment.refresh_from_db()
    assert not comment.is_picked
    assert not ModerationLogEntry.objects.exists()


def test_the_queue_filters_picks_and_shows_the_pick_on_the_comment_s_page(client, editor, story):
    picked = make_comment(story, text="A comment worth reading.")
    make_comment(story, text="Another comment.")
    set_pick(picked, True, actor=editor)
    client.force_login(editor)
    html = client.get(QUEUE + "?picked=yes").content.decode()
    assert "A comment worth reading." in html
    assert "Another comment." not in html
    change_page = client.get(f"{QUEUE}{picked.pk}/change/").content.decode()
    picked_by = re.search(r'class="form-row field-picked_by">.*?<div class="readonly">(.*?)</div>', change_page, re.S)
    assert re.sub(r"<[^>]+>", "", picked_by[1]) == "editor"


# The story page.


@pytest.fixture
def picked_threads(story, editor, settings):
    """Five threads two to a page; the second (page 1) and the fifth (page 3) picked, and a reply on page 2."""
    settings.COMMENTS_PER_PAGE = 2
    threads = [make_comment(story, text=f"Thread {number}.") for number in range(5)]
    reply = make_comment(story, parent=threads[2], text="A reply worth picking.")
    for comment in (threads[1], threads[4], reply):
        set_pick(comment, True, actor=editor)
    return threads, reply


def test_picks_are_listed_before_the_threads_in_time_order(story, picked_threads):
    threads, reply = picked_threads
    html = page(story)
    # The reply was posted after the fifth thread: picks go by their own time.
    assert [pk for pk, _link in picks_list(html)] == [threads[1].pk, threads[4].pk, reply.pk]
    assert html.index('class="comment-picks') < html.index('class="comment-list')
    assert html.index('class="comment-order') < html.index('class="comment-picks')


def test_a_pick_links_to_its_place_in_its_thread(story, picked_threads):
    threads, reply = picked_threads
    links = dict(picks_list(page(story)))
    assert links[threads[1].pk] == f"#comment-{threads[1].pk}"  # its thread is on this page
    assert links[reply.pk] == f"/en/comments/{reply.pk}/"
    response = Client().get(links[reply.pk])
    assert response["Location"] == f"{story.get_absolute_url()}?cpage=2#comment-{reply.pk}"


def test_picks_follow_the_reader_s_order_and_link_in_it(story, picked_threads):
    threads, reply = picked_threads
    links = picks_list(page(story, "?comments=newest"))
    assert [pk for pk, _link in links] == [reply.pk, threads[4].pk, threads[1].pk]
    assert dict(links)[threads[4].pk] == f"#comment-{threads[4].pk}"
    assert dict(links)[threads[1].pk] == f"/en/comments/{threads[1].pk}/?comments=newest"


def test_a_picked_comment_carries_the_badge_in_its_thread(story, picked_threads):
    threads, _reply = picked_threads
    html = page(story)
    first_header = re.search(rf'<li id="comment-{threads[0].pk}".*?</header>', html, re.S)[0]
    picked_header = re.search(rf'<li id="comment-{threads[1].pk}".*?</header>', html, re.S)[0]
    assert "comment-badge-pick" not in first_header
    assert "Editor's pick</span>" in html_text.unescape(picked_header)


def test_the_picks_list_is_the_same_on_every_comment_page(story, picked_threads):
    assert picks_list(page(story)) is not None
    assert [pk for pk, _ in picks_list(page(story, "?cpage=3"))] == [pk for pk, _ in picks_list(page(story))]


def test_a_story_without_picks_has_no_picks_list(story):
    make_comment(story)
    assert picks_list(page(story)) is None


def test_the_picks_list_is_in_the_page_s_language(story, picked_threads):
    html = page(story, language="ko")
    with translation.override("ko"):
        title = translation.gettext("Editor's picks")
    assert html_text.unescape(re.search(r'<h3 id="comment-picks-title"[^>]*>([^<]+)</h3>', html)[1]) == title


def test_a_pick_shows_at_once_on_a_cached_page(story, editor):
    comment = make_comment(story, text="Worth a pick.")
    make_comment(story)
    assert picks_list(page(story)) is None  # now cached
    set_pick(comment, True, actor=editor)
    assert [pk for pk, _ in picks_list(page(story))] == [comment.pk]
    set_pick(comment, False, actor=editor)
    assert picks_list(page(story)) is None


def test_a_removed_pick_leaves_the_list_and_its_thread_at_once(story, editor):
    comment = make_comment(story, text="Picked, then removed.")
    make_comment(story)
    set_pick(comment, True, actor=editor)
    page(story)
    change_status(comment, Comment.Status.REMOVED)
    html = page(story)
    assert picks_list(html) is None
    assert comment.pk not in shown_comments(html)
