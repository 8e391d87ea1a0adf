"""The story importer: `parse_story_page` on text, and the `import_story` command on files.

Sample pages live in `pages/`: two valid ones, and malformed ones that each differ from
`valid_minimal.txt` by one fault. Binary and wrongly encoded files are made in `tmp_path`.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from articles import importing, story_format
from articles.importing import StoryFormatError, decode_story_page, parse_story_page, save_story
from articles.models import Hashtag, Outlet, SocialLink, Story, StoryHashtag
from conftest import SEED_DIR

PAGES = Path(__file__).resolve().parent / "pages"
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "stories"
SEED_PAGE = SEED_DIR / "000_ecb8479c0830c2d5.txt"

SEED_HEADLINE = "Ukraine clashes with N. Korean troops for first time: Ukrainian official"
SEED_HASHTAGS = [
    "Ukraine",
    "Russia",
    "NorthKorea",
    "Troop",
    "Deployment",
    "Clashes",
    "우크라이나",
    "러시아",
    "북한",
    "전쟁",
    "파병",
    "Arirang_News",
    "아리랑뉴스",
]

# Each malformed page, the line the importer must name, and the heart of its reason.
MALFORMED_PAGES = [
    ("no_headline.txt", 3, "no headline: the first line must be the English headline"),
    ("no_dateline.txt", 36, "no dateline: expected a line like"),
    ("bad_date.txt", 24, "bad date “2026-02-30, 09:30”: day is out of range for month"),
    ("unknown_zone.txt", 24, "unknown time zone abbreviation “XYZ”"),
    ("wrong_zone_season.txt", 24, "EDT is not in effect in America/New_York on 2026-01-12, 09:30 (it uses EST)"),
    ("empty.txt", 1, "empty file: expected a story page"),
    ("blank.txt", 1, "empty file: expected a story page"),
    ("bad_social_url.txt", 21, "social link “javascript:alert(1)” is not an http(s) URL"),
    ("bad_hashtag.txt", 18, "bad hashtag “#bad-tag”: letters, digits and underscores only"),
    ("no_sign_off.txt", 14, "no sign-off: expected “Reporter Name, Outlet Name.”"),
    ("unexpected_tail.txt", 28, "unexpected text after the dateline: “Read more stories from the harbour desk”"),
    ("misnumbered_comments.txt", 33, "comment numbered 3, expected 2"),
]

# Files that are not UTF-8 text, made in tmp_path: bytes, the line to name, the heart of the reason.
UNREADABLE_FILES = [
    ("nul_byte", b"Headline\n\nIntro line\x00\x01\x02\n", 3, "binary file (NUL byte): expected UTF-8 text"),
    ("latin_1", "Headline\nCafé opens\n".encode("latin-1"), 2, "not UTF-8 text (byte 0xe9 at offset 12)"),
    ("euc_kr", "Headline\n\n서울 소식\n".encode("euc-kr"), 3, "not UTF-8 text (byte 0xbc at offset 10)"),
    ("control_character", b"Headline\n\nA bell \x07 rings\n", 3, "control characters in the text"),
]


def read_page(name):
    return (PAGES / name).read_text(encoding="utf-8")


def parse_page(path):
    return parse_story_page(decode_story_page(Path(path).read_bytes()))


def edited_page(name, *replacements):
    """The text of a sample page with (old, new) replacements, each of which must apply."""
    text = read_page(name)
    for old, new in replacements:
        assert old in text, f"{old!r} is not in {name}"
        text = text.replace(old, new)
    return text


def write_page(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_story(*args):
    """Run `import_story`; returns (stdout, stderr, the CommandError raised or None)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_story", *map(str, args), stdout=stdout, stderr=stderr, no_color=True)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def row_counts():
    return {model.__name__: model.objects.count() for model in (Story, Outlet, Hashtag, SocialLink, StoryHashtag)}


def hashtag_names(story):
    return [link.hashtag.name for link in story.hashtag_links.select_related("hashtag")]


@pytest.fixture
def seed_page():
    if not SEED_PAGE.is_file():
        pytest.skip(f"seed page {SEED_PAGE} is absent: the seed tests need the shared seed folder")
    return SEED_PAGE


@pytest.fixture
def seed_story(seed_page):
    return parse_page(seed_page)


# The seed page, parsed (no database).


def test_seed_headline_is_the_first_line(seed_story):
    assert seed_story.headline == SEED_HEADLINE


def test_seed_korean_headline_is_the_hangul_line_under_it(seed_story):
    assert seed_story.headline_ko == "우크라 당국자 “첫 북한군 병력, 쿠르스크서 이미 공격 받아”"


def test_seed_intro_is_the_three_line_standfirst(seed_story):
    assert seed_story.intro.splitlines() == [
        "Ukraine has reportedly clashed with North Korean troops on the border with Russia for the very first time.",
        "Meanwhile, a South Korean delegation that visited Ukraine last week has arrived back in Seoul.",
        "Our Choi Min-jung has the latest.",
    ]


def test_seed_body_holds_four_english_paragraphs_and_no_korean_body(seed_story):
    paragraphs = seed_story.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Ukraine has confirmed for the first time")
    assert (
        paragraphs[-1]
        == "While in Ukraine, the delegation exchanged battlefield information, and explored cooperation measures."
    )
    assert seed_story.body_ko == ""


def test_seed_sign_off_gives_reporter_and_outlet(seed_story):
    assert (seed_story.reporter, seed_story.outlet) == ("Choi Min-jung", "Arirang News")


def test_seed_hashtags_keep_their_written_order(seed_story):
    assert seed_story.hashtags == SEED_HASHTAGS


def test_seed_social_links_are_facebook_and_twitter(seed_story):
    assert [(link.label, link.url) for link in seed_story.social_links] == [
        ("Facebook", "https://www.facebook.com/arirangtvnews"),
        ("Twitter", "https://twitter.com/arirangtvnews"),
    ]


def test_seed_homepage_link_becomes_the_outlet_homepage(seed_story):
    assert seed_story.homepage == "https://v2.arirang.com/"


def test_seed_dateline_in_kst_is_stored_as_utc(seed_story):
    assert seed_story.published_at == dt.datetime(2024, 11, 4, 11, 0, tzinfo=dt.UTC)
    assert seed_story.time_zone == "Asia/Seoul"


def test_seed_thoughts_line_gives_the_count(seed_story):
    assert seed_story.thoughts_count == 45


def test_seed_comments_are_numbered_and_keep_their_text(seed_story):
    comments = seed_story.comments
    assert [comment.number for comment in comments] == [1, 2, 3, 4]
    assert comments[0].text.startswith("Im confused while we fund south korea defense")
    assert comments[1].text.startswith('"Internationalization of conflict" it\'s ironic')
    assert comments[2].text.startswith("The West is trying to implicate South Korea")
    assert comments[3].text.startswith("Russia, China, Iran & North Korea must be held accountable")
    assert not any("Reply" in comment.text for comment in comments)


def test_seed_warns_that_45_thoughts_do_not_match_4_comments(seed_story):
    assert seed_story.warnings == ["the page says 45 thoughts but holds 4 comments"]


# Our own valid pages, parsed (no database).


def test_minimal_page_gives_headlines_intro_and_body():
    parsed = parse_page(PAGES / "valid_minimal.txt")
    assert parsed.headline == "Harbour Ferry Adds Evening Crossing"
    assert parsed.headline_ko == "항구 페리, 저녁 운항 추가"
    assert parsed.intro.splitlines()[0] == "The city ferry will add a crossing at seven in the evening."
    assert parsed.body.split("\n\n") == [
        "The operator said the new crossing follows requests from commuters.\n"
        "A second boat will be moored at the pier on weekdays.",
        "Timetables will be posted at both terminals this week.",
    ]
    assert parsed.body_ko == ""


def test_minimal_page_gives_sign_off_hashtags_links_and_dateline():
    parsed = parse_page(PAGES / "valid_minimal.txt")
    assert (parsed.reporter, parsed.outlet) == ("Han Yu-na", "Test Harbour Gazette")
    assert parsed.hashtags == ["Ferry", "Harbour", "Test_Gazette", "페리"]
    assert [link.label for link in parsed.social_links] == ["Facebook", "Twitter"]
    assert parsed.homepage == "https://testgazette.example/"
    assert parsed.published_at == dt.datetime(2026, 5, 12, 0, 30, tzinfo=dt.UTC)
    assert parsed.slug == "harbour-ferry-adds-evening-crossing"


def test_comment_text_may_run_over_several_lines_until_reply():
    parsed = parse_page(PAGES / "valid_minimal.txt")
    assert [comment.text for comment in parsed.comments] == [
        "Good news for the night shift.",
        "Will bicycles be allowed on board?\nAsking for a friend.",
    ]
    assert parsed.warnings == []


def test_hangul_paragraphs_after_the_english_body_become_the_korean_body():
    parsed = parse_page(PAGES / "valid_korean_body.txt")
    assert parsed.body_ko.split("\n\n") == [
        "중앙공원 벤치 스무 개에 올여름 그늘막이 설치된다.\n공사는 월요일에 시작된다.",
        "그늘막은 재활용 천으로 만들어지며 겨울에는 접어 둔다.",
    ]
    assert parsed.body == (
        "The covers are made of recycled canvas and fold away in winter.\nEach one takes about an hour to fit."
    )


def test_page_whose_only_link_is_the_homepage_has_no_social_links():
    parsed = parse_page(PAGES / "valid_korean_body.txt")
    assert parsed.social_links == []
    assert parsed.homepage == "https://testpark.example/"


def test_byte_order_mark_is_not_part_of_the_headline():
    text = decode_story_page(b"\xef\xbb\xbf" + (PAGES / "valid_minimal.txt").read_bytes())
    assert parse_story_page(text).headline == "Harbour Ferry Adds Evening Crossing"


def test_same_hashtag_in_two_cases_on_one_page_is_kept_once():
    text = edited_page("valid_minimal.txt", ("#Ferry #Harbour", "#Ferry #ferry #Harbour"))
    assert parse_story_page(text).hashtags == ["Ferry", "Harbour", "Test_Gazette", "페리"]


# Malformed pages: the line at fault and why.


@pytest.mark.parametrize(("name", "line", "reason"), MALFORMED_PAGES, ids=[case[0] for case in MALFORMED_PAGES])
def test_malformed_page_is_refused_naming_its_line_and_reason(name, line, reason):
    with pytest.raises(StoryFormatError) as caught:
        parse_page(PAGES / name)
    assert caught.value.line == line
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("label", "data", "line", "reason"), UNREADABLE_FILES, ids=[case[0] for case in UNREADABLE_FILES]
)
def test_file_that_is_not_utf8_text_is_refused_naming_its_line(tmp_path, label, data, line, reason):
    path = tmp_path / f"{label}.txt"
    path.write_bytes(data)
    with pytest.raises(StoryFormatError) as caught:
        decode_story_page(path.read_bytes())
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_file_larger_than_the_limit_is_refused_before_decoding():
    with pytest.raises(StoryFormatError) as caught:
        decode_story_page(b"a" * (story_format.MAX_FILE_BYTES + 1))
    assert (caught.value.line, caught.value.reason) == (1, "file is larger than 2 MiB: not a story page")


def test_format_error_reads_as_path_line_reason():
    error = StoryFormatError(24, "bad date", path="pages/bad_date.txt")
    assert str(error) == "pages/bad_date.txt:24: bad date"


# The command: malformed files write nothing and say where and why.


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "line", "reason"), MALFORMED_PAGES, ids=[case[0] for case in MALFORMED_PAGES])
def test_command_refuses_malformed_page_with_path_line_reason_and_writes_nothing(name, line, reason):
    path = PAGES / name
    before = row_counts()
    _, stderr, error = import_story(path)
    assert str(error) == "1 file(s): 0 created, 0 updated, 1 failed."
    assert f"{path}:{line}: {reason}" in stderr
    assert "(nothing imported from this file)" in stderr
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "data", "line", "reason"), UNREADABLE_FILES, ids=[case[0] for case in UNREADABLE_FILES]
)
def test_command_refuses_file_that_is_not_utf8_text(tmp_path, label, data, line, reason):
    path = tmp_path / f"{label}.txt"
    path.write_bytes(data)
    _, stderr, error = import_story(path)
    assert error is not None
    assert f"{path}:{line}: {reason}" in stderr
    assert Story.objects.count() == 0


@pytest.mark.django_db
def test_command_refuses_a_path_that_does_not_exist(tmp_path):
    _, _, error = import_story(tmp_path / "missing.txt")
    assert str(error) == f"{tmp_path / 'missing.txt'}: no such file or folder."


@pytest.mark.django_db
def test_command_refuses_a_folder_without_story_pages(tmp_path):
    (tmp_path / "notes.md").write_text("not a story page", encoding="utf-8")
    _, _, error = import_story(tmp_path)
    assert str(error) == f"{tmp_path}: folder holds no *.txt story pages."


# The command: importing and re-importing.


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_says_what_it_would_create():
    path = PAGES / "valid_minimal.txt"
    stdout, _, error = import_story(path, "--dry-run")
    assert error is None
    assert f"{path}: would create “Harbour Ferry Adds Evening Crossing”" in stdout
    assert "Dry run, nothing written: 1 file(s): 1 created, 0 updated, 0 failed." in stdout
    assert row_counts() == {"Story": 0, "Outlet": 0, "Hashtag": 0, "SocialLink": 0, "StoryHashtag": 0}


@pytest.mark.django_db
def test_dry_run_of_an_imported_page_says_it_would_update():
    path = PAGES / "valid_minimal.txt"
    import_story(path)
    counts = row_counts()
    stdout, _, _ = import_story(path, "--dry-run")
    assert f"{path}: would update “Harbour Ferry Adds Evening Crossing”" in stdout
    assert row_counts() == counts


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_source_url_with_two_files_is_refused():
    _, _, error = import_story(
        PAGES / "valid_minimal.txt", PAGES / "valid_korean_body.txt", "--source-url", "https://news.example/1"
    )
    assert "give exactly one file with it" in str(error)
    assert Story.objects.count() == 0


@pytest.mark.django_db
def test_source_url_that_is_not_http_is_refused():
    _, _, error = import_story(PAGES / "valid_minimal.txt", "--source-url", "javascript:alert(1)")
    assert str(error) == "--source-url: source “javascript:alert(1)” is not an http(s) URL"
    assert Story.objects.count() == 0


@pytest.mark.django_db
def test_source_url_is_stored_on_the_story():
    import_story(PAGES / "valid_minimal.txt", "--source-url", "https://news.example/ferry")
    assert Story.objects.get().source_url == "https://news.example/ferry"


@pytest.mark.django_db
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


@pytest.mark.django_db
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
    assert story.paragraphs()[-1] == ["Printed timetables will be posted at both terminals this week."]
    assert hashtag_names(story) == ["Ferry", "Test_Gazette", "페리"]


@pytest.mark.django_db
def test_hashtags_differing_only_in_case_across_pages_are_one_hashtag(tmp_path):
    first = write_page(tmp_path, "a.txt", edited_page("valid_minimal.txt", ("#Ferry ", "#Ferry #Ukraine ")))
    second = write_page(tmp_path, "b.txt", edited_page("valid_korean_body.txt", ("#Park ", "#Park #ukraine ")))
    import_story(first, second)
    tag = Hashtag.objects.get(slug="ukraine")
    assert tag.name == "Ukraine"
    assert tag.stories.count() == 2


@pytest.mark.django_db
def test_demo_folder_imports_four_stories():
    _, _, error = import_story(DEMO_DIR)
    assert error is None
    assert Story.objects.filter(status=Story.Status.PUBLISHED).count() == 4


@pytest.mark.django_db
def test_demo_folder_has_one_story_with_a_korean_body():
    import_story(DEMO_DIR)
    with_korean = Story.objects.exclude(body_ko="")
    assert list(with_korean.values_list("headline", flat=True)) == [
        "Mapo District Library Extends Opening Hours for Exam Season"
    ]


@pytest.mark.django_db
def test_demo_story_dated_in_eet_keeps_eet_in_its_dateline():
    stdout, _, _ = import_story(DEMO_DIR)
    story = Story.objects.get(headline="Tallinn Harbour Hosts Korean Port Cities Culture Week")
    assert story.outlet.time_zone == "Europe/Tallinn"
    assert story.dateline.strftime("%Y-%m-%d %H:%M %Z") == "2026-10-26 18:05 EET"
    assert "Baltic Harbour Wire, 2026-10-26 18:05 EET" in stdout


# Transactions: a page is imported whole or not at all.


@pytest.mark.django_db
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


@pytest.mark.django_db
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


DATELINE = "2026-05-12, 09:30 (KST)"


@pytest.mark.parametrize(
    ("dateline", "utc"),
    [
        ("2026-03-15, 10:00 (ICT)", dt.datetime(2026, 3, 15, 3, 0, tzinfo=dt.UTC)),
        ("2026-03-15, 10:00 (PHT)", dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)),
        ("2026-11-01, 01:30 (EDT)", dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)),
        ("2026-11-01, 01:30 (EST)", dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)),
        ("2026-07-01, 12:00 (IST)", dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.UTC)),
    ],
    ids=["numeric-zone-name-ICT", "PHT", "first-1-30-EDT", "repeated-1-30-EST", "half-hour-IST"],
)
def test_dateline_zone_is_checked_by_its_offset(dateline, utc):
    parsed = parse_story_page(edited_page("valid_minimal.txt", (DATELINE, dateline)))
    assert parsed.published_at == utc


def test_time_skipped_when_clocks_go_forward_is_refused():
    text = edited_page("valid_minimal.txt", (DATELINE, "2026-03-08, 02:30 (EST)"))
    with pytest.raises(StoryFormatError, match="does not exist in America/New_York") as caught:
        parse_story_page(text)
    assert caught.value.line == 24


def test_date_out_of_range_is_refused_not_crashing():
    text = edited_page("valid_minimal.txt", (DATELINE, "9999-12-31, 23:00 (EST)"))
    with pytest.raises(StoryFormatError, match="the year must be") as caught:
        parse_story_page(text)
    assert caught.value.line == 24


def test_body_line_that_looks_like_a_date_is_not_the_dateline():
    text = edited_page(
        "valid_minimal.txt",
        ("Timetables will be posted", "2026-05-11 (Monday) was the first trial.\nTimetables will be posted"),
    )
    assert parse_story_page(text).published_at == dt.datetime(2026, 5, 12, 0, 30, tzinfo=dt.UTC)


def test_social_link_longer_than_the_database_column_is_refused_at_its_line():
    long_url = "https://www.facebook.example/" + "a" * 300
    text = edited_page("valid_minimal.txt", ("https://www.facebook.example/testgazette", long_url))
    with pytest.raises(StoryFormatError, match="social link is 329 characters long") as caught:
        parse_story_page(text)
    assert caught.value.line == 20


def test_hashtag_whose_folded_form_is_too_long_is_refused():
    text = edited_page("valid_minimal.txt", ("#Ferry ", "#" + "ß" * 90 + " "))
    with pytest.raises(StoryFormatError, match="hashtag is 180 characters long") as caught:
        parse_story_page(text)
    assert caught.value.line == 18


def test_unicode_line_separator_does_not_shift_line_numbers():
    text = edited_page(
        "valid_minimal.txt",
        ("The change starts next month.", "The change\u2028starts next month."),
        ("#Ferry", "#bad-tag"),
    )
    with pytest.raises(StoryFormatError) as caught:
        parse_story_page(decode_story_page(text.encode()))
    assert caught.value.line == 18


def test_record_separator_control_character_is_refused():
    with pytest.raises(StoryFormatError, match="control characters") as caught:
        decode_story_page(b"Headline\n\nA record \x1e separator\n")
    assert caught.value.line == 3


@pytest.mark.django_db
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
