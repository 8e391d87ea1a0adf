"""Search over published stories: headlines, intros and bodies, in English and Korean.

`parse_query` turns what a reader typed into plain terms (pure). `StorySearch` finds the
stories that contain every term, best first, with the matches marked; it is what Django's
Paginator needs (`count()` and slices), and the one place that picks the database's way:

- PostgreSQL: full-text search on a stored, GIN-indexed document (English stemming for English
  text, the `simple` configuration plus prefix matching for Korean, whose particles hang on the
  word: 우크라이나의), or, for a term of three characters or more, a substring match on a pg_trgm
  index (the middle of a Korean compound). Both come with migration 0009, as 0019 left them.
- SQLite: an FTS5 table with the trigram tokenizer (substrings in any language), kept in step
  with `articles_story` by triggers (migrations 0009 and 0019), ranked by bm25.

Bodies are searched as plain text (`Story.body_plain`, `body_ko_plain`: articles.rich_text.body_text),
never as their HTML: no tag or link address is found, and a word split by <em> is one word.

A Korean word also matches its stem without particles (쿠르스크에서 finds 쿠르스크서; articles/korean.py).
On both databases, stories where a term stands as a whole word (for Korean: starts a word, since
particles follow it) rank above those where it is only inside a word (UN in until, 북한 in 남북한).

The database marks what it matched with two control characters; `mark_terms` adds the literal
occurrences it could not see, and `render_marked` escapes the text and turns only those marks
into `<mark>`.
"""

import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .korean import HANGUL, korean_stem
from .models import Story

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
# The trigram tokenizer and pg_trgm index three characters at a time: shorter terms need another way.
MIN_SUBSTRING_LENGTH = 3
EXCERPT_LENGTH = 240
MARK_START, MARK_END = "\x02", "\x03"
SQLITE_MIN_VERSION = (3, 34, 0)

# What is searched, in the order of the SQLite index's columns (bodies: their plain text).
TEXT_FIELDS = ("headline", "headline_ko", "intro", "intro_ko", "body", "body_ko")
# Where the excerpt under a result comes from, in the reader's language first.
EXCERPT_FIELDS = {"ko": ("body_ko", "intro_ko", "intro", "body"), "en": ("intro", "body", "intro_ko", "body_ko")}

WORD = re.compile(r"[^\W_]+")
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


@dataclass(frozen=True)
class Query:
    text: str  # what is searched, as shown back in the form
    terms: tuple[str, ...]  # lower-case words, each of which a story must contain
    shortened: bool = False  # the text was cut to MAX_QUERY_LENGTH characters or MAX_TERMS words


@dataclass(frozen=True)
class Term:
    """One word of the query, and for a Korean word its stem without particles (articles.korean)."""

    word: str
    stem: str | None = None

    @property
    def forms(self):
        """What a story may contain for this term: the word as typed, then its stem."""
        return (self.word, self.stem) if self.stem else (self.word,)

    @property
    def matched(self):
        """The form a story must contain: the stem is the word's beginning, so it covers the word too."""
        return self.stem or self.word


def search_terms(query):
    """The query's words as `Term`s, each Korean one with its stem (Kiwi loads on the first Korean word)."""
    return tuple(Term(word, korean_stem(word)) for word in query.terms)


def all_forms(terms):
    """Every word and stem of the terms: what the results page marks."""
    return tuple(form for term in terms for form in term.forms)


# NFKC turns a compatibility jamo (ㄱ, ㅋ: what a Korean keyboard types alone) into a conjoining one
# (U+1100), which no story contains (stories are NFC): those are left as typed.
COMPATIBILITY_JAMO = re.compile("([\u3131-\u318e]+)")


def normalise(text):
    """NFKC, except for Hangul compatibility jamo (ㄱ자 stays ㄱ자)."""
    parts = COMPATIBILITY_JAMO.split(text)
    return "".join(part if number % 2 else unicodedata.normalize("NFKC", part) for number, part in enumerate(parts))


def parse_query(raw):
    """The reader's text as plain words: no operators, quotes or wildcards survive.

    Control and format characters (NUL among them), surrogates and U+FFFD (what undecodable
    bytes become) are dropped, the rest is NFKC-normalised (full-width letters, decomposed
    Hangul; not Hangul compatibility jamo), cut to MAX_QUERY_LENGTH characters, and split into
    runs of letters and digits.
    """
    kept = "".join(
        " " if char.isspace() else char
        for char in raw
        if char.isspace() or (unicodedata.category(char) not in DROPPED_CATEGORIES and char != "\ufffd")
    )
    text = " ".join(normalise(kept).split())
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH].strip()
    terms = tuple(dict.fromkeys(WORD.findall(text.lower())))
    if len(terms) > MAX_TERMS:
        terms, shortened = terms[:MAX_TERMS], True
    return Query(text=text, terms=terms, shortened=shortened)


# Marked text is handled as segments: (text, marked) pairs.


def split_marks(text):
    """Segments of text as the database marked it; stray or nested marks are ignored."""
    segments, current, marked = [], [], False
    for char in text:
        if char in (MARK_START, MARK_END):
            if (char == MARK_START) != marked:
                if current:
                    segments.append(("".join(current), marked))
                current, marked = [], not marked
            continue
        current.append(char)
    if current:
        segments.append(("".join(current), marked))
    return segments


def mark_terms(segments, terms):
    """Also mark the literal occurrences of the terms (any case) that the database left unmarked."""
    if not terms:
        return segments
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    result = []
    for text, marked in segments:
        if marked:
            result.append((text, True))
            continue
        position = 0
        for match in pattern.finditer(text):
            if match.start() > position:
                result.append((text[position : match.start()], False))
            result.append((match.group(), True))
            position = match.end()
        if position < len(text):
            result.append((text[position:], False))
    return result


def narrow_marks(segments, forms):
    """Shorten a marked word to the Korean form it starts with: 북한군과 → [북한]군과, for 북한.

    PostgreSQL marks the whole word it matched by its beginning; what matched is the form, and the
    particle after it is not part of the match (SQLite's trigram marks are already that narrow).
    """
    by_length = sorted(forms, key=len, reverse=True)
    result = []
    for text, marked in segments:
        form = next((form for form in by_length if marked and text[: len(form)].lower() == form), None)
        if form and len(form) < len(text) and HANGUL.match(form[-1]):
            result.extend([(text[: len(form)], True), (text[len(form) :], False)])
        else:
            result.append((text, marked))
    return result


def squeeze(segments):
    """One line: runs of whitespace (paragraph breaks included) become one space."""
    squeezed = [(re.sub(r"\s+", " ", text), marked) for text, marked in segments]
    if squeezed:
        squeezed[0] = (squeezed[0][0].lstrip(), squeezed[0][1])
        squeezed[-1] = (squeezed[-1][0].rstrip(), squeezed[-1][1])
    return [(text, marked) for text, marked in squeezed if text]


def excerpt(segments, length=EXCERPT_LENGTH):
    """About `length` characters from the first mark on (with a little before), cut at spaces."""
    text = "".join(part for part, _ in segments)
    if len(text) <= length:
        return segments
    first_mark, offset = 0, 0
    for part, marked in segments:
        if marked:
            first_mark = offset
            break
        offset += len(part)
    start = max(0, first_mark - length // 4)
    if start:
        space = text.find(" ", start, first_mark)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", max(first_mark, start) + 1, end)
        end = space if space > 0 else end
    return _slice(segments, start, end, leading="…" if start else "", trailing="…" if end < len(text) else "")


def _slice(segments, start, end, leading, trailing):
    result, offset = [], 0
    for part, marked in segments:
        piece = part[max(0, start - offset) : max(0, end - offset)]
        if piece:
            result.append((piece, marked))
        offset += len(part)
    if leading:
        result.insert(0, (leading, False))
    if trailing:
        result.append((trailing, False))
    return result


def render_marked(segments):
    """Escaped text with `<mark>` around the marked parts: the only markup that gets through."""
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", part) if marked else part,) for part, marked in segments)
    )


def has_marks(segments):
    return any(marked for _, marked in segments)


@dataclass(frozen=True)
class SearchHit:
    """A result: the headline the page leads with and the other one (marked), and the excerpt.

    Which headline leads is `Story.text_for(language)`'s choice, as on every page; the database
    only marks the fields it searched.
    """

    story: Story
    headline: SafeString
    headline_language: str
    other_headline: SafeString  # empty when the story has a headline in one language only
    other_headline_language: str
    excerpt: SafeString
    excerpt_language: str


def make_hit(story, marked_texts, forms, language):
    """A result as the page shows it, from the story and its fields as the database marked them.

    `forms` are the query's words and stems (`all_forms`): what the page marks where the database did not.
    """
    fields = {
        name: squeeze(mark_terms(narrow_marks(split_marks(text or ""), forms), forms))
        for name, text in marked_texts.items()
    }
    order = EXCERPT_FIELDS.get(language, EXCERPT_FIELDS["en"])
    source = next((name for name in order if has_marks(fields[name])), None)
    source = source or next((name for name in order if fields[name]), order[0])
    text = story.text_for(language)
    marked_headlines = {"en": render_marked(fields["headline"]), "ko": render_marked(fields["headline_ko"])}
    return SearchHit(
        story=story,
        headline=marked_headlines[text.headline_language],
        headline_language=text.headline_language,
        other_headline=marked_headlines[text.other_headline_language] if text.other_headline else SafeString(""),
        other_headline_language=text.other_headline_language,
        excerpt=render_marked(excerpt(fields[source])),
        excerpt_language="ko" if source.endswith("_ko") else "en",
    )


class StorySearch:
    """Published stories that contain every term, best first, as `SearchHit`s.

    Paginator asks for `count()` and one slice: one query each, and one more for the stories
    of the page, however many stories match.
    """

    def __init__(self, query, language="en"):
        self.terms = search_terms(query)
        self.language = language
        if connection.vendor == "postgresql":
            self.backend = PostgreSQLSearch
        elif connection.vendor == "sqlite":
            self.backend = SQLiteSearch
        else:
            raise ImproperlyConfigured(f"Search works on PostgreSQL and SQLite, not {connection.vendor}.")

    def count(self):
        return self.backend.count(self.terms) if self.terms else 0

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("StorySearch gives pages of results: slice it.")
        start = index.start or 0
        if not self.terms or (index.stop is not None and index.stop <= start):
            return []
        rows = self.backend.page(self.terms, start, index.stop)
        stories = (
            Story.objects.select_related("outlet", "lead_photo")
            .with_correction_flag()
            .with_comment_counts()
            .in_bulk([row[0] for row in rows])
        )
        forms = all_forms(self.terms)
        return [
            make_hit(stories[row[0]], dict(zip(TEXT_FIELDS, row[1:], strict=True)), forms, self.language)
            for row in rows
            if row[0] in stories
        ]


def require_trigram_sqlite(version=sqlite3.sqlite_version_info):
    """FTS5's trigram tokenizer came with SQLite 3.34: say so instead of failing obscurely."""
    if tuple(version) < SQLITE_MIN_VERSION:
        found = ".".join(str(part) for part in version)
        raise ImproperlyConfigured(
            f"Search needs SQLite 3.34 or newer (the FTS5 trigram tokenizer); this Python has SQLite {found}. "
            "Use a newer Python build or PostgreSQL (DATABASE_URL)."
        )


# Whole words. A Korean term only has to start a word (its particles follow it); a Latin term must
# also end where the word does, before anything but a Latin letter or digit (a Hangul particle may
# follow: UN은). SQLite's GLOB is fast when a literal follows `*` and about ten times slower with a
# class there (5,000 stories: 1 s against 0.1 s), so a word start is one of these characters; a
# word after other punctuation (「북한」) ranks as if inside a word. This only orders results.
WORD_STARTS = (" ", "\n", "“", "‘", "(", '"')
LATIN_WORD_CHARACTERS = "0-9a-zA-Z\u00c0-\u024f"


def ends_in_hangul(form):
    return bool(HANGUL.match(form[-1]))


def whole_word_globs(form):
    """GLOB patterns, one per WORD_STARTS, for the form as a whole word (Korean: starting a word).

    For text padded with a space at each end. A form is letters and digits (parse_query): it carries
    none of GLOB's `*?[`.
    """
    end = "*" if ends_in_hangul(form) else f"[^{LATIN_WORD_CHARACTERS}]*"
    return [f"*{start}{form}{end}" for start in WORD_STARTS]


class SQLiteSearch:
    """FTS5 with the trigram tokenizer: `articles_story_search`, rowid = story id, columns TEXT_FIELDS."""

    TABLE = "articles_story_search"
    # bm25 weights of headline, headline_ko, intro, intro_ko, body, body_ko.
    WEIGHTS = "10.0, 10.0, 4.0, 4.0, 1.0, 1.0"
    # Every field of a story in one lower-case text with a space at each end, for whole-word patterns.
    PADDED_TEXT = "(' ' || {} || ' ')".format(
        " || ' ' || ".join(f"lower(articles_story_search.{field})" for field in TEXT_FIELDS)
    )

    @staticmethod
    def fts5_query(groups):
        """Each form as a quoted FTS5 string (a plain substring, never syntax); a group matches any of its forms,
        and every group must match: `"kursk" AND ("쿠르스크에서" OR "쿠르스크")`."""

        def quoted(form):
            return '"{}"'.format(form.replace('"', '""'))

        return " AND ".join(
            quoted(group[0]) if len(group) == 1 else "(" + " OR ".join(quoted(form) for form in group) + ")"
            for group in groups
        )

    @classmethod
    def from_where_clause(cls, terms):
        # The published stories, as Story.objects.published() says: one definition of "public".
        published, params = Story.objects.published().order_by().values("id", "published_at").query.sql_with_params()
        # CROSS JOIN keeps the FTS table outermost: otherwise SQLite may walk every published
        # story and run the full-text query once for each.
        sql = f"FROM {cls.TABLE} CROSS JOIN ({published}) AS published ON published.id = {cls.TABLE}.rowid"
        params = list(params)
        conditions = []
        # A term is found by the stem it starts with (which covers the word); the word stays in the
        # FTS5 query too, for bm25 and highlight() to prefer and mark it where it stands whole.
        long_terms = [term.forms for term in terms if len(term.matched) >= MIN_SUBSTRING_LENGTH]
        if long_terms:
            conditions.append(f"{cls.TABLE} MATCH %s")
            params.append(cls.fts5_query(long_terms))
        for term in terms:
            if len(term.matched) < MIN_SUBSTRING_LENGTH:
                # The trigram index cannot see terms under three characters (북한, 서울, UN): these
                # are found by scanning the FTS table's own copy of the text. Not LIKE: on a trigram
                # column SQLite 3.40 hands a short non-ASCII LIKE pattern to the index, which finds
                # nothing; instr() always reads the text. lower() folds ASCII only; Hangul has no case.
                conditions.append(
                    "(" + " OR ".join(f"instr(lower({cls.TABLE}.{field}), %s) > 0" for field in TEXT_FIELDS) + ")"
                )
                params.extend([term.matched] * len(TEXT_FIELDS))
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql, params, bool(long_terms)

    @classmethod
    def whole_words(cls, terms):
        """SQL for the number of terms that stand as whole words in the story, and its params.

        A word starting with the stem is enough: the word as typed starts with the stem too.
        """
        cases, params = [], []
        for term in terms:
            patterns = whole_word_globs(term.matched)
            cases.append(
                "(CASE WHEN " + " OR ".join(f"{cls.PADDED_TEXT} GLOB %s" for _ in patterns) + " THEN 1 ELSE 0 END)"
            )
            params.extend(patterns)
        return " + ".join(cases), params

    @classmethod
    def count(cls, terms):
        require_trigram_sqlite()
        from_where, params, _ = cls.from_where_clause(terms)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {from_where}", params)
            return cursor.fetchone()[0]

    @classmethod
    def page(cls, terms, start, stop):
        require_trigram_sqlite()
        from_where, where_params, matched = cls.from_where_clause(terms)
        columns = ", ".join(f"highlight({cls.TABLE}, {number}, %s, %s)" for number in range(len(TEXT_FIELDS)))
        whole_words, whole_word_params = cls.whole_words(terms)
        # Without a MATCH (short terms only) there is no bm25: whole words, then newest first.
        rank = f"bm25({cls.TABLE}, {cls.WEIGHTS}), " if matched else ""
        sql = (
            f"SELECT {cls.TABLE}.rowid, {columns} {from_where} "
            f"ORDER BY {whole_words} DESC, {rank}published.published_at DESC, published.id DESC LIMIT %s OFFSET %s"
        )
        limit = -1 if stop is None else stop - start
        params = [MARK_START, MARK_END] * len(TEXT_FIELDS) + where_params + whole_word_params + [limit, start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class PostgreSQLSearch:
    """Full-text search on a stored document, and pg_trgm substrings for terms of three characters or more.

    Migrations 0009 and 0019 keep `articles_story.search_document` (a column the model does not
    list: no page but this one should fetch it) up to date with a trigger and index it, and index
    the SUBSTRING_TEXT expression with pg_trgm: change either and the indexes are no longer used
    (the tests check the plans). Both read the bodies' plain-text columns.
    """

    SUBSTRING_TEXT = (
        '"articles_story"."headline" || \' \' || "articles_story"."headline_ko" || \' \' || '
        '"articles_story"."intro" || \' \' || "articles_story"."intro_ko" || \' \' || '
        'COALESCE("articles_story"."body_plain", "articles_story"."body") || \' \' || '
        'COALESCE("articles_story"."body_ko_plain", "articles_story"."body_ko")'
    )
    # Each field of TEXT_FIELDS: the column (a body's plain text, or the body where none is stored yet)
    # and its text-search configuration, as in the stored document.
    FIELDS = {
        "headline": (F("headline"), "english"),
        "headline_ko": (F("headline_ko"), "simple"),
        "intro": (F("intro"), "english"),
        "intro_ko": (F("intro_ko"), "simple"),
        "body": (Coalesce("body_plain", "body"), "english"),
        "body_ko": (Coalesce("body_ko_plain", "body_ko"), "simple"),
    }

    @staticmethod
    def document():
        return RawSQL('"articles_story"."search_document"', [], output_field=SearchVectorField())

    @staticmethod
    def prefix_query(form):
        # A form is letters and digits only (parse_query; a stem is a word's beginning), so
        # `form:*` cannot carry tsquery syntax.
        return SearchQuery(f"{form}:*", config="simple", search_type="raw")

    @classmethod
    def term_query(cls, term):
        """The word as an English word (stemmed: wars → war), or the start of a word: the word's, or its
        Korean stem's (우크라이나 → 우크라이나의, 쿠르스크에서 → 쿠르스크서)."""
        return SearchQuery(term.word, config="english") | cls.prefix_query(term.matched)

    @classmethod
    def whole_word_query(cls, term):
        """The term as a whole word: an English word (not the start of `until` for `un`), or a word that
        starts with the Korean word or stem (북한은 for 북한, not 남북한, which only pg_trgm finds)."""
        form = term.matched
        return cls.prefix_query(form) if ends_in_hangul(form) else SearchQuery(form, config="english")

    @classmethod
    def conditions(cls, terms):
        """One per term: the stored document matches it, or (three characters or more) the text contains it."""
        conditions = []
        for term in terms:
            condition = Q(SearchVectorExact(cls.document(), cls.term_query(term)))
            if len(term.matched) >= MIN_SUBSTRING_LENGTH:
                pattern = "%" + re.sub(r"([\\%_])", r"\\\1", term.matched) + "%"
                condition |= Q(RawSQL(f"({cls.SUBSTRING_TEXT}) ILIKE %s", [pattern], output_field=BooleanField()))
            conditions.append(condition)
        return conditions

    @classmethod
    def matching(cls, terms):
        return Story.objects.published().filter(*cls.conditions(terms))

    @classmethod
    def count(cls, terms):
        return cls.matching(terms).count()

    @classmethod
    def page(cls, terms, start, stop):
        any_term = cls.term_query(terms[0])
        for term in terms[1:]:
            any_term = any_term | cls.term_query(term)
        marked = {
            f"marked_{field}": SearchHeadline(
                column, any_term, config=config, start_sel=MARK_START, stop_sel=MARK_END, highlight_all=True
            )
            for field, (column, config) in cls.FIELDS.items()
        }
        whole_words = sum(
            (
                Case(When(SearchVectorExact(cls.document(), cls.whole_word_query(term)), then=Value(1)), default=0)
                for term in terms
            ),
            start=Value(0),
        )
        rows = (
            cls.matching(terms)
            .annotate(whole_words=whole_words, rank=SearchRank(cls.document(), any_term), **marked)
            .order_by("-whole_words", "-rank", "-published_at", "-id")
            .values_list("id", *marked)
        )
        return list(rows[start:stop])
