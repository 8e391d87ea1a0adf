"""Search over published stories: headlines, intro and bodies, in English and Korean.

`parse_query` turns what a reader typed into plain terms (pure). `StorySearch` finds the
stories that contain every term, best first, with the matches marked; it is what Django's
Paginator needs (`count()` and slices), and the one place that picks the database's way:

- PostgreSQL: full-text search on a stored, GIN-indexed document (English stemming for English
  text, the `simple` configuration plus prefix matching for Korean, whose particles hang on the
  word: 우크라이나의), or, for a term of three characters or more, a substring match on a pg_trgm
  index (the middle of a Korean compound). Both come with migration 0006.
- SQLite: an FTS5 table with the trigram tokenizer (substrings in any language), kept in step
  with `articles_story` by triggers (migration 0006), ranked by bm25.

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
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .models import Story

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
# The trigram tokenizer and pg_trgm index three characters at a time: shorter terms need another way.
MIN_SUBSTRING_LENGTH = 3
EXCERPT_LENGTH = 240
MARK_START, MARK_END = "\x02", "\x03"
SQLITE_MIN_VERSION = (3, 34, 0)

TEXT_FIELDS = ("headline", "headline_ko", "intro", "body", "body_ko")
# Where the excerpt under a result comes from, in the reader's language first.
EXCERPT_FIELDS = {"ko": ("body_ko", "intro", "body"), "en": ("intro", "body", "body_ko")}

WORD = re.compile(r"[^\W_]+")
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


@dataclass(frozen=True)
class Query:
    text: str  # what is searched, as shown back in the form
    terms: tuple[str, ...]  # lower-case words, each of which a story must contain
    shortened: bool = False  # the text was cut to MAX_QUERY_LENGTH characters or MAX_TERMS words


def parse_query(raw):
    """The reader's text as plain words: no operators, quotes or wildcards survive.

    Control and format characters (NUL among them), surrogates and U+FFFD (what undecodable
    bytes become) are dropped, the rest is NFKC-normalised (full-width letters, decomposed
    Hangul), cut to MAX_QUERY_LENGTH characters, and split into runs of letters and digits.
    """
    kept = "".join(
        " " if char.isspace() else char
        for char in raw
        if char.isspace() or (unicodedata.category(char) not in DROPPED_CATEGORIES and char != "\ufffd")
    )
    text = " ".join(unicodedata.normalize("NFKC", kept).split())
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
    story: Story
    headline: SafeString
    headline_ko: SafeString
    excerpt: SafeString
    excerpt_language: str


def make_hit(story, marked_texts, terms, language):
    """A result as the page shows it, from the story and its fields as the database marked them."""
    fields = {name: squeeze(mark_terms(split_marks(text or ""), terms)) for name, text in marked_texts.items()}
    order = EXCERPT_FIELDS.get(language, EXCERPT_FIELDS["en"])
    source = next((name for name in order if has_marks(fields[name])), None)
    source = source or next((name for name in order if fields[name]), order[0])
    return SearchHit(
        story=story,
        headline=render_marked(fields["headline"]),
        headline_ko=render_marked(fields["headline_ko"]),
        excerpt=render_marked(excerpt(fields[source])),
        excerpt_language="ko" if source.endswith("_ko") else "en",
    )


class StorySearch:
    """Published stories that contain every term, best first, as `SearchHit`s.

    Paginator asks for `count()` and one slice: one query each, and one more for the stories
    of the page, however many stories match.
    """

    def __init__(self, query, language="en"):
        self.terms = query.terms
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
        stories = Story.objects.select_related("outlet").in_bulk([row[0] for row in rows])
        return [
            make_hit(stories[row[0]], dict(zip(TEXT_FIELDS, row[1:], strict=True)), self.terms, self.language)
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


class SQLiteSearch:
    """FTS5 with the trigram tokenizer: `articles_story_search`, rowid = story id."""

    TABLE = "articles_story_search"
    # bm25 weights of headline, headline_ko, intro, body, body_ko.
    WEIGHTS = "10.0, 10.0, 4.0, 1.0, 1.0"

    @staticmethod
    def fts5_query(terms):
        """Each term as a quoted FTS5 string (a plain substring, never syntax); all must match."""
        return " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)

    @classmethod
    def from_where_clause(cls, terms):
        # The published stories, as Story.objects.published() says: one definition of "public".
        published, params = Story.objects.published().order_by().values("id", "published_at").query.sql_with_params()
        # CROSS JOIN keeps the FTS table outermost: otherwise SQLite may walk every published
        # story and run the full-text query once for each.
        sql = f"FROM {cls.TABLE} CROSS JOIN ({published}) AS published ON published.id = {cls.TABLE}.rowid"
        params = list(params)
        conditions = []
        long_terms = [term for term in terms if len(term) >= MIN_SUBSTRING_LENGTH]
        if long_terms:
            conditions.append(f"{cls.TABLE} MATCH %s")
            params.append(cls.fts5_query(long_terms))
        for term in terms:
            if len(term) < MIN_SUBSTRING_LENGTH:
                # The trigram index cannot see terms under three characters (북한, 서울, UN): these
                # are found by scanning the FTS table's own copy of the text. Not LIKE: on a trigram
                # column SQLite 3.40 hands a short non-ASCII LIKE pattern to the index, which finds
                # nothing; instr() always reads the text. lower() folds ASCII only; Hangul has no case.
                conditions.append(
                    "(" + " OR ".join(f"instr(lower({cls.TABLE}.{field}), %s) > 0" for field in TEXT_FIELDS) + ")"
                )
                params.extend([term] * len(TEXT_FIELDS))
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql, params, bool(long_terms)

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
        # Without a MATCH (short terms only) there is nothing to rank: newest first.
        rank = f"bm25({cls.TABLE}, {cls.WEIGHTS}), " if matched else ""
        sql = (
            f"SELECT {cls.TABLE}.rowid, {columns} {from_where} "
            f"ORDER BY {rank}published.published_at DESC, published.id DESC LIMIT %s OFFSET %s"
        )
        limit = -1 if stop is None else stop - start
        params = [MARK_START, MARK_END] * len(TEXT_FIELDS) + where_params + [limit, start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class PostgreSQLSearch:
    """Full-text search on a stored document, and pg_trgm substrings for terms of three characters or more.

    Migration 0006 keeps `articles_story.search_document` (a column the model does not list: no
    page but this one should fetch it) up to date with a trigger and indexes it, and indexes the
    SUBSTRING_TEXT expression with pg_trgm: change either and the indexes are no longer used
    (the tests check the plans).
    """

    SUBSTRING_TEXT = (
        '"articles_story"."headline" || \' \' || "articles_story"."headline_ko" || \' \' || '
        '"articles_story"."intro" || \' \' || "articles_story"."body" || \' \' || "articles_story"."body_ko"'
    )
    # The text-search configuration of each field, as in the stored document.
    CONFIGS = {
        "headline": "english",
        "headline_ko": "simple",
        "intro": "english",
        "body": "english",
        "body_ko": "simple",
    }

    @staticmethod
    def document():
        return RawSQL('"articles_story"."search_document"', [], output_field=SearchVectorField())

    @staticmethod
    def term_query(term):
        """The term as an English word (stemmed: wars → war) or as the start of a word (우크라이나 → 우크라이나의).

        A term is letters and digits only (parse_query), so `term:*` cannot carry tsquery syntax.
        """
        return SearchQuery(term, config="english") | SearchQuery(f"{term}:*", config="simple", search_type="raw")

    @classmethod
    def conditions(cls, terms):
        """One per term: the stored document matches it, or (three characters or more) the text contains it."""
        conditions = []
        for term in terms:
            condition = Q(SearchVectorExact(cls.document(), cls.term_query(term)))
            if len(term) >= MIN_SUBSTRING_LENGTH:
                pattern = "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"
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
                field, any_term, config=config, start_sel=MARK_START, stop_sel=MARK_END, highlight_all=True
            )
            for field, config in cls.CONFIGS.items()
        }
        rows = (
            cls.matching(terms)
            .annotate(rank=SearchRank(cls.document(), any_term), **marked)
            .order_by("-rank", "-published_at", "-id")
            .values_list("id", *marked)
        )
        return list(rows[start:stop])
