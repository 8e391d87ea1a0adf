"""articles/purge.py: each change sends one BAN naming its stories to the proxies, after the commit.

The proxies here are real HTTP servers on 127.0.0.1 that record what they are sent;
newsroom/tests/test_varnish.py does the same through a real Varnish.
"""

import contextlib
import http.server
import logging
import socket
import threading
import time

import pytest
from django.db import transaction

from articles import purge
from articles.models import Section, Story
from comments.models import Comment
from comments.status import change_status
from comments.tests.factories import make_comment

from .factories import make_correction, make_hashtag, make_story

pytestmark = pytest.mark.django_db


class RecordingProxy:
    """An HTTP server on 127.0.0.1 that answers `status` to everything and keeps (method, ban header)."""

    def __init__(self, status=200):
        self.requests = []
        recorded, answer = self.requests, status

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_BAN(self):  # noqa: N802 - the method's name is the HTTP verb
                recorded.append((self.command, self.headers.get(purge.HEADER)))
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bans(self):
        return [value for method, value in self.requests if method == "BAN"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def nothing_pending():
    """Each test starts with no ids noted by an earlier one (a rolled-back test transaction leaves them)."""
    purge._pending.__dict__.clear()
    yield
    purge._pending.__dict__.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block wrote as if its transaction committed at the end.

    The test's own transaction never commits: the callbacks of what the test made before the
    block never run, and their ids would go out with the block's; they are forgotten first.
    """

    @contextlib.contextmanager
    def block(execute=True):
        purge._pending.__dict__.clear()
        with django_capture_on_commit_callbacks(execute=execute) as callbacks:
            yield callbacks

    return block


@pytest.fixture
def proxy(settings):
    server = RecordingProxy()
    settings.NEWSROOM_PURGE_URLS = [server.url]
    settings.NEWSROOM_PURGE_TIMEOUT = 0.5
    yield server
    server.close()


def test_nothing_is_noted_or_sent_without_a_proxy(settings, django_assert_num_queries):
    settings.NEWSROOM_PURGE_URLS = []
    story = make_story()
    with django_assert_num_queries(2):  # the UPDATE and the listings version's: no SELECT of ids
        Story.objects.filter(pk=story.pk).bump_page_version()
    assert not hasattr(purge._pending, "batch")


def test_a_story_edit_bans_its_page_and_the_listings_once_committed(proxy, committed):
    story = make_story()
    with committed():
        story.headline = "A new headline"
        story.save()
        assert proxy.bans() == []  # not before the commit
    assert proxy.bans() == [f"{story.pk} listings"]


def test_an_edit_bans_the_stories_that_list_it_among_their_related_stories(proxy, committed):
    tag = make_hashtag("Harbour")
    story, related = make_story(hashtags=[tag]), make_story(hashtags=[tag])
    make_story()  # shares no hashtag: its page stays
    with committed():
        story.save()
    assert proxy.bans() == [f"{min(story.pk, related.pk)} {max(story.pk, related.pk)} listings"]


def test_a_comment_approval_bans_its_story_and_the_listings_that_count_its_comments(proxy, committed):
    story = make_story()
    comment = make_comment(story, status=Comment.Status.PENDING)
    with committed():
        change_status(comment, Comment.Status.APPROVED)
    assert proxy.bans() == [f"{story.pk} listings"]  # the cards say "N comments"


def test_a_new_comment_bans_its_story_and_the_listings(proxy, committed):
    story = make_story()
    with committed():
        make_comment(story)
    assert proxy.bans() == [f"{story.pk} listings"]


def test_a_correction_bans_its_story_and_the_listings(proxy, committed):
    story = make_story()
    with committed():
        make_correction(story)
    assert proxy.bans() == [f"{story.pk} listings"]


def test_one_transaction_sends_one_ban_for_all_its_stories(proxy, committed):
    first, second = make_story(), make_story()
    comment = make_comment(first, status=Comment.Status.PENDING)
    with committed(), transaction.atomic():
        change_status(comment, Comment.Status.APPROVED)
        second.save()
        Story.objects.filter(pk=first.pk).bump_page_version(listings=False)
    assert proxy.bans() == [f"{first.pk} {second.pk} listings"]


def test_a_rolled_back_transaction_sends_nothing(proxy, committed):
    story = make_story()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        story.save()
        raise RuntimeError("the change fails")
    assert proxy.bans() == []


def test_a_change_of_every_story_bans_everything_without_reading_their_ids(proxy, committed, django_assert_num_queries):
    make_story(), make_story()
    with committed(), django_assert_num_queries(2):  # the UPDATE and the listings version's
        Story.objects.all().bump_page_version()
    assert proxy.bans() == ["all"]


def test_a_section_rename_bans_everything(proxy, committed):
    make_story()
    section = Section.objects.first()
    with committed():
        section.name = "Elsewhere"
        section.save()
    assert proxy.bans() == ["all"]


def test_more_stories_than_a_ban_should_name_ban_everything():
    assert purge.ban_value(set(range(1, purge.MOST_STORIES + 1)), listings=False).startswith("1 2 3")
    assert purge.ban_value(set(range(1, purge.MOST_STORIES + 2)), listings=False) == "all"


def test_an_update_that_matches_no_story_sends_nothing(proxy, committed):
    with committed():
        Story.objects.filter(pk=-1).bump_page_version()
    assert proxy.bans() == []


def test_every_configured_proxy_gets_the_ban(settings, proxy, committed):
    other = RecordingProxy()
    settings.NEWSROOM_PURGE_URLS = [proxy.url, other.url]
    try:
        story = make_story()
        with committed():
            story.save()
        assert proxy.bans() == other.bans() == [f"{story.pk} listings"]
    finally:
        other.close()


def test_a_proxy_that_is_down_is_logged_and_the_edit_is_kept(settings, proxy, caplog, committed):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    settings.NEWSROOM_PURGE_URLS = [f"http://127.0.0.1:{closed_port}", proxy.url]
    story = make_story()
    with caplog.at_level(logging.WARNING, logger="articles.purge"), committed():
        story.headline = "Kept although the proxy is down"
        story.save()
    assert Story.objects.get(pk=story.pk).headline == "Kept although the proxy is down"
    assert f"Could not purge {story.pk} listings at http://127.0.0.1:{closed_port}" in caplog.text
    assert "ConnectionRefusedError" in caplog.text
    assert proxy.bans() == [f"{story.pk} listings"]  # the next proxy still hears of it


def test_a_proxy_that_never_answers_costs_at_most_the_timeout(settings, caplog, committed):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections (the kernel does) and never answers
    settings.NEWSROOM_PURGE_URLS = [f"http://127.0.0.1:{silent.getsockname()[1]}"]
    settings.NEWSROOM_PURGE_TIMEOUT = 0.3
    story = make_story()
    try:
        with caplog.at_level(logging.WARNING, logger="articles.purge"):
            with committed(execute=False) as callbacks:
                story.save()
            started = time.monotonic()
            for callback in callbacks:
                callback()
            elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert 0.25 <= elapsed < 1.0
    assert "TimeoutError" in caplog.text


def test_a_proxy_that_refuses_the_ban_is_logged(settings, caplog, committed):
    refusing = RecordingProxy(status=403)
    settings.NEWSROOM_PURGE_URLS = [refusing.url]
    story = make_story()
    try:
        with caplog.at_level(logging.WARNING, logger="articles.purge"), committed():
            story.save()
    finally:
        refusing.close()
    assert f"Purge {story.pk} listings at {refusing.url} answered 403" in caplog.text
