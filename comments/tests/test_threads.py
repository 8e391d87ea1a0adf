"""Threaded replies, replying without JavaScript, pages of threads and permalinks, and the page's query count."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Story
from comments.models import Comment

from .factories import (
    depth_classes,
    make_comment,
    make_story,
    make_threads,
    page_elements,
    post_form,
    read_form,
    shown_comments,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]


@pytest.fixture
def story():
    return make_story()


def story_page(client, story, query=""):
    return client.get(story.get_absolute_url() + query).content.decode()


# Nesting.


def test_replies_are_shown_inside_the_comment_they_answer(client, story):
    root = make_comment(story)
    reply = make_comment(story, parent=root)
    reply_to_reply = make_comment(story, parent=reply)
    other = make_comment(story)
    assert shown_comments(story_page(client, story)) == {
        root.pk: None,
        reply.pk: root.pk,
        reply_to_reply.pk: reply.pk,
        other.pk: None,
    }


def test_each_comment_has_the_class_of_its_depth(client, story):
    root = make_comment(story)
    reply = make_comment(story, parent=root)
    reply_to_reply = make_comment(story, parent=reply)
    assert depth_classes(story_page(client, story)) == {
        root.pk: "depth-0",
        reply.pk: "depth-1",
        reply_to_reply.pk: "depth-2",
    }


def test_threads_and_replies_are_shown_oldest_first(client, story):
    first = make_comment(story)
    second = make_comment(story)
    early_reply = make_comment(story, parent=first)
    late_reply = make_comment(story, parent=first)
    assert list(shown_comments(story_page(client, story))) == [first.pk, early_reply.pk, late_reply.pk, second.pk]


@pytest.mark.parametrize("status", [Comment.Status.REMOVED, Comment.Status.PENDING, Comment.Status.SPAM])
def test_replies_to_a_comment_that_is_not_public_stay_under_a_placeholder(client, story, status):
    root = make_comment(story)
    hidden = make_comment(story, parent=root, status=status, text="Words a moderator took down.")
    orphan = make_comment(story, parent=hidden, text="An answer to something gone.")
    answer = make_comment(story, parent=orphan, text="And an answer to that.")
    page = story_page(client, story)
    assert shown_comments(page) == {root.pk: None, hidden.pk: root.pk, orphan.pk: hidden.pk, answer.pk: orphan.pk}
    assert "This comment is not available." in page
    assert "Words a moderator took down." not in page
    assert hidden.author_name not in page.split(f'id="comment-{hidden.pk}"')[1].split("</p>")[0]
    assert "An answer to something gone." in page
    assert "3 thoughts on" in page


@pytest.mark.parametrize("status", [Comment.Status.REMOVED, Comment.Status.PENDING, Comment.Status.SPAM])
def test_comment_that_is_not_public_and_has_no_visible_replies_is_left_out(client, story, status):
    root = make_comment(story)
    hidden = make_comment(story, parent=root, status=status, text="Nobody answered this.")
    page = story_page(client, story)
    assert shown_comments(page) == {root.pk: None}
    assert "This comment is not available." not in page
    assert f'id="comment-{hidden.pk}"' not in page


def test_removed_top_level_comment_keeps_its_approved_replies_on_the_page(client, story):
    gone = make_comment(story, status=Comment.Status.REMOVED, text="Removed opener.")
    reply = make_comment(story, parent=gone, text="A reply worth keeping.")
    page = story_page(client, story)
    assert shown_comments(page) == {gone.pk: None, reply.pk: gone.pk}
    assert "A reply worth keeping." in page
    assert "Removed opener." not in page


# Replying without JavaScript: ?replytocom=<id>.


def test_reply_link_asks_for_the_form_as_a_reply(client, story):
    comment = make_comment(story)
    assert f'href="{story.get_absolute_url()}?replytocom={comment.pk}#respond"' in story_page(client, story)


def test_reply_form_names_the_comment_answered_with_a_way_to_cancel(client, story):
    comment = make_comment(story, author_name="Bo Reader")
    elements = page_elements(story_page(client, story, f"?replytocom={comment.pk}"))
    replying_to = elements["replying-to"]
    assert "hidden" not in replying_to.attrs
    assert " ".join(replying_to.text.split()) == "Replying to Bo Reader — cancel"
    assert elements["cancel-reply"].attrs["href"] == f"{story.get_absolute_url()}#respond"


def test_reply_form_carries_the_comment_answered(client, story):
    comment = make_comment(story)
    _, fields = read_form(client.get(story.get_absolute_url() + f"?replytocom={comment.pk}"))
    assert fields["parent"] == str(comment.pk)


@pytest.mark.parametrize("target", ["pending", "other-story", "nonexistent", "not-a-number", "huge"])
def test_reply_form_for_a_comment_that_cannot_be_answered_is_a_plain_form(client, story, target):
    replytocom = {
        "pending": lambda: make_comment(story, status=Comment.Status.PENDING).pk,
        "other-story": lambda: make_comment(make_story()).pk,
        "nonexistent": lambda: 987654,
        "not-a-number": lambda: "1%20OR%201=1",
        "huge": lambda: "99999999999999999999999",
    }[target]()
    response = client.get(story.get_absolute_url() + f"?replytocom={replytocom}")
    assert response.status_code == 200
    assert "hidden" in page_elements(response)["replying-to"].attrs
    assert read_form(response)[1]["parent"] == ""


def test_reply_sent_from_the_reply_form_is_stored_under_its_comment(client, story):
    comment = make_comment(story, author_email="ann@example.com")
    post_form(client, story, page_url=story.get_absolute_url() + f"?replytocom={comment.pk}", text="I agree.")
    reply = Comment.objects.get(text="I agree.")
    assert (reply.parent, reply.thread_id, reply.depth) == (comment, comment.pk, 1)
    assert shown_comments(story_page(client, story))[reply.pk] == comment.pk


def test_reply_beyond_the_maximum_depth_is_shown_beside_the_deepest_comment(client, story, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    root = make_comment(story, author_email="ann@example.com")
    middle = make_comment(story, parent=root)
    deepest = make_comment(story, parent=middle)
    post_form(client, story, page_url=story.get_absolute_url() + f"?replytocom={deepest.pk}", text="Deeper still.")
    reply = Comment.objects.get(text="Deeper still.")
    assert (reply.parent, reply.depth, reply.thread_id) == (middle, 2, root.pk)
    page = story_page(client, story)
    assert shown_comments(page)[reply.pk] == middle.pk
    assert depth_classes(page)[reply.pk] == "depth-2"


# Pages of threads.


@pytest.fixture
def five_threads(story, settings):
    """Five threads, two per page: threads 0-1 on page 1, 2-3 on page 2, 4 on page 3."""
    settings.COMMENTS_PER_PAGE = 2
    return [make_comment(story, text=f"Thread {number}.") for number in range(5)]


def test_first_page_shows_the_oldest_threads(client, story, five_threads):
    assert list(shown_comments(story_page(client, story))) == [five_threads[0].pk, five_threads[1].pk]


def test_second_page_shows_the_next_threads(client, story, five_threads):
    page = story_page(client, story, "?cpage=2")
    assert list(shown_comments(page)) == [five_threads[2].pk, five_threads[3].pk]
    assert f'href="{story.get_absolute_url()}?cpage=3#comments"' in page


def test_page_shows_the_replies_of_its_threads_however_late(client, story, five_threads):
    late_reply = make_comment(story, parent=five_threads[2])
    page = story_page(client, story, "?cpage=2")
    assert shown_comments(page)[late_reply.pk] == five_threads[2].pk
    assert late_reply.pk not in shown_comments(story_page(client, story, "?cpage=3"))


@pytest.mark.parametrize(("cpage", "expected_thread"), [("99", 4), ("abc", 0), ("0", 4), ("-1", 4)])
def test_page_number_out_of_range_shows_a_page_that_exists(client, story, five_threads, cpage, expected_thread):
    response = client.get(story.get_absolute_url() + f"?cpage={cpage}")
    assert response.status_code == 200
    assert five_threads[expected_thread].pk in shown_comments(response.content.decode())


def test_heading_counts_comments_on_every_page(client, story, five_threads):
    assert "5 thoughts on" in story_page(client, story, "?cpage=3")


def test_permalink_of_a_comment_on_page_two_opens_page_two_at_the_comment(client, story, five_threads):
    comment = five_threads[3]
    response = client.get(f"/en/comments/{comment.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}?cpage=2#comment-{comment.pk}"


def test_permalink_of_a_reply_opens_the_page_of_its_thread(client, story, five_threads):
    reply = make_comment(story, parent=five_threads[2])
    reply_to_reply = make_comment(story, parent=reply)
    response = client.get(f"/en/comments/{reply_to_reply.pk}/")
    assert response["Location"] == f"{story.get_absolute_url()}?cpage=2#comment-{reply_to_reply.pk}"


def test_permalink_of_a_comment_on_the_first_page_has_no_page_number(client, story, five_threads):
    response = client.get(f"/en/comments/{five_threads[1].pk}/")
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{five_threads[1].pk}"


def test_comment_permalink_on_the_page_points_at_the_permalink_view(client, story, five_threads):
    assert f'href="/en/comments/{five_threads[0].pk}/"' in story_page(client, story)


def test_reply_posted_in_a_thread_on_page_two_redirects_to_page_two(client, story, five_threads):
    make_comment(story, author_email="ann@example.com")
    url = story.get_absolute_url() + f"?replytocom={five_threads[2].pk}&cpage=2"
    response = post_form(client, story, page_url=url, text="Reply on page two.")
    reply = Comment.objects.get(text="Reply on page two.")
    assert response["Location"] == f"{story.get_absolute_url()}?cpage=2#comment-{reply.pk}"


def test_cancel_link_of_a_reply_on_page_two_stays_on_page_two(client, story, five_threads):
    page = story_page(client, story, f"?replytocom={five_threads[2].pk}&cpage=2")
    assert page_elements(page)["cancel-reply"].attrs["href"] == f"{story.get_absolute_url()}?cpage=2#respond"


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED])
def test_permalink_of_a_comment_that_is_not_public_is_not_found(client, story, status):
    comment = make_comment(story, status=status)
    assert client.get(f"/en/comments/{comment.pk}/").status_code == 404


def test_permalink_of_an_id_beyond_the_database_range_is_not_found(client):
    assert client.get("/en/comments/99999999999999999999999/").status_code == 404


def test_permalink_of_a_comment_on_a_draft_story_is_not_found(client):
    comment = make_comment(make_story(status=Story.Status.DRAFT))
    assert client.get(f"/en/comments/{comment.pk}/").status_code == 404


def test_permalink_of_a_held_comment_works_for_its_author(client, story):
    post_form(client, story)
    comment = Comment.objects.get()
    response = client.get(f"/en/comments/{comment.pk}/")
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    assert Client().get(f"/en/comments/{comment.pk}/").status_code == 404


# Queries: a fixed number, whatever the number of comments.


def story_page_queries(story):
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return len(queries), response


def test_story_page_with_500_comments_runs_as_many_queries_as_with_50(django_assert_max_num_queries):
    small, big = make_story(), make_story()
    make_threads(small, threads=10, replies_per_thread=4)
    make_threads(big, threads=100, replies_per_thread=4)
    assert Comment.objects.filter(story=big).count() == 500
    small_count, _ = story_page_queries(small)
    with django_assert_max_num_queries(small_count):
        response = Client().get(big.get_absolute_url())
    assert len(shown_comments(response.content.decode())) == 250
    assert "500 thoughts on" in response.content.decode()
