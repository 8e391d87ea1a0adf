"""Comments that come with an imported story page; clearing stored addresses; e-mail addresses kept private."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from articles.models import Story
from comments.addresses import remove_addresses
from comments.models import Comment, ModerationLogEntry, PostingGate
from conftest import SEED_DIR

from .factories import make_comment, make_story, post_form

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[2] / "articles" / "tests" / "pages"
MINIMAL_PAGE = PAGES / "valid_minimal.txt"
SEED_PAGE = SEED_DIR / "000_ecb8479c0830c2d5.txt"


def import_story(path):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_story", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def seed_page():
    if not SEED_PAGE.exists():
        pytest.skip(f"seed page {SEED_PAGE} is not on this machine")
    return SEED_PAGE


# Import.


def test_imported_page_brings_its_numbered_comments_in_order():
    import_story(MINIMAL_PAGE)
    comments = Comment.objects.filter(story=Story.objects.get()).order_by("created_at", "id")
    assert [(c.source_number, c.text) for c in comments] == [
        (1, "Good news for the night shift."),
        (2, "Will bicycles be allowed on board?\nAsking for a friend."),
    ]


def test_imported_comments_are_approved_and_signed_anonymous():
    import_story(MINIMAL_PAGE)
    assert set(Comment.objects.values_list("status", "author_name", "author_email", "rule")) == {
        (Comment.Status.APPROVED, "Anonymous", "", "imported")
    }


def test_imported_comments_are_shown_on_the_story_page_oldest_first(client):
    import_story(MINIMAL_PAGE)
    page = client.get(Story.objects.get().get_absolute_url()).content.decode()
    assert '2 thoughts on “<span lang="en">Harbour Ferry Adds Evening Crossing</span>”' in page
    assert page.index("Good news for the night shift.") < page.index("Will bicycles be allowed on board?")


def test_imported_comments_are_top_level_threads_with_a_log_entry_each():
    import_story(MINIMAL_PAGE)
    for comment in Comment.objects.all():
        assert (comment.parent_id, comment.thread_id, comment.depth) == (None, comment.pk, 0)
    assert ModerationLogEntry.objects.filter(to_status=Comment.Status.APPROVED).count() == 2


def test_reimporting_a_page_creates_no_duplicate_comments():
    import_story(MINIMAL_PAGE)
    import_story(MINIMAL_PAGE)
    assert Story.objects.count() == 1
    assert Comment.objects.count() == 2


def test_reimporting_keeps_a_moderators_decision_on_an_imported_comment():
    import_story(MINIMAL_PAGE)
    Comment.objects.filter(source_number=1).update(status=Comment.Status.REMOVED)
    import_story(MINIMAL_PAGE)
    assert list(Comment.objects.order_by("source_number").values_list("status", flat=True)) == [
        Comment.Status.REMOVED,
        Comment.Status.APPROVED,
    ]


def test_importing_the_seed_page_creates_its_four_comments(seed_page):
    import_story(seed_page)
    texts = list(Comment.objects.order_by("source_number").values_list("text", flat=True))
    assert len(texts) == 4
    assert texts[0].startswith("Im confused while we fund south korea defense")
    assert texts[3].startswith("Russia, China, Iran & North Korea must be held accountable")


def test_importing_the_seed_page_warns_that_it_says_45_thoughts(seed_page):
    _, stderr = import_story(seed_page)
    assert "warning: the page says 45 thoughts but holds 4 comments" in stderr


def test_seed_story_page_counts_the_comments_it_holds(client, seed_page):
    import_story(seed_page)
    page = client.get(Story.objects.get().get_absolute_url()).content.decode()
    assert "4 thoughts on" in page
    assert "Russia, China, Iran &amp; North Korea" in page


# Clearing IP addresses and user agents.


@pytest.fixture
def old_and_new_comments():
    story = make_story()
    old = make_comment(
        story, created_at=timezone.now() - dt.timedelta(days=31), ip_address="192.0.2.10", user_agent="Old/1.0"
    )
    new = make_comment(
        story, created_at=timezone.now() - dt.timedelta(days=29), ip_address="192.0.2.20", user_agent="New/1.0"
    )
    return old, new


def purge(*args):
    stdout = io.StringIO()
    call_command("purge_comment_data", *args, stdout=stdout)
    return stdout.getvalue()


def test_purge_clears_address_and_browser_of_comments_older_than_the_days_given(old_and_new_comments):
    old, _ = old_and_new_comments
    output = purge("--days", "30")
    old.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert "Cleared IP address and user agent of 1 comment(s) older than 30 day(s)" in output


def test_purge_keeps_address_and_browser_of_newer_comments(old_and_new_comments):
    _, new = old_and_new_comments
    purge("--days", "30")
    new.refresh_from_db()
    assert (new.ip_address, new.user_agent) == ("192.0.2.20", "New/1.0")


def test_purge_keeps_the_comments_themselves(old_and_new_comments):
    purge("--days", "0")
    assert Comment.objects.count() == 2
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {None}


def test_purge_uses_the_configured_days_by_default(settings, old_and_new_comments):
    settings.COMMENTS_KEEP_IP_DAYS = 28
    purge()
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {None}


def test_purge_forgets_expired_posting_limits_only():
    now = timezone.now()
    PostingGate.objects.create(key="expired", closed_until=now - dt.timedelta(seconds=1))
    PostingGate.objects.create(key="current", closed_until=now + dt.timedelta(seconds=15))
    purge()
    assert list(PostingGate.objects.values_list("key", flat=True)) == ["current"]


def test_purge_refuses_negative_days():
    with pytest.raises(CommandError, match="--days must be 0 or more."):
        purge("--days", "-1")


# E-mail addresses are never shown.


@pytest.fixture
def story_with_posted_comments(client, no_posting_limits):
    """An approved and a held comment posted through the form by `client`, and an older approved one."""
    story = make_story()
    make_comment(story, author_email="known.reader@example.com")
    post_form(client, story, author_email="known.reader@example.com", text="Approved through the form.")
    post_form(client, story, author_email="held.reader@example.com", text="Held, shown to its author.")
    return story


def test_email_addresses_of_commenters_are_not_on_the_story_page(story_with_posted_comments):
    page = Client().get(story_with_posted_comments.get_absolute_url()).content.decode()
    assert "Approved through the form." in page
    assert "@example.com" not in page


def test_email_address_is_not_shown_to_the_author_with_their_held_comment(client, story_with_posted_comments):
    page = client.get(story_with_posted_comments.get_absolute_url()).content.decode()
    assert "Held, shown to its author." in page
    assert "@example.com" not in page


def test_email_address_is_not_on_the_report_page(client):
    comment = make_comment(make_story(), author_email="private.reader@example.com")
    assert "private.reader@example.com" not in client.get(f"/en/comments/{comment.pk}/report/").content.decode()


def old_blocked_comment(address):
    """A comment of 31 days ago held by the IP block list, with its log entry of that day."""
    reason = f"The IP address {address} is blocked."
    comment = make_comment(
        make_story(), created_at=timezone.now() - dt.timedelta(days=31), status=Comment.Status.SPAM, reason=reason
    )
    entry = ModerationLogEntry.objects.create(comment=comment, to_status="spam", reason=f"blocked_ip: {reason}")
    ModerationLogEntry.objects.filter(pk=entry.pk).update(created_at=comment.created_at)
    return comment


@pytest.mark.parametrize("address", ["198.51.100.7", "2001:db8:1:2::9", "::ffff:198.51.100.7"])
def test_purge_clears_addresses_from_the_reason_of_old_comments(address):
    comment = old_blocked_comment(address)
    purge("--days", "30")
    comment.refresh_from_db()
    assert comment.reason == "The IP address [IP address removed] is blocked."


@pytest.mark.parametrize("address", ["198.51.100.7", "2001:db8:1:2::9"])
def test_purge_clears_addresses_from_the_moderation_log_of_old_comments(address):
    comment = old_blocked_comment(address)
    output = purge("--days", "30")
    assert list(comment.log.values_list("reason", flat=True)) == [
        "blocked_ip: The IP address [IP address removed] is blocked."
    ]
    assert "from 1 comment reason(s) and 1 moderation log reason(s)" in output


def test_purge_keeps_addresses_in_the_reasons_of_recent_comments():
    comment = make_comment(make_story(), status=Comment.Status.SPAM, reason="The IP address 198.51.100.7 is blocked.")
    ModerationLogEntry.objects.create(comment=comment, to_status="spam", reason="blocked_ip: 198.51.100.7")
    purge("--days", "30")
    comment.refresh_from_db()
    assert comment.reason == "The IP address 198.51.100.7 is blocked."
    assert comment.log.get().reason == "blocked_ip: 198.51.100.7"


def test_purge_leaves_reasons_without_addresses_as_they_were():
    comment = old_blocked_comment("198.51.100.7")
    Comment.objects.filter(pk=comment.pk).update(reason="Posted 1.5 s after the form was shown (minimum 3 s).")
    purge("--days", "30")
    comment.refresh_from_db()
    assert comment.reason == "Posted 1.5 s after the form was shown (minimum 3 s)."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seen from 203.0.113.9:51234.", "Seen from [IP address removed]:51234."),
        ("Seen from [2001:db8::1]:443", "Seen from [[IP address removed]]:443"),
        ("At 07:52 on 2026-12-01, 3.5 s, cafe", "At 07:52 on 2026-12-01, 3.5 s, cafe"),
    ],
)
def test_address_removal_takes_addresses_only(text, expected):
    assert remove_addresses(text) == expected
