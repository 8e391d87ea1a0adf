"""The pure half of search: the reader's text into terms, and marked text into safe HTML."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from articles.search import (
    MARK_END,
    MARK_START,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    SQLiteSearch,
    excerpt,
    mark_terms,
    narrow_marks,
    parse_query,
    render_marked,
    require_trigram_sqlite,
    split_marks,
    squeeze,
)

S, E = MARK_START, MARK_END


class TestParseQuery:
    def test_words_become_lower_case_terms(self):
        query = parse_query("  Ukraine  North Korea ")
        assert query.text == "Ukraine North Korea"
        assert query.terms == ("ukraine", "north", "korea")
        assert not query.shortened

    def test_korean_words_are_kept_whole(self):
        assert parse_query("우크라이나의 북한").terms == ("우크라이나의", "북한")

    @pytest.mark.parametrize(
        ("raw", "terms"),
        [
            ("a OR", ("a", "or")),
            ("NEAR(", ("near",)),
            ('"unbalanced', ("unbalanced",)),
            ("seoul*", ("seoul",)),
            ("-busan", ("busan",)),
            ("don't", ("don", "t")),
            ("50% off_peak", ("50", "off", "peak")),
            ("ukraine:* & !war", ("ukraine", "war")),
        ],
    )
    def test_operators_quotes_and_wildcards_are_not_syntax(self, raw, terms):
        assert parse_query(raw).terms == terms

    @pytest.mark.parametrize("raw", ["%", "_", "'", '"', "*", "-", "()", "%%__"])
    def test_punctuation_alone_leaves_no_terms_but_keeps_the_text(self, raw):
        query = parse_query(raw)
        assert query.terms == ()
        assert query.text == raw

    def test_nul_and_control_characters_are_dropped(self):
        assert parse_query("sec\x00ret\x07 code\x1b").text == "secret code"

    def test_lone_surrogates_and_replacement_characters_are_dropped(self):
        assert parse_query("\ud800seoul\udfff \ufffd").terms == ("seoul",)

    def test_tabs_and_newlines_separate_words(self):
        assert parse_query("seoul\tbusan\nincheon").terms == ("seoul", "busan", "incheon")

    def test_full_width_letters_and_decomposed_hangul_are_normalised(self):
        decomposed = "\u1109\u1165\u110b\u116e\u11af"  # 서울 as separate jamo (as macOS may send it)
        assert parse_query("ＳＥＯＵＬ " + decomposed).terms == ("seoul", "서울")

    def test_hangul_compatibility_jamo_are_kept_as_typed(self):
        # NFKC alone makes ㄱ U+1100, a conjoining jamo that no story text contains.
        assert parse_query("ㄱ자 ㅋㅋ").terms == ("ㄱ자", "ㅋㅋ")

    def test_text_is_cut_to_the_maximum_length(self):
        query = parse_query("a" * 10_000)
        assert query.text == "a" * MAX_QUERY_LENGTH
        assert query.terms == ("a" * MAX_QUERY_LENGTH,)
        assert query.shortened

    def test_only_the_first_words_are_terms(self):
        query = parse_query(" ".join(f"word{number}" for number in range(MAX_TERMS + 5)))
        assert query.terms == tuple(f"word{number}" for number in range(MAX_TERMS))
        assert query.shortened

    def test_a_repeated_word_is_one_term(self):
        assert parse_query("Seoul seoul SEOUL").terms == ("seoul",)

    def test_nothing_typed_is_an_empty_query(self):
        assert parse_query(" \n ").text == ""
        assert parse_query("").terms == ()


class TestMarkedText:
    def test_database_marks_become_marked_segments(self):
        assert split_marks(f"War in {S}Ukraine{E} today") == [("War in ", False), ("Ukraine", True), (" today", False)]

    def test_stray_and_nested_marks_are_ignored(self):
        assert split_marks(f"{E}a{S}b{S}c{E}d{E}") == [("a", False), ("bc", True), ("d", False)]

    def test_literal_occurrences_of_terms_are_marked_in_any_case(self):
        segments = mark_terms([("남북한 and 북한; UN, un", False)], ("북한", "un"))
        assert segments == [
            ("남", False),
            ("북한", True),
            (" and ", False),
            ("북한", True),
            ("; ", False),
            ("UN", True),
            (", ", False),
            ("un", True),
        ]

    def test_text_the_database_marked_is_not_marked_twice(self):
        assert mark_terms([("북한은", True), (" 북한", False)], ("북한",)) == [
            ("북한은", True),
            (" ", False),
            ("북한", True),
        ]

    def test_paragraph_breaks_become_single_spaces(self):
        assert squeeze([("\n First\n\nsecond ", False), ("mark", True), ("  end \n", False)]) == [
            ("First second ", False),
            ("mark", True),
            (" end", False),
        ]

    def test_short_text_is_its_own_excerpt(self):
        segments = [("A short ", False), ("story", True)]
        assert excerpt(segments, length=50) == segments

    def test_excerpt_starts_a_little_before_the_first_mark_and_is_cut_at_spaces(self):
        before = " ".join(["early"] * 40)
        after = " ".join(["later"] * 40)
        parts = excerpt([(before + " ", False), ("match", True), (" " + after, False)], length=80)
        text = "".join(part for part, _ in parts)
        assert text.startswith("…early")
        assert text.endswith("later…")
        assert ("match", True) in parts
        assert len(text) <= 82
        assert "ear…" not in text and "…arly" not in text

    def test_excerpt_without_marks_is_the_beginning(self):
        text = "".join(part for part, _ in excerpt([("word " * 100, False)], length=40))
        assert text.startswith("word word")
        assert text.endswith("…")

    def test_rendering_escapes_text_and_marks_only_the_matches(self):
        html = render_marked(split_marks(f"<script>alert('{S}x{E}')</script> & <{S}b{E}>"))
        assert html == "&lt;script&gt;alert(&#x27;<mark>x</mark>&#x27;)&lt;/script&gt; &amp; &lt;<mark>b</mark>&gt;"

    def test_marked_text_that_looks_like_markup_stays_text(self):
        assert render_marked([("<img src=x onerror=alert(1)>", True)]) == (
            "<mark>&lt;img src=x onerror=alert(1)&gt;</mark>"
        )


class TestNarrowMarks:
    def test_a_korean_word_marked_whole_is_cut_to_the_form_it_starts_with(self):
        assert narrow_marks([("북한군과", True), (" 교전", False)], ("북한군이", "북한군")) == [
            ("북한군", True),
            ("과", False),
            (" 교전", False),
        ]

    def test_the_longest_form_is_kept(self):
        assert narrow_marks([("쿠르스크에서도", True)], ("쿠르스크", "쿠르스크에서")) == [
            ("쿠르스크에서", True),
            ("도", False),
        ]

    def test_english_words_stay_marked_whole(self):
        assert narrow_marks([("wars", True)], ("war",)) == [("wars", True)]

    def test_unmarked_text_is_left_alone(self):
        assert narrow_marks([("북한은", False)], ("북한",)) == [("북한은", False)]


class TestSQLite:
    def test_each_term_is_a_quoted_fts5_string(self):
        assert SQLiteSearch.fts5_query([("ukraine",), ("우크라이나",), ('odd"one',)]) == (
            '"ukraine" AND "우크라이나" AND "odd""one"'
        )

    def test_a_word_and_its_stem_are_alternatives(self):
        assert SQLiteSearch.fts5_query([("kursk",), ("쿠르스크에서", "쿠르스크")]) == (
            '"kursk" AND ("쿠르스크에서" OR "쿠르스크")'
        )

    def test_an_old_sqlite_is_refused_with_a_clear_message(self):
        with pytest.raises(ImproperlyConfigured, match=r"SQLite 3\.34 or newer.*has SQLite 3\.31\.1"):
            require_trigram_sqlite((3, 31, 1))

    def test_sqlite_from_3_34_is_accepted(self):
        require_trigram_sqlite((3, 34, 0))
