"""The `import_disqus` command on our own Disqus exports (comments/tests/disqus/), after the WordPress
import of the same site: threads matched to stories, comments, statuses, threads, re-runs, failures."""

import datetime as dt
import shutil

import pytest
from django.db import DatabaseError
from django.utils import translation

from articles.models import ImportedPost, Outlet, Story
from articles.tests.wordpress_imports import HARBOUR, import_wordpress, row_counts
from comments.disqus import export as disqus_export
from comments.disqus import saving
from comments.models import Comment, ImportedComment, ImportedDisqusComment, ModerationLogEntry
from comments.status import change_status
from newsroom.tests.test_html_validity import nu_errors

from .disqus_imports import (
    BILLION_LAUGHS,
    HARBOUR_DISQUS,
    TRUNCATED,
    edited_export,
    import_disqus,
    post_xml,
    thread_xml,
    write_export,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def story_of(post_id):
    return ImportedPost.objects.select_related("story").get(wordpress_id=post_id).story


def comment_of(disqus_id):
    return ImportedDisqusComment.objects.select_related("comment").get(disqus_id=disqus_id).comment


@pytest.fixture
def wordpress():
    _, stderr, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None, stderr


@pytest.fixture
def disqus(wordpress):
    stdout, stderr, error = import_disqus(HARBOUR_DISQUS)
    assert error is None, stderr
    return stdout


# Threads and stories.


def test_the_summary_counts_threads_and_comments(disqus):
    assert "7 threads (6 with comments), 14 comments read." in disqus
    assert "threads: 5 lead to stories, 1 to no story" in disqus
    assert "comments: 11 imported, 0 updated, 0 unchanged, 3 skipped, 0 failed" in disqus
    assert "skipped 2: its thread leads to no story here" in disqus
    assert "skipped 1: empty comment" in disqus


@pytest.mark.parametrize(
    ("disqus_id", "post_id"),
    [
        (9001, 10),  # http://, a query and a fragment on the WordPress permalink
        (9007, 11),  # www., upper-case percent-encoding, no trailing slash: the Korean permalink
        (9009, 13),  # our own story page, without its trailing slash
        (9012, 10),  # a preview address, found by the WordPress plugin's identifier (?p=10)
        (9013, 13),  # the shortlink ?p=13 with another query
    ],
)
def test_a_thread_finds_its_story_by_an_old_wordpress_address_or_our_own(disqus, disqus_id, post_id):
    assert comment_of(disqus_id).story == story_of(post_id)


def test_threads_that_lead_to_no_story_are_listed_with_their_line(disqus):
    assert "threads that lead to no story (1):" in disqus
    assert f"{HARBOUR_DISQUS}:59: https://harbour.example/2019/01/01/a-post-never-imported/ (2 comments)" in disqus
    assert "about" not in disqus  # a thread without comments is not listed
    assert not Comment.objects.filter(text__contains="lost post").exists()


# Comments.


def test_replies_keep_their_threads(disqus):
    first, reply, answer = comment_of(9001), comment_of(9002), comment_of(9003)
    assert (first.parent, first.depth) == (None, 0)
    assert (reply.parent, reply.depth, reply.thread) == (first, 1, first)
    assert (answer.parent, answer.depth, answer.thread) == (reply, 2, first)


def test_replies_deeper_than_the_limit_go_beside_their_parent(wordpress, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    import_disqus(HARBOUR_DISQUS)
    assert (comment_of(9003).parent, comment_of(9003).depth) == (comment_of(9001), 1)


def test_a_reply_written_before_its_parent_goes_under_it(disqus):
    assert (comment_of(9008).parent, comment_of(9008).depth) == (comment_of(9009), 1)


def test_a_reply_whose_parent_is_in_a_later_batch_waits_for_it(wordpress, monkeypatch):
    monkeypatch.setattr(saving, "BATCH_SIZE", 1)
    monkeypatch.setattr("comments.management.commands.import_disqus.BATCH_SIZE", 1)
    stdout, _, _ = import_disqus(HARBOUR_DISQUS)
    assert "comments: 11 imported" in stdout
    assert comment_of(9008).parent == comment_of(9009)
    assert comment_of(9003).parent == comment_of(9002)


def test_a_reply_to_a_comment_not_in_the_export_is_a_top_level_comment(wordpress, tmp_path):
    link = "https://harbour.example/2024/05/06/harbour-culture-week/"
    export = write_export(tmp_path / "orphan.xml", thread_xml(1, link), post_xml(2, 1, parent_id=404))
    import_disqus(export)
    assert (comment_of(2).parent, comment_of(2).depth, comment_of(2).story) == (None, 0, story_of(10))


@pytest.mark.parametrize(
    ("disqus_id", "status"),
    [(9001, "approved"), (9004, "spam"), (9005, "removed"), (9013, "removed")],  # 9013: its thread was deleted
)
def test_statuses_come_from_disqus(disqus, disqus_id, status):
    assert comment_of(disqus_id).status == status


def test_a_comment_takes_its_author_time_and_address(disqus):
    comment = comment_of(9001)
    assert (comment.author_name, comment.author_email, comment.author_url) == ("Lee Sora", "lee.sora@mail.example", "")
    assert comment.created_at == dt.datetime(2024, 5, 6, 9, 12, 44, tzinfo=UTC)
    assert str(comment.ip_address) == "198.51.100.7"
    assert comment.reason == "Disqus comment 9001 on thread 5001"


def test_an_anonymous_guest_keeps_the_name_given_and_no_address(disqus):
    guest = comment_of(9006)
    assert (guest.author_name, guest.author_email, str(guest.ip_address)) == ("Harbour visitor", "", "2001:db8::1")


def test_the_html_of_a_comment_becomes_plain_text_with_its_links_unwrapped(disqus):
    assert (
        comment_of(9001).text == "Great week. The programme: https://harbour.example/programme/\n\nSee you at the quay."
    )
    assert comment_of(9006).text == "Guest here & happy.\nLine two."
    assert comment_of(9007).text == "축제 기대됩니다!"


def test_imported_comments_enter_the_moderation_log_as_imported_and_mail_nobody(disqus, mailoutbox):
    entries = ModerationLogEntry.objects.filter(comment__disqus_comment__isnull=False)
    assert entries.count() == 11
    assert set(entries.values_list("reason", "from_status", "actor")) == {("imported", "", None)}
    assert mailoutbox == []


def test_the_same_text_from_the_same_address_as_a_wordpress_comment_is_not_added_again(wordpress, tmp_path):
    # The Disqus plugin copies comments into WordPress: the same comment may be in both exports.
    wordpress_comment = ImportedComment.objects.get(wordpress_id=101).comment
    link = "https://harbour.example/?p=10"
    export = write_export(
        tmp_path / "copy.xml",
        thread_xml(1, link),
        post_xml(
            2,
            1,
            f"<p>{wordpress_comment.text}</p>".replace("\n\n", "</p><p>").replace("\n", "<br>"),
            email="Jisoo@Mail.example",
        ),
    )
    stdout, _, _ = import_disqus(export)
    assert "skipped 1: the same text twice from one e-mail address on the story" in stdout
    assert Comment.objects.filter(story=story_of(10), text=wordpress_comment.text).count() == 1


# Re-runs.


def test_running_the_import_again_duplicates_nothing(disqus):
    before = row_counts()
    stdout, _, error = import_disqus(HARBOUR_DISQUS)
    assert error is None
    assert "comments: 0 imported, 0 updated, 11 unchanged, 3 skipped, 0 failed" in stdout
    assert row_counts() == before


def test_a_comment_changed_in_disqus_is_updated(disqus, tmp_path):
    export = edited_export(tmp_path, HARBOUR_DISQUS, ("Until midnight, every night.", "Until one, every night."))
    stdout, _, _ = import_disqus(export)
    assert "comments: 0 imported, 1 updated, 10 unchanged" in stdout
    assert comment_of(9003).text == "Until one, every night."


def test_a_comment_moderated_here_is_kept_on_a_rerun_unless_overwrite(disqus, tmp_path):
    change_status(comment_of(9001), Comment.Status.REMOVED, reason="off-topic")
    export = edited_export(tmp_path, HARBOUR_DISQUS, ("See you at the quay.", "See you all at the quay."))
    stdout, _, _ = import_disqus(export)
    assert "skipped 1: edited or moderated here since the last import (kept; --overwrite replaces it)" in stdout
    assert (comment_of(9001).status, comment_of(9001).text.endswith("you at the quay.")) == ("removed", True)
    import_disqus(export, overwrite=True)
    assert (comment_of(9001).status, comment_of(9001).text.endswith("you all at the quay.")) == ("approved", True)


def test_a_comment_deleted_here_is_not_brought_back(disqus):
    # What deleting the comment leaves (the record's comment is SET_NULL).
    ImportedDisqusComment.objects.filter(disqus_id=9006).update(comment=None)
    stdout, _, _ = import_disqus(HARBOUR_DISQUS)
    assert "skipped 1: deleted here since the last import" in stdout
    assert ImportedDisqusComment.objects.get(disqus_id=9006).comment is None


# Dry runs and failures.


def test_a_dry_run_writes_nothing_and_prints_the_counts_of_a_real_run(wordpress):
    before = row_counts()
    dry, _, error = import_disqus(HARBOUR_DISQUS, dry_run=True)
    assert error is None
    assert dry.startswith("Dry run, nothing written.\n")
    assert row_counts() == before
    real, _, _ = import_disqus(HARBOUR_DISQUS)
    assert dry.splitlines()[1:] == real.splitlines()


@pytest.mark.parametrize(
    ("export", "where", "reason"),
    [
        (TRUNCATED, "310:1", "unclosed token (the file ends here: is it cut short?)"),
        (BILLION_LAUGHS, "3:14", "the file declares the entity 'lol': refused, entities can expand without bound"),
    ],
    ids=["truncated", "billion-laughs"],
)
def test_a_malformed_file_writes_nothing_and_says_where(wordpress, export, where, reason):
    before = row_counts()
    _, _, error = import_disqus(export)
    assert str(error).startswith(f"{export}:{where}: {reason}")
    assert str(error).endswith("(nothing was imported)")
    assert row_counts() == before


def test_a_file_that_is_not_a_disqus_export_is_refused():
    _, _, error = import_disqus(HARBOUR)
    assert "the root element is <rss>, not <disqus>: this is not a Disqus export" in str(error)
    assert not Outlet.objects.exists()


def test_a_comment_that_fails_is_reported_with_its_id_and_line_and_the_others_are_imported(wordpress, monkeypatch):
    real = saving.record_new_comments

    def refuse_one(comments, **kwargs):
        if any("midnight" in comment.text for comment in comments):
            raise DatabaseError("value too long for type character varying")
        return real(comments, **kwargs)

    monkeypatch.setattr(saving, "record_new_comments", refuse_one)
    stdout, stderr, error = import_disqus(HARBOUR_DISQUS)
    assert f"{HARBOUR_DISQUS}:158: comment 9003 (thread 5001): value too long for type character varying" in stderr
    assert "comments: 10 imported, 0 updated, 0 unchanged, 3 skipped, 1 failed" in stdout
    assert str(error) == "1 comment(s) failed (listed above); the others were imported."
    assert not ImportedDisqusComment.objects.filter(disqus_id=9003).exists()
    assert comment_of(9002).story == story_of(10)


CULTURE_WEEK = "https://harbour.example/2024/05/06/harbour-culture-week/"


def test_a_message_with_a_stray_marked_section_opener_is_imported_as_written(wordpress, tmp_path):
    export = write_export(
        tmp_path / "stray.xml",
        thread_xml(1, CULTURE_WEEK),
        post_xml(2, 1, "내년에 <![ 꼭 가요.", name="Reader &lt;![1]&gt;"),
        post_xml(3, 1, "Ends ]]]]><![CDATA[> here"),
    )
    _, stderr, error = import_disqus(export)
    assert error is None, stderr
    assert (comment_of(2).text, comment_of(2).author_name) == ("내년에 <![ 꼭 가요.", "Reader <![1]>")
    assert comment_of(3).text == "Ends ]]> here"


def test_an_unexpected_error_saving_a_comment_is_reported_and_the_others_are_imported(wordpress, tmp_path, monkeypatch):
    real = saving.record_new_comments

    def break_on(comments, **kwargs):
        if any("boom" in comment.text for comment in comments):
            raise AssertionError("expected name token")
        return real(comments, **kwargs)

    monkeypatch.setattr(saving, "record_new_comments", break_on)
    export = write_export(tmp_path / "boom.xml", thread_xml(1, CULTURE_WEEK), post_xml(2, 1), post_xml(3, 1, "boom"))
    stdout, stderr, error = import_disqus(export)
    reason = "unexpected error (AssertionError: expected name token)"
    assert f"{export}:21: comment 3 (thread 1): {reason} (not imported)" in stderr
    assert "comments: 1 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed" in stdout
    assert str(error) == "1 comment(s) failed (listed above); the others were imported."
    assert ImportedDisqusComment.objects.filter(disqus_id=2).exists()
    assert not ImportedDisqusComment.objects.filter(disqus_id=3).exists()


def test_an_unexpected_error_reading_a_name_in_the_first_pass_says_where_and_writes_nothing(
    wordpress, tmp_path, monkeypatch
):
    real = disqus_export.plain_line

    def break_on(markup):
        if "Boom" in markup:
            raise KeyError("x")
        return real(markup)

    monkeypatch.setattr(disqus_export, "plain_line", break_on)
    export = write_export(tmp_path / "name.xml", thread_xml(1, CULTURE_WEEK), post_xml(2, 1, name="Boom"))
    before = row_counts()
    _, _, error = import_disqus(export)
    assert str(error) == (
        f"{export}:12:1: <post> could not be read: unexpected error (KeyError: 'x') (nothing was imported)"
    )
    assert row_counts() == before


def test_a_message_longer_than_a_posted_comment_may_be_is_skipped_and_listed_by_line(wordpress, tmp_path):
    export = write_export(
        tmp_path / "long.xml", thread_xml(1, CULTURE_WEEK), post_xml(2, 1, "x" * 5001), post_xml(3, 1, "y" * 5000)
    )
    stdout, stderr, error = import_disqus(export)
    assert error is None
    reason = "5,001 characters, longer than the 5,000 characters a posted comment may have"
    assert f"{export}:12: comment 2: {reason}" in stderr
    assert "skipped 1: longer than the 5,000 characters a posted comment may have" in stdout
    assert not ImportedDisqusComment.objects.filter(disqus_id=2).exists()
    assert len(comment_of(3).text) == 5000


def test_an_author_name_longer_than_the_model_allows_is_shortened_and_counted(wordpress, tmp_path):
    export = write_export(tmp_path / "name.xml", thread_xml(1, CULTURE_WEEK), post_xml(2, 1, name="N" * 150))
    stdout, _, _ = import_disqus(export)
    assert comment_of(2).author_name == "N" * 100
    assert "1 × comment author name shortened to 100 characters" in stdout


def test_comments_of_a_story_not_public_yet_are_imported_for_when_it_is(wordpress, tmp_path):
    export = write_export(tmp_path / "draft.xml", thread_xml(1, "https://harbour.example/?p=12"), post_xml(2, 1))
    import_disqus(export)
    story = story_of(12)
    assert story.status == Story.Status.DRAFT
    assert comment_of(2).story == story


def test_a_story_page_with_disqus_comments_is_valid_html(disqus, tmp_path, client):
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless; .ci/run does)")
    files = []
    for post_id in (10, 11):
        for language in ("en", "ko"):
            with translation.override(language):
                response = client.get(story_of(post_id).get_absolute_url(), HTTP_HOST="localhost")
            assert response.status_code == 200
            files.append(tmp_path / f"post-{post_id}-{language}.html")
            files[-1].write_bytes(response.content)
    assert "Until midnight, every night." in files[0].read_text()
    assert nu_errors(files) == {}
