"""The `import_story` command on files, and `save_story`, which writes one parsed page in one transaction."""

import datetime as dt

import pytest
from django.db import DatabaseError

from articles import importing
from articles.importing import parse_story_page, save_story
from articles.models import Hashtag, Outlet, Story

from .story_pages import (
    DATELINE,
    DEMO_DIR,
    MALFORMED_IDS,
    MALFORMED_PAGES,
    PAGES,
    SEED_HASHTAGS,
    SEED_HEADLINE,
    UNREADABLE_FILES,
    UNREADABLE_IDS,
    edited_page,
    hashtag_names,
    import_story,
    parse_page,
    read_page,
    row_counts,
    write_edited_page,
    write_page,
)

pytestmark = pytest.mark.django_db


# The command: malformed files write nothing and say where and why.


@pytest.mark.parametrize(("name", "line", "reason"), MALFORMED_PAGES, ids=MALFORMED_IDS)
def test_command_refuses_malformed_page_with_path_line_reason_and_writes_nothing(name, line, reason):
    path = PAGES / name
    before = row_counts()
    _, stderr, error = import_story(path)
    assert str(error) == "1 file(s): 0 created, 0 updated, 1 failed."
    assert f"{path}:{line}: {reason}" in stderr
    assert "(nothing imported from this file)" in stderr
    assert row_counts() == before


@pytest.mark.parametrize(("label", "data", "line", "reason"), UNREADABLE_FILES, ids=UNREADABLE_IDS)
def test_command_refuses_file_that_is_not_utf8_text(tmp_path, label, data, line, reason):
    path = tmp_path / f"{label}.txt"
    path.write_bytes(data)
    _, stderr, error = import_story(path)
    assert error is not None
    assert f"{path}:{line}: {reason}" in stderr
    assert Story.objects.count() == 0


def test_command_refuses_a_path_that_does_not_exist(tmp_path):
    _, _, error = import_story(tmp_path / "missing.txt")
    assert str(error) == f"{tmp_path / 'missing.txt'}: no such file or folder."


def test_command_refuses_a_folder_without_story_pages(tmp_path):
    (tmp_path / "notes.md").write_text("not a story page", encoding="utf-8")
    _, _, error = import_story(tmp_path)
    assert str(error) == f"{tmp_path}: folder holds no *.txt story pages."


# The command: importing and re-importing.


def test_importing_the_seed_creates_one_published_story(seed_page):
    stdout, stderr, error = import_story(seed_page)
    assert error is None
    story = Story.objects.get()
    assert story.headline == SEED_HEADLINE
    assert story.status == Story.Status.PUBLISHED
    assert story.published_at == dt.datetime(2024, 11, 4, 11, 0, tzinfo=dt.UTC)
    assert story.reporter == "Choi Min-jung"
    assert hashtag_names(story) == SEED_HASHTAGS
    assert f"{seed_page}: created “{SEED_HEADLINE}”" in stdout
    assert "1 file(s): 1 created, 0 updated, 0 failed." in stdout
    assert "warning: the page says 45 thoughts but holds 4 comments" in stderr


def test_importing_the_seed_creates_its_outlet_with_homepage_zone_and_social_links(seed_page):
    import_story(seed_page)
    outlet = Outlet.objects.get()
    assert (outlet.name, outlet.homepage, outlet.time_zone) == (
        "Arirang News",
        "https://v2.arirang.com/",
        "Asia/Seoul",
    )
    assert [(link.label, link.url) for link in outlet.social_links.all()] == [
        ("Facebook", "https://www.facebook.com/arirangtvnews"),
        ("Twitter", "https://twitter.com/arirangtvnews"),
    ]


def test_reimporting_the_seed_updates_the_story_without_duplicates(seed_page):
    import_story(seed_page)
    first = Story.objects.get()
    counts = row_counts()
    stdout, _, error = import_story(seed_page)
    assert error is None
    assert row_counts() == counts
    assert Story.objects.get().pk == first.pk
    assert f"{seed_page}: updated" in stdout
    assert "1 file(s): 0 created, 1 updated, 0 failed." in stdout


def test_dry_run_writes_nothing_and_says_what_it_would_create():
    path = PAGES / "valid_minimal.txt"
    stdout, _, error = import_story(path, "--dry-run")
    assert error is None
    assert f"{path}: would create “Harbour Ferry Adds Evening Crossing”" in stdout
    assert "Dry run, nothing written: 1 file(s): 1 created, 0 updated, 0 failed." in stdout
    assert row_counts() == {"Story": 0, "Outlet": 0, "Hashtag": 0, "SocialLink": 0, "StoryHashtag": 0}


def test_dry_run_of_an_imported_page_says_it_would_update():
    path = PAGES / "valid_minimal.txt"
    import_story(path)
    counts = row_counts()
    stdout, _, _ = import_story(path, "--dry-run")
    assert f"{path}: would update “Harbour Ferry Adds Evening Crossing”" in stdout
    assert row_counts() == counts


def test_folder_imports_every_txt_page_with_one_line_each_and_a_summary(tmp_path):
    first = write_page(tmp_path, "a.txt", read_page("valid_minimal.txt"))
    second = write_page(tmp_path, "b.txt", read_page("valid_korean_body.txt"))
    (tmp_path / "notes.md").write_text("not a story page", encoding="utf-8")
    stdout, _, error = import_story(tmp_path)
    assert error is None
    lines = stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{first}: created “Harbour Ferry Adds Evening Crossing”")
    assert lines[1].startswith(f"{second}: created “Park Benches Get Shade Covers”")
    assert lines[2] == "2 file(s): 2 created, 0 updated, 0 failed."
    assert Story.objects.count() == 2


def test_folder_with_a_bad_page_imports_the_good_ones_and_fails_at_the_end(tmp_path):
    write_page(tmp_path, "a.txt", read_page("valid_minimal.txt"))
    bad = write_page(tmp_path, "b.txt", read_page("bad_date.txt"))
    write_page(tmp_path, "c.txt", read_page("valid_korean_body.txt"))
    stdout, stderr, error = import_story(tmp_path)
    assert str(error) == "3 file(s): 2 created, 0 updated, 1 failed."
    assert f"{bad}:24: bad date" in stderr
    assert stdout.count(": created “") == 2
    assert sorted(Story.objects.values_list("headline", flat=True)) == [
        "Harbour Ferry Adds Evening Crossing",
        "Park Benches Get Shade Covers",
    ]


def test_source_url_with_two_files_is_refused():
    _, _, error = import_story(
        PAGES / "valid_minimal.txt", PAGES / "valid_korean_body.txt", "--source-url", "https://news.example/1"
    )
    assert "give exactly one file with it" in str(error)
    assert Story.objects.count() == 0


def test_source_url_that_is_not_http_is_refused():
    _, _, error = import_story(PAGES / "valid_minimal.txt", "--source-url", "javascript:alert(1)")
    assert str(error) == "--source-url: source “javascript:alert(1)” is not an http(s) URL"
    assert Story.objects.count() == 0


def test_source_url_is_stored_on_the_story():
    import_story(PAGES / "valid_minimal.txt", "--source-url", "https://news.example/ferry")
    assert Story.objects.get().source_url == "https://news.example/ferry"


def test_reimport_with_the_same_source_url_updates_the_story_after_its_headline_changed(tmp_path):
    import_story(PAGES / "valid_minimal.txt", "--source-url", "https://news.example/ferry")
    original = Story.objects.get()
    renamed = write_page(
        tmp_path,
        "renamed.txt",
        edited_page("valid_minimal.txt", ("Harbour Ferry Adds Evening Crossing", "City Ferry Adds a Late Crossing")),
    )
    stdout, _, error = import_story(renamed, "--source-url", "https://news.example/ferry")
    assert error is None
    story = Story.objects.get()
    assert story.pk == original.pk
    assert story.headline == "City Ferry Adds a Late Crossing"
    assert story.slug == original.slug
    assert f"{renamed}: updated" in stdout


def test_edited_reimport_updates_the_body_and_the_hashtag_list(tmp_path):
    import_story(PAGES / "valid_minimal.txt")
    edited = write_page(
        tmp_path,
        "edited.txt",
        edited_page(
            "valid_minimal.txt",
            ("Timetables will be posted", "Printed timetables will be posted"),
            ("#Ferry #Harbour ", "#Ferry "),
        ),
    )
    import_story(edited)
    story = Story.objects.get()
    assert story.body.endswith("<p>Printed timetables will be posted at both terminals this week.</p>")
    assert hashtag_names(story) == ["Ferry", "Test_Gazette", "페리"]


def test_hashtags_differing_only_in_case_across_pages_are_one_hashtag(tmp_path):
    first = write_page(tmp_path, "a.txt", edited_page("valid_minimal.txt", ("#Ferry ", "#Ferry #Ukraine ")))
    second = write_page(tmp_path, "b.txt", edited_page("valid_korean_body.txt", ("#Park ", "#Park #ukraine ")))
    import_story(first, second)
    tag = Hashtag.objects.get(slug="ukraine")
    assert tag.name == "Ukraine"
    assert tag.stories.count() == 2


def test_demo_folder_imports_five_stories():
    _, _, error = import_story(DEMO_DIR)
    assert error is None
    assert Story.objects.filter(status=Story.Status.PUBLISHED).count() == 5


def test_demo_folder_has_one_story_with_a_korean_body():
    import_story(DEMO_DIR)
    with_korean = Story.objects.exclude(body_ko="")
    assert list(with_korean.values_list("headline", flat=True)) == [
        "Mapo District Library Extends Opening Hours for Exam Season"
    ]


def test_demo_story_dated_in_eet_keeps_eet_in_its_dateline():
    stdout, _, _ = import_story(DEMO_DIR)
    story = Story.objects.get(headline="Tallinn Harbour Hosts Korean Port Cities Culture Week")
    assert story.outlet.time_zone == "Europe/Tallinn"
    assert story.dateline.strftime("%Y-%m-%d %H:%M %Z") == "2026-10-26 18:05 EET"
    assert "Baltic Harbour Wire, 2026-10-26 18:05 EET" in stdout


# Transactions: a page is imported whole or not at all.


def test_failure_while_saving_leaves_nothing_from_that_page(monkeypatch):
    outlets_when_failing = []

    def fail_after_the_outlet(names):
        outlets_when_failing.append(Outlet.objects.count())
        raise DatabaseError("disk full")

    monkeypatch.setattr(importing, "get_or_create_hashtags", fail_after_the_outlet)
    path = PAGES / "valid_minimal.txt"
    _, stderr, error = import_story(path)
    assert outlets_when_failing == [1]
    assert str(error) == "1 file(s): 0 created, 0 updated, 1 failed."
    assert f"{path}:0: disk full (nothing imported from this file)" in stderr
    assert row_counts() == {"Story": 0, "Outlet": 0, "Hashtag": 0, "SocialLink": 0, "StoryHashtag": 0}


def test_save_story_rolls_back_an_update_that_fails_halfway(monkeypatch):
    story, created = save_story(parse_page(PAGES / "valid_minimal.txt"))
    assert created
    edited = parse_story_page(edited_page("valid_minimal.txt", ("Han Yu-na", "Kim Do-yun")))

    def fail(names):
        raise RuntimeError("hashtags unavailable")

    monkeypatch.setattr(importing, "get_or_create_hashtags", fail)
    with pytest.raises(RuntimeError):
        save_story(edited)
    story.refresh_from_db()
    assert story.reporter == "Han Yu-na"
    assert hashtag_names(story) == ["Ferry", "Harbour", "Test_Gazette", "페리"]


# Re-importing: which story a page updates.


def test_page_from_another_source_with_the_same_headline_becomes_a_new_story(tmp_path):
    import_story(PAGES / "valid_minimal.txt", "--source-url", "https://a.example/1")
    other = write_page(
        tmp_path, "other.txt", edited_page("valid_minimal.txt", ("a crossing at seven", "a crossing at eight"))
    )
    stdout, _, error = import_story(other, "--source-url", "https://b.example/2")
    assert error is None
    first, second = Story.objects.order_by("id")
    assert (first.source_url, first.slug) == ("https://a.example/1", "harbour-ferry-adds-evening-crossing")
    assert (second.source_url, second.slug) == ("https://b.example/2", "harbour-ferry-adds-evening-crossing-2")
    assert "seven" in first.intro
    assert "eight" in second.intro


def signed_by_another_outlet(*replacements):
    """`valid_minimal.txt` with its headline unchanged, signed by Test Bay Courier instead."""
    return edited_page(
        "valid_minimal.txt", ("Han Yu-na, Test Harbour Gazette.", "Kim Do-yun, Test Bay Courier."), *replacements
    )


def test_same_headline_signed_by_another_outlet_becomes_a_second_story(tmp_path):
    import_story(PAGES / "valid_minimal.txt")
    other = write_page(tmp_path, "other.txt", signed_by_another_outlet())
    stdout, _, error = import_story(other)
    assert error is None
    first, second = Story.objects.order_by("id")
    assert (first.outlet.name, first.slug) == ("Test Harbour Gazette", "harbour-ferry-adds-evening-crossing")
    assert (second.outlet.name, second.slug) == ("Test Bay Courier", "harbour-ferry-adds-evening-crossing-2")
    assert f"{other}: created “Harbour Ferry Adds Evening Crossing”" in stdout


def test_reimporting_the_other_outlets_page_updates_its_story_without_a_third(tmp_path):
    import_story(PAGES / "valid_minimal.txt")
    import_story(write_page(tmp_path, "other.txt", signed_by_another_outlet()))
    edited = write_page(
        tmp_path, "other-edited.txt", signed_by_another_outlet(("a crossing at seven", "a crossing at eight"))
    )
    stdout, _, error = import_story(edited)
    assert error is None
    assert Story.objects.count() == 2
    second = Story.objects.get(outlet__name="Test Bay Courier")
    assert second.slug == "harbour-ferry-adds-evening-crossing-2"
    assert "a crossing at eight" in second.intro
    assert "a crossing at seven" in Story.objects.get(outlet__name="Test Harbour Gazette").intro
    assert f"{edited}: updated" in stdout


def test_reimport_keeps_a_story_the_editor_returned_to_draft_hidden_but_updates_its_text(tmp_path, client):
    import_story(PAGES / "valid_minimal.txt")
    Story.objects.update(status=Story.Status.DRAFT)
    printed = ("Timetables will be posted", "Printed timetables will be posted")
    import_story(write_edited_page(tmp_path, "valid_minimal.txt", printed))
    story = Story.objects.get()
    assert story.status == Story.Status.DRAFT
    assert story.body.endswith("<p>Printed timetables will be posted at both terminals this week.</p>")
    assert client.get(story.get_absolute_url()).status_code == 404


# --only-new: demo content that never overwrites an editor's work.


def test_only_new_leaves_an_existing_story_untouched():
    path = PAGES / "valid_minimal.txt"
    import_story(path)
    Story.objects.update(body="Edited in the admin.")
    _, _, error = import_story(path, "--only-new")
    assert error is None
    assert Story.objects.get().body == "Edited in the admin."


def test_only_new_says_which_pages_it_skipped_and_counts_them(tmp_path):
    existing = write_page(tmp_path, "a.txt", read_page("valid_minimal.txt"))
    import_story(existing)
    new = write_page(tmp_path, "b.txt", read_page("valid_korean_body.txt"))
    stdout, _, _ = import_story(tmp_path, "--only-new")
    lines = stdout.splitlines()
    assert lines[0] == f"{existing}: skipped, “Harbour Ferry Adds Evening Crossing” exists already"
    assert lines[1].startswith(f"{new}: created “Park Benches Get Shade Covers”")
    assert lines[2] == "2 file(s): 1 created, 0 updated, 1 skipped, 0 failed."


# The outlet a page names: its social links and its time zone.

NO_FACEBOOK = ("📣 Facebook : https://www.facebook.example/testgazette\n", "")
NO_TWITTER = ("📣 Twitter : https://twitter.example/testgazette\n", "")


def social_links_of(outlet_name):
    return [(link.label, link.url) for link in Outlet.objects.get(name=outlet_name).social_links.all()]


def test_reimported_page_without_social_links_leaves_the_outlets_links_in_place(tmp_path):
    import_story(PAGES / "valid_minimal.txt")
    import_story(write_edited_page(tmp_path, "valid_minimal.txt", NO_FACEBOOK, NO_TWITTER))
    assert social_links_of("Test Harbour Gazette") == [
        ("Facebook", "https://www.facebook.example/testgazette"),
        ("Twitter", "https://twitter.example/testgazette"),
    ]


def test_reimported_page_with_social_links_replaces_the_outlets_links(tmp_path):
    import_story(PAGES / "valid_minimal.txt")
    youtube = ("📣 Twitter : https://twitter.example/testgazette", "📣 YouTube : https://youtube.example/tg")
    import_story(write_edited_page(tmp_path, "valid_minimal.txt", youtube))
    assert social_links_of("Test Harbour Gazette") == [
        ("Facebook", "https://www.facebook.example/testgazette"),
        ("YouTube", "https://youtube.example/tg"),
    ]


def test_dateline_in_another_zone_than_the_outlets_warns_what_readers_see(tmp_path):
    import_story(PAGES / "valid_minimal.txt")
    eest = write_edited_page(tmp_path, "valid_minimal.txt", (DATELINE, "2026-05-12, 09:30 (EEST)"))
    _, stderr, error = import_story(eest)
    assert error is None
    assert (
        f"{eest}: warning: the dateline is in Europe/Tallinn, but Test Harbour Gazette shows datelines in "
        "Asia/Seoul: readers see 2026-05-12, 15:30 (KST)"
    ) in stderr
    assert Story.objects.get().dateline.strftime("%Y-%m-%d, %H:%M (%Z)") == "2026-05-12, 15:30 (KST)"


def test_dateline_in_the_outlets_own_zone_gives_no_warning():
    import_story(PAGES / "valid_minimal.txt")
    _, stderr, _ = import_story(PAGES / "valid_minimal.txt")
    assert stderr == ""
