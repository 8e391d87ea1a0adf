"""The `import_wordpress` command on our own exports (articles/tests/wordpress/): stories, comments,
photos, re-runs, failures. Also run on PostgreSQL (README "Tests")."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from reversion.models import Version

from articles.models import FrontPagePin, ImportedPost, ImportedSite, Outlet, Section, Story
from comments.models import Comment, ImportedComment, ModerationLogEntry
from newsroom.tests.test_html_validity import nu_errors
from photos.models import Photo

from .wordpress_imports import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    HARBOUR,
    OLD_BLOG,
    TRUNCATED,
    attachment_xml,
    comment_xml,
    draw_photo,
    edited_export,
    import_wordpress,
    post_xml,
    row_counts,
    write_export,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def story_of(post_id):
    return ImportedPost.objects.select_related("story").get(wordpress_id=post_id).story


def hashtags_of(story):
    return [link.hashtag.name for link in story.hashtag_links.select_related("hashtag")]


def comment_of(comment_id):
    return ImportedComment.objects.select_related("comment").get(wordpress_id=comment_id).comment


@pytest.fixture
def harbour():
    stdout, stderr, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None, stderr
    return stdout


# Stories.


def test_each_post_becomes_a_story_and_the_summary_counts_them(harbour):
    assert "posts: 7 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed" in harbour
    assert "comments: 5 imported, 0 updated, 0 unchanged, 5 skipped, 0 failed" in harbour
    assert "not imported: 1 × auto-draft, 1 × custom post type, 1 × item in the trash, 2 × menu, 1 × page" in harbour
    assert Story.objects.count() == 7


@pytest.mark.parametrize(
    ("post_id", "status", "published_at"),
    [
        (10, "published", dt.datetime(2024, 5, 6, 8, 30, tzinfo=UTC)),
        (13, "published", dt.datetime(2024, 6, 1, 0, 0, tzinfo=UTC)),  # WordPress's "future"
        (12, "draft", dt.datetime(2024, 5, 3, 0, 0, tzinfo=UTC)),  # no GMT date: 09:00 in Seoul
        (14, "in_review", dt.datetime(2024, 5, 5, 1, 0, tzinfo=UTC)),  # pending
        (15, "draft", dt.datetime(2024, 5, 4, 1, 0, tzinfo=UTC)),  # private
        (17, "draft", dt.datetime(2024, 5, 1, 1, 0, tzinfo=UTC)),  # password-protected
    ],
)
def test_wordpress_statuses_and_times_become_ours(harbour, post_id, status, published_at):
    story = story_of(post_id)
    assert (story.status, story.published_at) == (status, published_at)


def test_a_future_post_is_scheduled(tmp_path):
    soon = (timezone.now() + dt.timedelta(days=3)).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    export = write_export(tmp_path / "future.xml", post_xml(40, "Ferries next week", date=soon, status="future"))
    import_wordpress(export)
    story = story_of(40)
    assert story.is_scheduled
    assert not Story.objects.published().filter(pk=story.pk).exists()


def test_a_story_takes_the_post_text_byline_and_outlet(harbour):
    story = story_of(10)
    assert story.headline == "Harbour hosts the port cities’ culture week"
    assert story.intro == "Six port cities, one week of music & open ships."
    assert story.reporter == "Kim Mina"
    assert story.outlet.name == "Harbour Times"
    assert story.outlet.time_zone == "Asia/Seoul"
    assert story.slug == "harbour-culture-week"
    assert story.body.startswith("<p>The harbour opened its culture week on Monday.<br>")
    assert "<h2>What is on</h2>" in story.body
    assert "trackVisitor" not in story.body


def test_a_korean_post_fills_the_korean_fields_under_an_ascii_slug(harbour):
    story = story_of(11)
    assert story.slug == "post-11"
    assert story.headline_ko == "부산항 문화 주간 개막"
    assert story.body_ko.startswith("<p>부산항이 월요일 문화 주간을 열었다.</p>")
    assert not story.korean_is_stale


def test_a_korean_post_repeats_its_headline_in_the_required_english_one_and_leaves_the_rest_empty(harbour):
    story = story_of(11)
    assert (story.headline, story.intro, story.body) == ("부산항 문화 주간 개막", "", "")
    text = story.text_for("en")
    assert (text.headline_language, text.body_language, text.other_headline) == ("ko", "ko", "")


def test_an_english_post_leaves_the_korean_fields_empty(harbour):
    story = story_of(10)
    assert (story.headline_ko, story.intro_ko, story.body_ko) == ("", "", "")


def test_a_body_that_starts_at_the_third_heading_level_moves_up_one(harbour):
    # The page's headline is the h1: the post's only subheading (Heading 3 in WordPress) becomes an h2.
    assert "<h2>행사 안내</h2>" in story_of(11).body_ko
    assert "1 × subheading made second-level (the post had no second-level one)" in harbour


def test_the_first_video_becomes_the_story_video_and_leaves_the_body(harbour):
    story = story_of(10)
    assert story.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert "youtube.com" not in story.body
    assert story_of(11).video_url == "https://vimeo.com/76979871"


def test_categories_file_under_sections_and_tags_become_hashtags(harbour):
    culture_week, korean = story_of(10), story_of(11)
    assert culture_week.section.name == "World"
    assert hashtags_of(culture_week) == ["Ukraine", "우크라이나", "News_Politics"]
    # A sub-category (World › 국제) files under its top category and is a hashtag.
    assert korean.section.name == "World"
    assert hashtags_of(korean) == ["우크라이나", "국제"]
    assert Section.objects.filter(name="World").count() == 1


def test_a_category_without_a_section_makes_one(tmp_path):
    terms = '\t\t<category domain="category" nicename="ferries"><![CDATA[Ferries]]></category>\n'
    export = write_export(tmp_path / "ferries.xml", post_xml(41, "Night ferry", extra=terms))
    stdout, _, _ = import_wordpress(export)
    assert story_of(41).section.name == "Ferries"
    assert "new: 0 photos, 1 sections, 0 hashtags" in stdout


def test_a_sticky_post_is_pinned_to_the_front_page(harbour):
    pin = FrontPagePin.objects.get()
    assert pin.story == story_of(10)
    assert pin.slot == FrontPagePin.Slot.FEATURED


def test_each_import_of_a_story_is_a_revision(harbour):
    versions = Version.objects.get_for_object(story_of(10))
    assert versions.count() == 1
    assert versions[0].revision.comment == "imported from WordPress: Harbour Times, post 10"


# Comments.


def test_comments_keep_their_threads_statuses_and_authors(harbour):
    first, reply, second_reply = comment_of(101), comment_of(102), comment_of(103)
    assert (first.parent, first.depth, first.status) == (None, 0, "approved")
    assert (reply.parent, reply.depth, reply.thread) == (first, 1, first)
    assert (second_reply.parent, second_reply.depth, second_reply.status) == (reply, 2, "pending")
    assert (comment_of(104).status, comment_of(105).status) == ("spam", "removed")
    assert first.story == story_of(10)
    assert (first.author_name, first.author_email, first.author_url) == (
        "Park Jisoo",
        "jisoo@mail.example",
        "https://jisoo.example",
    )
    assert str(first.ip_address) == "203.0.113.7"
    assert first.created_at == dt.datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    assert first.text == "Lovely photos.\nThe concerts start at seven.\n\nWill there be a second week?"
    # A comment with no GMT date: its local time, in the site's zone (19:00 in Seoul).
    assert second_reply.created_at == dt.datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def test_imported_comments_enter_the_moderation_log_as_imported_and_mail_nobody(harbour, mailoutbox):
    entries = ModerationLogEntry.objects.filter(comment__story=story_of(10))
    assert sorted(entries.values_list("to_status", flat=True)) == ["approved", "approved", "pending", "removed", "spam"]
    assert set(entries.values_list("reason", "from_status", "actor")) == {("imported", "", None)}
    assert mailoutbox == []


def test_pingbacks_and_trackbacks_are_skipped_and_counted(harbour):
    assert "skipped 1: pingback" in harbour
    assert "skipped 1: trackback" in harbour
    assert not Comment.objects.filter(author_name__in=["Another Blog", "Old Blog"]).exists()


def test_replies_deeper_than_the_limit_go_beside_their_parent(tmp_path, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    comments = comment_xml(1) + comment_xml(2, 1) + comment_xml(3, 2) + comment_xml(4, 3)
    import_wordpress(write_export(tmp_path / "deep.xml", post_xml(42, "Deep thread", extra=comments)))
    assert [comment_of(number).depth for number in (1, 2, 3, 4)] == [0, 1, 1, 1]
    assert comment_of(3).parent == comment_of(1)


def test_a_reply_to_a_comment_not_in_the_export_is_a_top_level_comment(tmp_path):
    export = write_export(tmp_path / "orphan.xml", post_xml(43, "Orphan", extra=comment_xml(7, 99)))
    import_wordpress(export)
    assert (comment_of(7).parent, comment_of(7).depth) == (None, 0)


# Re-runs.


def test_running_the_import_again_changes_nothing(harbour):
    before = row_counts()
    stdout, _, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None
    assert "posts: 0 imported, 0 updated, 7 unchanged, 0 skipped, 0 failed" in stdout
    assert "comments: 0 imported, 0 updated, 5 unchanged, 5 skipped, 0 failed" in stdout
    assert row_counts() == before


def test_a_post_changed_in_wordpress_updates_its_story_as_a_new_revision(harbour, tmp_path):
    export = edited_export(
        tmp_path, HARBOUR, ("Ferries run every hour from June.", "Ferries run every half hour from June.")
    )
    stdout, _, _ = import_wordpress(export, zone="Asia/Seoul")
    assert "posts: 0 imported, 1 updated, 6 unchanged, 0 skipped, 0 failed" in stdout
    story = story_of(13)
    assert story.body == "<p>Ferries run every half hour from June.</p>"
    assert Story.objects.count() == 7
    assert Version.objects.get_for_object(story).count() == 2


def test_an_editors_later_edit_is_kept_unless_overwrite(harbour, tmp_path):
    story = story_of(13)
    story.headline = "Summer ferry timetable (edited here)"
    story.save()
    export = edited_export(tmp_path, HARBOUR, ("Ferries run every hour", "Ferries run every 30 minutes"))

    stdout, _, _ = import_wordpress(export, zone="Asia/Seoul")
    assert "skipped 1: its story was edited here since the last import (kept; --overwrite replaces it)" in stdout
    story.refresh_from_db()
    assert story.headline == "Summer ferry timetable (edited here)"
    assert story.body == "<p>Ferries run every hour from June.</p>"

    stdout, _, _ = import_wordpress(export, zone="Asia/Seoul", overwrite=True)
    assert "posts: 0 imported, 1 updated, 6 unchanged, 0 skipped, 0 failed" in stdout
    story.refresh_from_db()
    assert (story.headline, story.body) == (
        "Ferry timetable for the summer",
        "<p>Ferries run every 30 minutes from June.</p>",
    )


def test_a_comment_moderated_here_is_kept_on_a_rerun(harbour, tmp_path):
    from comments.status import change_status

    change_status(comment_of(103), Comment.Status.APPROVED, reason="fine")
    export = edited_export(tmp_path, HARBOUR, ("<![CDATA[Thanks!]]>", "<![CDATA[Thanks a lot!]]>"))
    stdout, _, _ = import_wordpress(export, zone="Asia/Seoul")
    assert "skipped 1: edited or moderated here since the last import (kept; --overwrite replaces it)" in stdout
    assert (comment_of(103).text, comment_of(103).status) == ("Thanks!", "approved")


def test_a_new_comment_in_wordpress_is_added_once(harbour, tmp_path):
    new = comment_xml(108, 101, "See you there.")
    before_102 = "\t\t<wp:comment>\n\t\t\t<wp:comment_id>102"
    export = edited_export(tmp_path, HARBOUR, (before_102, new + before_102))
    stdout, _, _ = import_wordpress(export, zone="Asia/Seoul")
    assert "comments: 1 imported, 0 updated, 5 unchanged" in stdout
    assert comment_of(108).parent == comment_of(101)
    import_wordpress(export, zone="Asia/Seoul")
    assert Comment.objects.filter(text="See you there.").count() == 1


def test_a_comment_longer_than_a_posted_one_may_be_is_skipped_and_listed_by_line(tmp_path):
    export = write_export(
        tmp_path / "long.xml",
        post_xml(50, "Long", extra=comment_xml(1, text="x" * 5001) + comment_xml(2, text="y" * 5000)),
    )
    stdout, stderr, error = import_wordpress(export)
    assert error is None
    assert f"{export}:25: comment 1: 5,001 characters, longer than the 5,000 characters a posted comment may have" in (
        stderr
    )
    assert "skipped 1: longer than the 5,000 characters a posted comment may have" in stdout
    assert not ImportedComment.objects.filter(wordpress_id=1).exists()
    assert len(comment_of(2).text) == 5000


def test_an_author_name_longer_than_the_model_allows_is_shortened_and_counted(tmp_path):
    export = write_export(tmp_path / "name.xml", post_xml(50, "Name", extra=comment_xml(1, author="N" * 150)))
    stdout, _, _ = import_wordpress(export)
    assert comment_of(1).author_name == "N" * 100
    assert "1 × comment author name shortened to 100 characters" in stdout


# Failures.


def test_a_post_that_fails_is_reported_with_its_id_and_line_and_the_others_are_imported(tmp_path):
    huge = "x" * 5_000_001
    export = write_export(
        tmp_path / "one-bad.xml",
        post_xml(50, "First", extra=comment_xml(1)),
        post_xml(51, "Too long", huge, extra=comment_xml(2)),
        post_xml(52, "Third"),
    )
    stdout, stderr, error = import_wordpress(export)
    assert str(error) == "1 post(s) failed (listed above); the others were imported."
    assert f"{export}:36: post 51 (“Too long”): the content is 5,000,001 characters long" in stderr
    assert "posts: 2 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed" in stdout
    assert "comments: 1 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed" in stdout
    assert sorted(Story.objects.values_list("headline", flat=True)) == ["First", "Third"]
    assert Comment.objects.count() == 1


def test_text_with_a_stray_marked_section_opener_is_imported_as_written(tmp_path):
    export = write_export(
        tmp_path / "stray.xml",
        post_xml(
            60, "Festival <![1]>", "<p>Ends ]]]]><![CDATA[> here</p>", extra=comment_xml(1, text="내년에 <![ 꼭 가요.")
        ),
    )
    _, stderr, error = import_wordpress(export)
    assert error is None, stderr
    assert story_of(60).headline == "Festival <![1]>"
    assert comment_of(1).text == "내년에 <![ 꼭 가요."


def test_an_unexpected_error_in_one_post_rolls_back_that_post_only_and_is_reported(tmp_path, monkeypatch):
    from comments import wordpress as comment_import

    real = comment_import.plain_text

    def break_on(markup):
        if "boom" in markup:
            raise AssertionError("expected name token")
        return real(markup)

    # The comments are read after the story, its pin and its old addresses are written.
    monkeypatch.setattr(comment_import, "plain_text", break_on)
    not_sticky, sticky = "<wp:is_sticky>0</wp:is_sticky>", "<wp:is_sticky>1</wp:is_sticky>"
    export = write_export(
        tmp_path / "unexpected.xml",
        post_xml(70, "First", extra=comment_xml(1)),
        post_xml(71, "Breaks", extra=comment_xml(2, text="boom")).replace(not_sticky, sticky),
        post_xml(72, "Third"),
    )
    stdout, stderr, error = import_wordpress(export)
    assert str(error) == "1 post(s) failed (listed above); the others were imported."
    assert (
        f"{export}:36: post 71 (“Breaks”): unexpected error (AssertionError: expected name token) "
        "(nothing of this post imported)"
    ) in stderr
    assert "posts: 2 imported, 0 updated, 0 unchanged, 0 skipped, 1 failed" in stdout
    assert sorted(Story.objects.values_list("headline", flat=True)) == ["First", "Third"]
    assert not ImportedPost.objects.filter(wordpress_id=71).exists()
    assert not FrontPagePin.objects.exists()
    assert Comment.objects.count() == 1


def test_an_unexpected_error_reading_a_title_in_the_first_pass_says_where_and_writes_nothing(tmp_path, monkeypatch):
    from articles.wordpress import export as export_reader

    real = export_reader.plain_line

    def break_on(markup):
        if "Boom" in markup:
            raise KeyError("x")
        return real(markup)

    monkeypatch.setattr(export_reader, "plain_line", break_on)
    export = write_export(tmp_path / "title.xml", post_xml(80, "Fine"), post_xml(81, "Boom"))
    before = row_counts()
    _, _, error = import_wordpress(export)
    assert str(error) == (
        f"{export}:26:2: <item> could not be read: unexpected error (KeyError: 'x') (nothing was imported)"
    )
    assert row_counts() == before


@pytest.mark.parametrize(
    ("export", "where", "reason"),
    [
        (TRUNCATED, "281:3", "unclosed token (the file ends here: is it cut short?)"),
        (BILLION_LAUGHS, "3:16", "the file declares the entity 'lol': refused, entities can expand without bound"),
        (EXTERNAL_ENTITY, "3:46", "the file declares the external entity 'secret' (file:///etc/passwd): refused"),
    ],
    ids=["truncated", "billion-laughs", "external-entity"],
)
def test_a_malformed_file_writes_nothing_and_says_where(export, where, reason):
    before = row_counts()
    _, _, error = import_wordpress(export)
    assert str(error).startswith(f"{export}:{where}: {reason}")
    assert str(error).endswith("(nothing was imported)")
    assert row_counts() == before
    assert not Outlet.objects.exists()


def test_a_malformed_second_file_stops_the_first_from_being_written_too():
    before = row_counts()
    _, _, error = import_wordpress(HARBOUR, TRUNCATED)
    assert str(TRUNCATED) in str(error)
    assert row_counts() == before


def test_a_dry_run_writes_nothing_and_prints_the_counts_of_a_real_run(tmp_path, settings):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    before = row_counts()
    dry, _, error = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads, dry_run=True)
    assert error is None
    assert dry.startswith("Dry run, nothing written.\n")
    assert row_counts() == before
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    real, _, _ = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    assert "posts: 7 imported" in real
    assert dry.splitlines()[1:] == real.splitlines()


def test_a_dry_run_of_a_rerun_says_what_would_change(harbour, tmp_path):
    export = edited_export(tmp_path, HARBOUR, ("Ferries run every hour", "Ferries run every 30 minutes"))
    before = row_counts()
    stdout, _, _ = import_wordpress(export, zone="Asia/Seoul", dry_run=True)
    assert "posts: 0 imported, 1 updated, 6 unchanged, 0 skipped, 0 failed" in stdout
    assert row_counts() == before
    assert story_of(13).body == "<p>Ferries run every hour from June.</p>"


def test_since_leaves_out_older_posts(tmp_path):
    export = write_export(
        tmp_path / "since.xml",
        post_xml(60, "Old news", date="2023-01-01 09:00:00"),
        post_xml(61, "New news", date="2024-05-06 09:00:00"),
    )
    stdout, _, _ = import_wordpress(export, since="2024-01-01")
    assert list(Story.objects.values_list("headline", flat=True)) == ["New news"]
    assert "skipped 1: older than --since" in stdout


# Photos.


def test_uploads_make_photos_the_lead_photo_and_body_photos(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    draw_photo(uploads / "2024/05/항구.jpg", colour=(140, 60, 30))
    stdout, _, _ = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    assert "new: 2 photos" in stdout
    quay = Photo.objects.get(alt_text="Ships at the old quay")
    assert (quay.caption, quay.credit, quay.width, quay.height) == ("The old quay at dawn", "Harbour Times", 600, 400)
    night = Photo.objects.get(alt_text_ko="야경")
    assert night.caption_ko == "항구의 밤"
    story = story_of(10)
    assert story.lead_photo == quay
    # The [caption] image, then the gallery's two: our photos, their captions carried by the photos.
    assert story.body.count(f'<img data-photo="{quay.pk}" src="{quay.image.url}" alt="Ships at the old quay">') == 2
    assert f'<img data-photo="{night.pk}" src="{night.image.url}" alt="야경">' in story.body
    assert "The old quay at dawn" not in story.body
    assert "missing from the uploads folder" not in stdout


def test_images_without_their_file_are_listed_as_missing_and_left_out(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    stdout, _, _ = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    assert "missing from the uploads folder (1):\n    2024/05/항구.jpg" in stdout
    assert "2 × image not imported: its file is not in the uploads folder" in stdout
    korean = story_of(11)
    assert "<img" not in korean.body_ko
    assert "<p><em>항구의 밤</em></p>" in korean.body_ko


def test_without_uploads_every_image_is_counted_and_none_fetched(harbour):
    assert "4 × image not imported: no --uploads folder given" in harbour
    assert "missing from the uploads folder" not in harbour
    assert not Photo.objects.exists()
    assert story_of(10).lead_photo is None


def test_a_file_the_photo_checks_refuse_is_listed_with_the_reason(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg", size=(120, 80))
    stdout, _, _ = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    assert "refused by the photo checks (1):\n    2024/05/quay.jpg: This photo is 120 × 80 pixels" in stdout
    assert not Photo.objects.exists()


def test_a_rerun_with_uploads_adds_the_photos_to_unchanged_stories(harbour, tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    stdout, _, _ = import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    assert "posts: 0 imported, 1 updated, 6 unchanged" in stdout
    assert story_of(10).lead_photo.alt_text == "Ships at the old quay"
    assert Photo.objects.count() == 1


def test_a_rerun_without_uploads_keeps_the_photos_of_stories_imported_with_them(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    draw_photo(uploads / "2024/05/항구.jpg", colour=(140, 60, 30))
    import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    before = {post_id: (story_of(post_id).lead_photo_id, story_of(post_id).body) for post_id in (10, 11)}
    stdout, _, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None
    assert "posts: 0 imported, 0 updated, 7 unchanged" in stdout
    assert {post_id: (story_of(post_id).lead_photo_id, story_of(post_id).body) for post_id in (10, 11)} == before
    assert story_of(10).lead_photo is not None
    assert "5 photos kept as their stories had them (no --uploads folder given)" in stdout
    assert "missing from the uploads folder" not in stdout


def test_a_post_changed_in_wordpress_keeps_its_photos_on_a_rerun_without_uploads(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    story = story_of(10)
    quay = story.lead_photo
    changed = edited_export(tmp_path, HARBOUR, ("culture week]]></title>", "culture week today]]></title>"))
    stdout, _, _ = import_wordpress(changed, zone="Asia/Seoul")
    assert "posts: 0 imported, 1 updated, 6 unchanged" in stdout
    story = story_of(10)
    assert story.headline == "Harbour hosts the port cities’ culture week today"
    assert story.lead_photo == quay
    assert story.body.count(f'<img data-photo="{quay.pk}"') == 2


def test_a_post_whose_images_changed_keeps_its_story_on_a_rerun_without_uploads(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "pier.jpg")
    draw_photo(uploads / "quay.jpg", colour=(140, 60, 30))
    pier, quay = (
        f'<img src="https://test-harbour.example/wp-content/uploads/{name}.jpg" alt="{name.title()}">'
        for name in ("pier", "quay")
    )
    first = write_export(tmp_path / "first.xml", post_xml(90, "Pier", f"<p>One.</p>{pier}{quay}"))
    import_wordpress(first, uploads=uploads)
    body = story_of(90).body
    assert body.count("data-photo") == 2
    # The quay's image left WordPress: which photo is which cannot be told without the files.
    second = write_export(tmp_path / "second.xml", post_xml(90, "Pier", f"<p>One.</p>{pier}<p>Two.</p>"))
    stdout, _, error = import_wordpress(second)
    assert error is None
    assert "skipped 1: its story was kept as it is: the post's images changed" in stdout
    assert story_of(90).body == body


def test_an_image_added_in_wordpress_leaves_the_photos_a_story_has_on_a_rerun_without_uploads(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "pier.jpg")
    pier = '<img src="https://test-harbour.example/wp-content/uploads/pier.jpg" alt="Pier">'
    quay = '<img src="https://test-harbour.example/wp-content/uploads/quay.jpg" alt="Quay">'
    import_wordpress(write_export(tmp_path / "first.xml", post_xml(90, "Pier", f"<p>One.</p>{pier}")), uploads=uploads)
    photo = Photo.objects.get()
    second = write_export(tmp_path / "second.xml", post_xml(90, "Pier", f"<p>One.</p>{quay}{pier}<p>Two.</p>"))
    stdout, _, _ = import_wordpress(second)
    assert "posts: 0 imported, 1 updated, 0 unchanged" in stdout
    body = story_of(90).body
    assert (body.count("data-photo"), f'data-photo="{photo.pk}"' in body, "Two." in body) == (1, True, True)


def test_a_site_exported_as_several_files_finds_photos_listed_in_another(tmp_path):
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/pier.jpg")
    image = '<img class="wp-image-90" src="https://test-harbour.example/wp-content/uploads/2024/05/pier-300x200.jpg">'
    thumbnail = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>90</wp:meta_value></wp:postmeta>\n"
    first = write_export(tmp_path / "part-1.xml", post_xml(70, "Pier reopens", f"<p>Open.</p>{image}", extra=thumbnail))
    second = write_export(tmp_path / "part-2.xml", attachment_xml(90, "2024/05/pier.jpg", alt="The new pier"))
    stdout, _, error = import_wordpress(first, second, uploads=uploads)
    assert error is None
    story = story_of(70)
    assert story.lead_photo.alt_text == "The new pier"
    assert (
        f'<img data-photo="{story.lead_photo.pk}" src="{story.lead_photo.image.url}" alt="The new pier">' in story.body
    )
    assert "new: 1 photos" in stdout


# Another site, another version.


def test_a_wxr_1_0_site_in_a_folder_imports_beside_the_first(harbour):
    stdout, _, error = import_wordpress(OLD_BLOG, outlet="Harbour Times")
    assert error is None
    story = story_of(1)
    assert story.headline == "Hello world & harbour"
    assert story.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert comment_of(1).author_name == "Mr WordPress"
    assert story.outlet.name == "Harbour Times"


def test_imported_story_pages_are_valid_html(tmp_path, client):
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless; .ci/run does)")
    uploads = tmp_path / "uploads"
    draw_photo(uploads / "2024/05/quay.jpg")
    draw_photo(uploads / "2024/05/항구.jpg", colour=(140, 60, 30))
    import_wordpress(HARBOUR, zone="Asia/Seoul", uploads=uploads)
    files = []
    for post_id in (10, 11):
        for language in ("en", "ko"):
            with translation.override(language):
                response = client.get(story_of(post_id).get_absolute_url(), HTTP_HOST="localhost")
            assert response.status_code == 200
            files.append(tmp_path / f"post-{post_id}-{language}.html")
            files[-1].write_bytes(response.content)
    assert nu_errors(files) == {}


def test_no_progress_bar_without_a_terminal(capsys):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(HARBOUR), stdout=stdout, stderr=stderr)
    assert "posts: 7 imported" in stdout.getvalue()
    assert stderr.getvalue() == ""
    assert capsys.readouterr().err == ""


def test_sticky_posts_beyond_the_front_pages_places_are_not_pinned_and_counted(tmp_path, settings):
    settings.NEWSROOM_FEATURED_STORIES = 1
    sticky = "\t\t<wp:is_sticky>1</wp:is_sticky>\n"
    items = [
        post_xml(80 + number, f"Sticky {number}").replace("\t\t<wp:is_sticky>0</wp:is_sticky>\n", sticky)
        for number in (0, 1)
    ]
    stdout, _, _ = import_wordpress(write_export(tmp_path / "sticky.xml", *items))
    assert "posts: 2 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed" in stdout
    assert "1 sticky posts not pinned: the front page's featured places are taken" in stdout
    assert list(FrontPagePin.objects.values_list("story__headline", flat=True)) == ["Sticky 0"]


# A site whose home address changed since it was imported (review of issue 10).


def moved_export(folder):
    """The Harbour export as WordPress writes it after the site moved to www.harbour.example."""
    text = HARBOUR.read_text(encoding="utf-8").replace("https://harbour.example", "https://www.harbour.example")
    path = Path(folder) / "harbour-www.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_under_a_new_home_address_is_refused_rather_than_imported_twice(tmp_path):
    import_wordpress(HARBOUR, zone="Asia/Seoul")
    before = row_counts()
    _, _, error = import_wordpress(moved_export(tmp_path), zone="Asia/Seoul")
    assert error is not None
    assert "lead to harbour.example, imported before" in str(error)
    assert "--site harbour.example" in str(error) and "nothing was imported" in str(error)
    assert row_counts() == before


def test_site_names_the_site_imported_before_and_nothing_is_duplicated(tmp_path):
    import_wordpress(HARBOUR, zone="Asia/Seoul")
    stories = Story.objects.count()
    stdout, stderr, error = import_wordpress(moved_export(tmp_path), zone="Asia/Seoul", site="https://harbour.example/")
    assert error is None, stderr
    assert Story.objects.count() == stories
    assert ImportedSite.objects.count() == 1


def test_new_site_imports_it_beside_the_first_all_the_same(tmp_path):
    import_wordpress(HARBOUR, zone="Asia/Seoul")
    _, stderr, error = import_wordpress(moved_export(tmp_path), zone="Asia/Seoul", new_site=True)
    assert error is None, stderr
    assert ImportedSite.objects.count() == 2


def test_site_must_name_a_site_imported_before(tmp_path):
    _, _, error = import_wordpress(HARBOUR, zone="Asia/Seoul", site="nowhere.example")
    assert error is not None and "no site 'nowhere.example' was imported before" in str(error)
