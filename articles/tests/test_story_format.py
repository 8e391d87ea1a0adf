"""The story-page format, without a database: `decode_story_page` on bytes, `parse_story_page` on text."""

import datetime as dt

import pytest

from articles import story_format
from articles.story_format import StoryFormatError, decode_story_page, parse_story_page

from .story_pages import (
    DATELINE,
    MALFORMED_IDS,
    MALFORMED_PAGES,
    PAGES,
    SEED_HASHTAGS,
    SEED_HEADLINE,
    UNREADABLE_FILES,
    UNREADABLE_IDS,
    edited_page,
    parse_page,
)

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


@pytest.mark.parametrize(("name", "line", "reason"), MALFORMED_PAGES, ids=MALFORMED_IDS)
def test_malformed_page_is_refused_naming_its_line_and_reason(name, line, reason):
    with pytest.raises(StoryFormatError) as caught:
        parse_page(PAGES / name)
    assert caught.value.line == line
    assert reason in caught.value.reason


@pytest.mark.parametrize(("label", "data", "line", "reason"), UNREADABLE_FILES, ids=UNREADABLE_IDS)
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


# Datelines, lengths and line numbers.


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
