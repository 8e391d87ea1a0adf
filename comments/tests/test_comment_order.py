"""Readers choose the order of a story's comments: oldest first (the default) or newest first, without JavaScript."""

import re

import pytest
from django.test import Client

from comments.threads import NEWEST_FIRST, OLDEST_FIRST, comment_order

from .factories import make_comment, make_story, page_elements, shown_comments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]


@pytest.fixture
def story():
    return make_story(slug="harbour-order")


@pytest.fixture
def threads(story):
    """Three threads, the first with two replies: (first, early reply, late reply, second, third)."""
    first = make_comment(story, text="First thread.")
    second = make_comment(story, text="Second thread.")
    early = make_comment(story, parent=first, text="Early reply.")
    third = make_comment(story, text="Third thread.")
    late = make_comment(story, parent=first, text="Late reply.")
    return first, early, late, second, third


def page(story, query=""):
    response = Client().get(story.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def order_links(html):
    """{link text: (href, aria-current or None)} of the order links above the comments."""
    nav = re.search(r'<nav class="comment-order.*?</nav>', html, re.S)
    assert nav, "no order links on the page"
    return {
        text: (href.replace("&amp;", "&"), current or None)
        for href, current, text in re.findall(r'<a href="([^"]+)"(?: aria-current="([^"]+)")?>([^<]+)</a>', nav[0])
    }


@pytest.mark.parametrize(("raw", "order"), [(None, OLDEST_FIRST), ("newest", NEWEST_FIRST), ("oldest", OLDEST_FIRST)])
def test_the_order_parameter_names_the_order(raw, order):
    assert comment_order(raw) == order


@pytest.mark.parametrize("raw", ["", "NEWEST", "newest ", "random", "-created_at", "1"])
def test_any_other_value_falls_back_to_oldest_first(raw):
    assert comment_order(raw) == OLDEST_FIRST


def test_threads_are_oldest_first_by_default(story, threads):
    first, early, late, second, third = threads
    assert list(shown_comments(page(story))) == [first.pk, early.pk, late.pk, second.pk, third.pk]


def test_newest_first_puts_the_latest_thread_first_and_keeps_replies_in_time_order(story, threads):
    first, early, late, second, third = threads
    # The first thread's late reply is newer than the third thread: threads go by their top-level comment.
    assert list(shown_comments(page(story, "?comments=newest"))) == [third.pk, second.pk, first.pk, early.pk, late.pk]


@pytest.mark.parametrize("value", ["sideways", "NEWEST", "", "newest%20"])
def test_an_unknown_order_shows_oldest_first(story, threads, value):
    first, early, late, second, third = threads
    assert list(shown_comments(page(story, f"?comments={value}"))) == [first.pk, early.pk, late.pk, second.pk, third.pk]


def test_order_links_mark_the_order_shown(story, threads):
    url = story.get_absolute_url()
    assert order_links(page(story)) == {
        "Oldest first": (f"{url}#comments", "true"),
        "Newest first": (f"{url}?comments=newest#comments", None),
    }
    assert order_links(page(story, "?comments=newest&cpage=1")) == {
        "Oldest first": (f"{url}#comments", None),
        "Newest first": (f"{url}?comments=newest#comments", "true"),
    }


def test_an_unknown_order_marks_oldest_first_as_shown(story, threads):
    links = order_links(page(story, "?comments=sideways"))
    assert links["Oldest first"][1] == "true"
    assert links["Newest first"][1] is None


def test_one_thread_has_no_order_links(story):
    make_comment(story)
    make_comment(story, parent=story.comments.get())
    assert 'class="comment-order' not in page(story)


def test_the_canonical_address_stays_the_story_s(story, threads):
    html = page(story, "?comments=newest")
    assert re.search(r'<link rel="canonical" href="([^"]+)"', html)[1] == f"http://testserver{story.get_absolute_url()}"


# Pages of threads in either order.


@pytest.fixture
def five_threads(story, settings):
    """Five threads, two per page."""
    settings.COMMENTS_PER_PAGE = 2
    return [make_comment(story, text=f"Thread {number}.") for number in range(5)]


def page_links(html):
    """[(text, href)] of the first comment-page navigation."""
    nav = re.search(r'<nav class="comment-pages.*?</nav>', html, re.S)[0]
    return [
        (text, href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a class="page-link" href="([^"]+)">([^<]+)</a>', nav)
    ]


def test_newest_first_pages_count_from_the_newest_thread(story, five_threads):
    assert list(shown_comments(page(story, "?comments=newest"))) == [five_threads[4].pk, five_threads[3].pk]
    assert list(shown_comments(page(story, "?comments=newest&cpage=3"))) == [five_threads[0].pk]


def test_page_links_keep_the_order_and_the_anchor(story, five_threads):
    url = story.get_absolute_url()
    assert page_links(page(story, "?comments=newest&cpage=2")) == [
        ("Newer comments", f"{url}?comments=newest#comments"),
        ("1", f"{url}?comments=newest#comments"),
        ("3", f"{url}?cpage=3&comments=newest#comments"),
        ("Older comments", f"{url}?cpage=3&comments=newest#comments"),
    ]


def test_page_links_of_the_default_order_carry_no_order(story, five_threads):
    url = story.get_absolute_url()
    assert page_links(page(story, "?cpage=2")) == [
        ("Older comments", f"{url}#comments"),
        ("1", f"{url}#comments"),
        ("3", f"{url}?cpage=3#comments"),
        ("Newer comments", f"{url}?cpage=3#comments"),
    ]


def test_reply_and_cancel_links_keep_the_order(story, five_threads):
    url = story.get_absolute_url()
    html = page(story, "?comments=newest&cpage=2")
    reply = five_threads[2]
    assert f'href="{url}?replytocom={reply.pk}&amp;cpage=2&amp;comments=newest#respond"' in html
    answering = page(story, f"?replytocom={reply.pk}&cpage=2&comments=newest")
    assert page_elements(answering)["cancel-reply"].attrs["href"] == f"{url}?cpage=2&comments=newest#respond"
    assert list(shown_comments(answering)) == [five_threads[2].pk, five_threads[1].pk]


def test_permalink_with_newest_first_opens_the_comment_s_page_in_that_order(client, story, five_threads):
    oldest_thread = five_threads[0]
    response = client.get(f"/en/comments/{oldest_thread.pk}/?comments=newest")
    assert response["Location"] == f"{story.get_absolute_url()}?cpage=3&comments=newest#comment-{oldest_thread.pk}"
    default = client.get(f"/en/comments/{oldest_thread.pk}/")
    assert default["Location"] == f"{story.get_absolute_url()}#comment-{oldest_thread.pk}"


# The page cache keeps each order apart.


def test_a_cached_oldest_first_page_is_never_served_for_newest_first(story, threads):
    first, early, late, second, third = threads
    page(story)  # cached, oldest first
    assert list(shown_comments(page(story, "?comments=newest")))[:2] == [third.pk, second.pk]
    assert list(shown_comments(page(story)))[:2] == [first.pk, early.pk]


def test_a_cached_newest_first_page_is_never_served_for_oldest_first(story, threads):
    first, early, late, second, third = threads
    page(story, "?comments=newest")
    assert list(shown_comments(page(story)))[:2] == [first.pk, early.pk]


def test_newest_first_is_served_from_the_cache_with_one_query(story, threads, django_assert_max_num_queries):
    third = threads[4]
    page(story, "?comments=newest&cpage=1")
    with django_assert_max_num_queries(1):
        html = page(story, "?comments=newest&cpage=1")
    assert list(shown_comments(html))[0] == third.pk


def test_an_unknown_order_shows_the_oldest_first_page_and_is_not_kept(story, threads):
    """The page cache keeps only the orders there are (articles.page_cache.COMMENT_ORDERS): any other
    value is rendered, oldest first, and never stored, so no address can grow the cache."""
    assert list(shown_comments(page(story, "?comments=sideways")))[0] == threads[0].pk
    response = Client().get(story.get_absolute_url() + "?comments=sideways")
    assert "public" not in response.get("Cache-Control", "")


def test_a_new_comment_shows_at_once_in_both_orders(story, threads):
    page(story)
    page(story, "?comments=newest")
    newest = make_comment(story, text="Just posted.")
    assert list(shown_comments(page(story, "?comments=newest")))[0] == newest.pk
    assert list(shown_comments(page(story)))[-1] == newest.pk
