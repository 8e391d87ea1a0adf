"""Text hygiene: what may be stored, what counts as visible, how names are isolated.

Pure functions on `str`, no Django. Every place text enters (forms, admin, the importer,
any model save) or leaves as XML (feeds, sitemaps) goes through these, so the site has one
idea of a control character, of invisible text and of an unpaired bidi control.
`comments` imports this module; it imports nothing of ours.
"""

import re
import unicodedata

# Line breaks that word processors and PDF copies paste as controls: VT, FF and NEL.
LINE_BREAK_CONTROLS = "\x0b\x0c\x85"

# What XML 1.0 (Fifth Edition) cannot carry, production [2] Char:
#   #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# so the rest of C0, the surrogates (a Python str can hold a lone one) and U+FFFE/U+FFFF.
# Added: DEL and the C1 controls U+0080–U+009F, which XML 1.0 allows but section 2.2
# discourages and which no reader types on purpose.
NOT_STORABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAKS = re.compile(f"[{LINE_BREAK_CONTROLS}]")

# Characters that draw nothing but are not format controls (category Cf is removed as a whole,
# see `visible_text`): Hangul fillers, the combining grapheme joiner, Mongolian free variation
# selectors, the Khmer inherent vowels, variation selectors, the Braille blank.
INVISIBLE_NON_FORMAT = (
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef"
)
INVISIBLE_NON_FORMAT_RE = re.compile(f"[{INVISIBLE_NON_FORMAT}]")

# Format characters (Cf) that do draw a glyph: the prepended concatenation marks of Arabic,
# Syriac and Kaithi (Unicode's Prepended_Concatenation_Mark property). They stay visible.
VISIBLE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")

# The most combining marks (general categories Mn, Me) kept on one base character. UAX #15
# section 13, Stream-Safe Text Format, caps a run of non-starters at 30, a bound Unicode calls
# well beyond what any language or notation needs (Vietnamese stacks two marks, Hebrew with
# cantillation, Thai, Devanagari and Tibetan stacks a handful); "Zalgo" text stacks thousands.
MAX_COMBINING_MARKS = 30
COMBINING_MARK_CATEGORIES = frozenset(("Mn", "Me"))


def _character_class(categories):
    """A regex character class of every code point in `categories` (general categories, per this
    Python's Unicode database), as ranges. Marks and format characters live in planes 0, 1 and 14."""
    ranges, start, previous = [], None, None
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if unicodedata.category(chr(code)) in categories:
            if start is None or code != previous + 1:
                if start is not None:
                    ranges.append((start, previous))
                start = code
            previous = code
    ranges.append((start, previous))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# A run that may hold too many marks: marks and format characters (a mark after a ZWJ still draws
# on the same base, so format characters do not end a run), longer than the limit.
MARK_RUN = re.compile(f"[{_character_class({*COMBINING_MARK_CATEGORIES, 'Cf'})}]{{{MAX_COMBINING_MARKS + 1},}}")

# The combining diacritics of the Latin, Greek and Cyrillic scripts: the blocks Combining Diacritical
# Marks (and its Extended and Supplement blocks), for Symbols, and Half Marks. `comparable_text` drops
# them after decomposition, so keywords match without accents (CASİNO, càsino). Marks of other
# scripts (Hebrew points, Thai and Devanagari vowel signs) are letters of their words and stay.
LATIN_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Bidi controls (UAX #9, section 2): embeddings and overrides end with PDF, isolates with PDI.
EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO
PDF = "\u202c"
ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
PDI = "\u2069"
FSI = "\u2068"
BIDI_PAIRED_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# UAX #9 ends every embedding and isolate at the end of a paragraph (bidi class B).
PARAGRAPH_SEPARATORS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")


def clean_control_characters(text):
    """`text` without the characters XML 1.0 cannot carry, ready to store and to serialise.

    Takes a str, returns a str. TAB and LF are kept; CR LF and a lone CR (what browsers send
    for a line break in a textarea, HTML's "normalize newlines") become LF, so a text saved
    from a browser equals the same text imported or typed in a shell. VT, FF and NEL (line
    breaks that PDF and Word copies paste) become LF too. The other C0 controls, DEL, the C1 controls,
    lone surrogates and U+FFFE/U+FFFF are removed. The rule is XML 1.0's Char production
    (https://www.w3.org/TR/xml/#charsets), which Django's feed writer enforces by raising
    on C0 controls; C1 and DEL are removed too since XML discourages them (section 2.2).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return NOT_STORABLE.sub("", LINE_BREAKS.sub("\n", text))


def is_invisible(char):
    """True for a character that draws nothing and is not white space (one code point)."""
    if INVISIBLE_NON_FORMAT_RE.match(char):
        return True
    return unicodedata.category(char) == "Cf" and char not in VISIBLE_FORMAT


def visible_text(text):
    """`text` as a reader sees it, for emptiness checks, keyword rules and duplicate checks.

    Takes a str, returns a str; never store the result (it drops the ZWJ that joins
    👩‍💻, say). Control characters go as in `clean_control_characters`; then every
    character that draws nothing: the whole general category Cf (format characters:
    zero-width space, non-joiner and joiner, word joiner and the invisible operators
    U+2060–U+2064, BOM/ZWNBSP U+FEFF, soft hyphen, bidi marks, embeddings, overrides
    and isolates, U+180E, tag characters) except the prepended concatenation marks that
    draw a glyph. Cf as a whole rather than a list, because Unicode adds new invisible
    format characters to Cf and this follows each Python's Unicode database. Then the
    invisible characters of other categories, from Unicode's Default_Ignorable_Code_Point
    property (DerivedCoreProperties.txt): Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
    variation selectors, the combining grapheme joiner, Mongolian variation selectors,
    Khmer inherent vowels; and the Braille blank U+2800, which renders as a space.
    White space is kept: text whose visible text is only white space is empty (`is_blank`).
    """
    return "".join(char for char in clean_control_characters(text) if not is_invisible(char))


def is_blank(text):
    """True when `text` (a str, or None) shows nothing but white space to a reader."""
    return not text or not visible_text(text).strip()


def comparable_text(text):
    """The one normalisation for comparing texts: visible text, NFKC, case-folded, no Latin accents.

    Takes and returns a str. Moderation keywords, blocked e-mail addresses and duplicate
    fingerprints compare this, so `ca\\u200bsino`, `ca\\u00adsino`, `CASINO`, `CASİNO` (U+0130,
    which case-folds to i and U+0307) and `càsino` are all `casino`. NFKC folds full-width and
    compatibility forms and composes decomposed Hangul (it can also map a compatibility Hangul
    filler onto another filler, so invisibles are removed again after it). After case folding,
    the text is decomposed (NFD), the combining diacritics of Latin, Greek and Cyrillic
    (`LATIN_DIACRITICS`) are dropped and it is composed again (NFC), which leaves Hangul
    syllables as they were. Confusables of other scripts (Cyrillic і for i) stay apart: that
    needs Unicode's confusables data (UTS #39), which Python does not ship.
    """
    folded = visible_text(unicodedata.normalize("NFKC", visible_text(text))).casefold()
    return unicodedata.normalize("NFC", LATIN_DIACRITICS.sub("", unicodedata.normalize("NFD", folded)))


def drop_unpaired_bidi(text):
    """`text` with only the bidi controls that are closed, so none reverses text after it.

    Takes and returns a str. Embeddings and overrides (LRE, RLE, LRO, RLO) are kept when a
    PDF closes them, isolates (LRI, RLI, FSI) when a PDI does, following UAX #9 (rules X6a,
    X7): a PDF closes the latest embedding unless an isolate opened after it, a PDI closes
    the latest open isolate and with it any embedding still open inside. Every control
    still open at a paragraph separator (LF, CR, U+2029…) or at the end is unpaired, since
    UAX #9 ends them there; unpaired ones and stray closers are dropped.
    """
    if not BIDI_PAIRED_CONTROL.search(text):
        return text  # the common case, without a loop in Python over a whole story body
    keep = [True] * len(text)
    open_controls = []  # (index, is_isolate), innermost last
    for index, char in enumerate(text):
        if char in EMBEDDINGS or char in ISOLATES:
            open_controls.append((index, char in ISOLATES))
        elif char == PDF:
            if open_controls and not open_controls[-1][1]:
                open_controls.pop()
            else:
                keep[index] = False
        elif char == PDI:
            if any(is_isolate for _, is_isolate in open_controls):
                while True:
                    opener, is_isolate = open_controls.pop()
                    if is_isolate:
                        break
                    keep[opener] = False
            else:
                keep[index] = False
        elif char in PARAGRAPH_SEPARATORS:
            for opener, _ in open_controls:
                keep[opener] = False
            open_controls.clear()
    for opener, _ in open_controls:
        keep[opener] = False
    return "".join(char for char, kept in zip(text, keep, strict=True) if kept)


def limit_combining_marks(text, limit=MAX_COMBINING_MARKS):
    """`text` with at most `limit` combining marks (categories Mn, Me) on each base character.

    Takes a str (and an int), returns a str. A run of marks (format characters such as ZWJ
    between them count as part of the run, not as marks) keeps its first `limit` marks; the
    rest are dropped. "Zalgo" text (a letter and thousands of U+0301) draws a line across the
    whole page otherwise. The default is UAX #15's Stream-Safe bound (`MAX_COMBINING_MARKS`).
    Precomposed Hangul syllables are letters (Lo), not marks: they are never touched.
    """
    if not MARK_RUN.search(text):
        return text

    def trim(match):
        kept, marks = [], 0
        for char in match.group():
            if unicodedata.category(char) in COMBINING_MARK_CATEGORIES:
                marks += 1
                if marks > limit:
                    continue
            kept.append(char)
        return "".join(kept)

    return MARK_RUN.sub(trim, text)


def clean_stored_text(text):
    """What is stored of any text field: no control XML cannot carry, no unpaired bidi control,
    at most `MAX_COMBINING_MARKS` combining marks on a base character."""
    return limit_combining_marks(drop_unpaired_bidi(clean_control_characters(text)))


def isolate_bidi(text):
    """`text` between FSI and PDI, for a name put into a plain-text sentence (an e-mail).

    The plain-text form of HTML's <bdi>: a right-to-left name, or one starting with a
    bidi override, cannot reorder the words around it (UAX #9, rule X5c).
    """
    return f"{FSI}{drop_unpaired_bidi(text)}{PDI}"
