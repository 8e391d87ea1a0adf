"""Text hygiene, as plain values: control characters, invisible text, unpaired bidi controls."""

import io
import unicodedata
import xml.dom.minidom

import pytest
from django.utils.feedgenerator import Rss201rev2Feed
from hypothesis import given
from hypothesis import strategies as st

from articles.feeds import RssFeedGenerator
from articles.text import (
    MAX_COMBINING_MARKS,
    clean_control_characters,
    clean_stored_text,
    comparable_text,
    drop_unpaired_bidi,
    is_blank,
    isolate_bidi,
    limit_combining_marks,
    visible_text,
)

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


# clean_control_characters


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0e", "\x1f", "\x7f", "\x80", "\x84", "\x86", "\x9f"])
def test_c0_c1_controls_and_delete_are_removed(char):
    assert clean_control_characters(f"a{char}b") == "ab"


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x85"])
def test_vertical_tab_form_feed_and_next_line_become_line_feeds(char):
    assert clean_control_characters(f"a{char}b") == "a\nb"


def test_tab_and_line_feed_are_kept_and_carriage_returns_become_line_feeds():
    assert clean_control_characters("a\tb\nc\r\nd\re") == "a\tb\nc\nd\ne"


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ud800", "\udfff"])
def test_non_characters_and_lone_surrogates_are_removed(char):
    assert clean_control_characters(f"a{char}b") == "ab"


def test_korean_emoji_and_joiners_are_kept_in_what_is_stored():
    text = "좋아요 👩\u200d💻 ok\u00a0"
    assert clean_control_characters(text) == text
    assert clean_stored_text(text) == text


# visible_text and is_blank


@pytest.mark.parametrize(
    "char",
    [
        "\u200b", "\u200c", "\u200d", "\u2060", "\u2061", "\u2064", "\ufeff", "\u00ad",
        "\u115f", "\u1160", "\u3164", "\uffa0",
        "\u200e", "\u200f", "\u061c", LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI,
        "\ufe00", "\ufe0f", "\U000e0100", "\U000e01ef", "\u034f", "\u180e",
        "\U000e0001", "\U000e0041", "\U000e007f", "\u2800",
    ],
)  # fmt: skip
def test_invisible_characters_are_not_visible_text(char):
    assert visible_text(f"ca{char}sino") == "casino"
    assert is_blank(char)
    assert is_blank(f" {char}\n{char} ")


def test_visible_text_drops_control_characters_too():
    assert visible_text("a\x01b") == "ab"


def test_prepended_concatenation_mark_is_visible():
    assert visible_text("\u0600١") == "\u0600١"
    assert not is_blank("\u0600")


@pytest.mark.parametrize("text", ["a", "좋아요", "👩\u200d💻", "\u0301"])
def test_text_with_something_visible_is_not_blank(text):
    assert not is_blank(text)


@pytest.mark.parametrize("text", ["", None, " \t\r\n", "\u3000", "\u200b \u200d\u00ad\n"])
def test_nothing_or_white_space_is_blank(text):
    assert is_blank(text)


def test_comparable_text_folds_invisibles_width_and_case():
    assert comparable_text("ＣＡ\u00adSI\u200cNO") == "casino"
    assert comparable_text("hel\u200blo") == comparable_text("Hello")


# drop_unpaired_bidi


def test_lone_override_is_dropped():
    assert drop_unpaired_bidi(f"{RLO}evil") == "evil"


@pytest.mark.parametrize(
    "text",
    [
        f"{RLO}abc{PDF} d",
        f"{LRE}a{RLE}b{PDF}c{PDF}",
        f"{RLI}שלום{PDI} ok",
        f"{FSI}a{LRO}b{PDF}c{PDI}",
        f"{LRI}{RLI}x{PDI}{PDI}",
    ],
)
def test_paired_controls_are_kept(text):
    assert drop_unpaired_bidi(text) == text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"a{PDF}b", "ab"),
        (f"a{PDI}b", "ab"),
        (f"{LRI}a", "a"),
        (f"{RLE}a{RLO}b{PDF}", f"a{RLO}b{PDF}"),
        # A PDF cannot close an embedding opened outside the isolate it stands in.
        (f"{RLE}a{LRI}b{PDF}c{PDI}", f"a{LRI}bc{PDI}"),
        # A PDI closes its isolate and ends the embeddings still open inside it.
        (f"{RLI}a{RLO}b{PDI}c", f"{RLI}ab{PDI}c"),
        # Every embedding ends with its paragraph: one open at a line break is unpaired.
        (f"{RLO}a\nb{PDF}", "a\nb"),
    ],
)
def test_unpaired_controls_and_stray_closers_are_dropped(text, kept):
    assert drop_unpaired_bidi(text) == kept


def test_isolate_bidi_wraps_a_name_for_plain_text():
    assert isolate_bidi(f"{RLO}evil") == f"{FSI}evil{PDI}"


@given(st.text())
def test_drop_unpaired_bidi_leaves_every_opener_closed(text):
    depth = 0
    for char in drop_unpaired_bidi(text):
        if char in (LRE, RLE, LRO, RLO, LRI, RLI, FSI):
            depth += 1
        elif char in (PDF, PDI):
            depth -= 1
            assert depth >= 0
        elif char in "\n\r\x1c\x1d\x1e\x85\u2029":
            assert depth == 0
    assert depth == 0


# What the XML writer can output


def write_feed(feed_class, text):
    feed = feed_class(title=text, link="https://news.example/", description=text, language="en")
    feed.add_item(
        title=text,
        link="https://news.example/1/",
        description=text,
        author_name=text,
        categories=[text],
    )
    out = io.StringIO()
    feed.write(out, "utf-8")
    return out.getvalue()


def test_django_feed_writer_refuses_a_vertical_tab():
    with pytest.raises(ValueError, match="Control characters"):
        write_feed(Rss201rev2Feed, "a\x0bb")


@given(st.text())
def test_cleaned_text_always_serialises_through_djangos_feed_writer(text):
    write_feed(Rss201rev2Feed, clean_stored_text(text))


@given(st.text())
def test_site_feed_writer_outputs_well_formed_xml_whatever_the_text(text):
    document = xml.dom.minidom.parseString(write_feed(RssFeedGenerator, text).encode())
    assert document.getElementsByTagName("item")


# Combining marks: a bounded number per base character ("Zalgo" text).

ZALGO = "Zalgo" + "\u0301" * 3000


def test_thousands_of_combining_marks_on_one_letter_are_cut_to_the_stream_safe_bound():
    assert limit_combining_marks(ZALGO) == "Zalgo" + "\u0301" * MAX_COMBINING_MARKS
    assert MAX_COMBINING_MARKS == 30  # UAX #15, Stream-Safe Text Format


@pytest.mark.parametrize(
    "marks",
    ["\u0301" * 31, "\u20dd" * 40, "\u0301\u0316" * 100, "\u0301\u200d" * 100, "\u05b8" * 50, "\u0e49" * 60],
)
def test_every_kind_of_long_mark_run_is_cut(marks):
    cut = limit_combining_marks(f"x{marks}y")
    assert sum(unicodedata.category(char) in ("Mn", "Me") for char in cut) == MAX_COMBINING_MARKS
    assert cut.startswith("x") and cut.endswith("y")


def test_each_base_character_has_its_own_allowance():
    text = ("a" + "\u0301" * 30) * 3
    assert limit_combining_marks(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Tiếng Việt có dấu: người, những, được",  # two marks on a base, decomposed or not
        unicodedata.normalize("NFD", "Tiếng Việt: người, những, được"),
        "도박은 한국어로 쓴 글입니다 ㄷㅗㅂㅏㄱ",  # precomposed syllables are Lo, not marks
        unicodedata.normalize("NFD", "도박은 한국어"),  # conjoining jamo are letters too
        "בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים",  # Hebrew points and cantillation
        "ภาษาไทย น้ำ ที่นี่",
        "हिन्दी में लिखा गया",
        "བཀྲ་ཤིས་བདེ་ལེགས། ཧྨྱཱ",
        "keycap 1\ufe0f\u20e3 and 👩\u200d💻",
    ],
)
def test_real_orthographies_are_untouched(text):
    assert limit_combining_marks(text) == text
    assert clean_stored_text(text) == text


def test_stored_text_is_cut_to_the_bound_as_well():
    assert clean_stored_text(ZALGO) == "Zalgo" + "\u0301" * MAX_COMBINING_MARKS


# comparable_text: keywords match across case, compatibility forms and Latin accents.


@pytest.mark.parametrize("written", ["CASİNO", "càsino", "CAŞINO", "ｃａｓｉｎｏ", "ca\u0301sino", "Ca\u200bsíno"])
def test_comparable_text_ignores_latin_accents_and_the_dotted_capital_i(written):
    assert comparable_text(written) == "casino"


@pytest.mark.parametrize("text", ["도박", "한국어 기사", "हिन्दी", "ภาษาไทย", "שָׁלוֹם"])
def test_comparable_text_keeps_the_marks_of_other_scripts_and_hangul_syllables(text):
    assert comparable_text(text) == unicodedata.normalize("NFC", text)


def test_comparable_text_keeps_cyrillic_confusables_apart():
    # Out of scope: telling confusables needs UTS #39 data, which Python does not ship.
    assert comparable_text("casіno") != "casino"
