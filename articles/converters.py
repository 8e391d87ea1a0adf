"""Path converters that refuse what an address part can never be, before a view or query sees it.

A refused value makes the pattern not match, so the reader gets the 404 page. A plain
`<str:…>` passes anything but "/" to the view and on to the database, where it fails in ways
that differ by database: `#` alone empties a hashtag slug (Django cannot build the redirect),
and PostgreSQL refuses NUL in text. The rules follow what each slug is made of
(`hashtag_slug`, `name_slug`, Django's Unicode slug validator) and the range of a
PostgreSQL `bigint` id. Registered in `ArticlesConfig.ready()`, for articles' and comments' URLs.
"""

import unicodedata

from django.urls import register_converter

from .models import HASHTAG_NAME, Hashtag, Outlet, Section, Story, hashtag_slug, name_slug

BIGINT_MAX = 2**63 - 1  # the largest id a BigAutoField holds (PostgreSQL bigint, SQLite integer)


def has_control_character(text):
    """True when the text holds a C0 or C1 control character (Unicode category Cc), NUL included."""
    return any(unicodedata.category(char) == "Cc" for char in text)


class HashtagSlugConverter:
    """`tags/<hashtag:slug>/`: any spelling of a hashtag (`%23Ukraine`, `ＵＫＲＡＩＮＥ`), as written.

    The view redirects other spellings to the one slug; this refuses what no hashtag can
    become: nothing left after `#` and normalisation, a character that is not a letter, digit
    or underscore, a control character, a slug longer than the field holds.
    """

    regex = r"[^/]+"
    max_length = Hashtag._meta.get_field("slug").max_length

    def to_python(self, value):
        """The value unchanged (str); ValueError when no hashtag can have it."""
        slug = hashtag_slug(value)
        if has_control_character(value) or not HASHTAG_NAME.fullmatch(slug) or len(slug) > self.max_length:
            raise ValueError(f"not a hashtag: {value!r}")
        return value

    def to_url(self, value):
        return str(value)


class OutletSlugConverter:
    """`outlets/<outlet:slug>/`: a Unicode slug (letters, digits, `-`, `_`) as `Outlet.slug` stores it."""

    regex = rf"[-\w]{{1,{Outlet._meta.get_field('slug').max_length}}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class SectionSlugConverter:
    """`sections/<section:slug>/`: a Unicode slug (letters, digits, `-`, `_`) as `Section.slug` stores it."""

    regex = rf"[-\w]{{1,{Section._meta.get_field('slug').max_length}}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class ReporterSlugConverter:
    """`reporters/<reporter:slug>/`: a byline in any spelling that makes a slug (`Choi Min-jung`).

    The view redirects to the slug `name_slug` makes; this refuses control characters and
    what leaves no slug at all (only punctuation, only spaces).
    """

    regex = r"[^/]+"
    max_length = Story._meta.get_field("reporter_slug").max_length

    def to_python(self, value):
        """The value unchanged (str); ValueError when it holds a control character or makes no slug."""
        if has_control_character(value) or not name_slug(value, self.max_length):
            raise ValueError(f"not a reporter: {value!r}")
        return value

    def to_url(self, value):
        return str(value)


class DatabaseIdConverter:
    """`comments/<id:pk>/`: a positive id that fits a 64-bit integer column, as int.

    Django's `int` converter takes any run of digits; one past `BIGINT_MAX` is no row anywhere.
    """

    regex = r"[0-9]{1,19}"

    def to_python(self, value):
        """int; ValueError for 0 or more than BIGINT_MAX."""
        number = int(value)
        if not 1 <= number <= BIGINT_MAX:
            raise ValueError(f"not an id: {value}")
        return number

    def to_url(self, value):
        return str(value)


def register():
    """Make the converters known to every URLconf: `hashtag`, `outlet`, `section`, `reporter`, `id`."""
    register_converter(HashtagSlugConverter, "hashtag")
    register_converter(OutletSlugConverter, "outlet")
    register_converter(SectionSlugConverter, "section")
    register_converter(ReporterSlugConverter, "reporter")
    register_converter(DatabaseIdConverter, "id")
