"""A story's words in the reader's language: the Korean text where the story has it, else the English.

Every page, card, feed, sitemap, metadata block and comment feed speaks one language per
address (/en/…, /ko/…). `story_text` (called as `Story.text_for(language)`) is the one
place that decides which of a story's fields that language shows; the rest of this module
tells the language of free text (comments, bylines) for `lang` attributes.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .rich_text import body_text, clean_body_html, demote_headings, has_body_text

KOREAN = "ko"
ENGLISH = "en"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
WORD = re.compile(r"\w+")

# A listing's summary, a feed item's description and the meta description: this many words.
SUMMARY_WORDS = 45


def has_text(value):
    """True when a text field holds more than white space: a Korean field of spaces is no Korean text."""
    return bool(value and value.strip())


def opening_words(text, words=SUMMARY_WORDS):
    """The first `words` words of `text` on one line, with "…" when cut."""
    return Truncator(" ".join(text.split())).words(words)


@dataclass(frozen=True)
class StoryText:
    """A story's words as one page, card, feed or metadata block in one language shows them.

    Made by `Story.text_for(language)` (see `story_text`). Each part says the language it
    is really in ("en" or "ko"), so templates can set `lang`: a Korean page shows the English
    headline, intro or body where the Korean one is missing. Strings are plain text (escape
    them), but for `body_html` and `korean_body_html`, the bodies cleaned for the page
    (articles.rich_text), computed when first asked for: a card never pays for them.
    """

    language: str  # the page's language, as asked
    headline: str
    headline_language: str
    other_headline: str  # the headline in the other language, "" when the story has none of its own
    other_headline_language: str
    intro: str  # one line ("" when the story has no intro)
    intro_language: str
    body_source: str  # the body field shown, as stored (rich-text HTML; plain text from before the format)
    body_language: str
    summary: str  # the opening words a listing, a feed item or a meta description shows
    summary_language: str
    korean_body_source: str  # the Korean body an English page adds under its own; "" on Korean pages
    korean_may_be_stale: bool  # Korean text shown, and the English changed after it (see Story.korean_is_stale)

    @cached_property
    def body_html(self):
        """The body as the page shows it (SafeString): cleaned by nh3 again now, whatever is stored."""
        # mark_safe on what clean_body_html has just returned: nh3 output of the body subset
        # (articles/rich_text.py), not the stored text. Cleaning again on the way out means a row
        # written past save() (an update(), a restored revision, SQL) still cannot put script in a page.
        return mark_safe(clean_body_html(self.body_source))  # noqa: S308

    @cached_property
    def korean_body_html(self):
        """The Korean body under the English one (SafeString, "" when there is none), its subheadings
        one level down: the section has a heading of its own ("The story in Korean")."""
        # As body_html: clean_body_html's output, headings renamed by a pattern that only meets tags.
        return mark_safe(demote_headings(clean_body_html(self.korean_body_source)))  # noqa: S308

    @cached_property
    def body_text(self):
        """The body as plain text (blocks separated by a blank line), for JSON-LD's articleBody."""
        return body_text(self.body_source)

    @property
    def english_only(self):
        """True on a Korean page of a story with no Korean body: the page says so."""
        return self.language == KOREAN and self.body_language == ENGLISH

    @property
    def korean_only(self):
        """True on an English page of a story with no English body, which shows the Korean one: the page says so."""
        return self.language != KOREAN and self.body_language == KOREAN


def story_text(story, language):
    """The `StoryText` of `story` (an articles.models.Story) on a page in `language` ("en" or "ko").

    Korean pages take each Korean field that holds more than white space (headline_ko,
    intro_ko, body_ko) and fall back on the English one, part by part; any other language
    gets the English text. Pure: reads the story's fields, runs no query.

    A story written in Korean only (a Korean body and no English one: the WordPress import of a
    Korean post, an editor's Korean story) shows its Korean words on English pages too, marked as
    Korean (`korean_only`), as Korean pages show an English-only story's English. Its English
    headline, a required field, repeats the Korean one: an English headline that is the Korean
    headline is no headline of its own, so no page shows it twice or calls it English.
    """
    korean_page = language == KOREAN
    korean_only = not has_body_text(story.body) and has_body_text(story.body_ko)
    korean_words = korean_page or korean_only
    has_korean_headline = has_text(story.headline_ko)
    english_headline = not has_korean_headline or " ".join(story.headline.split()) != " ".join(
        story.headline_ko.split()
    )
    korean_headline = has_korean_headline and (korean_page or not english_headline)
    # An English page leads with an English intro wherever there is one.
    english_intro = not korean_page and has_text(story.intro)
    korean_intro = has_text(story.intro_ko) and (korean_page or (korean_only and not english_intro))
    korean_body = korean_words and has_body_text(story.body_ko)
    if korean_headline:
        headline, other = (story.headline_ko, KOREAN), ((story.headline, ENGLISH) if english_headline else ("", ""))
    elif has_korean_headline:
        headline, other = (story.headline, ENGLISH), (story.headline_ko, KOREAN)
    else:
        headline, other = (story.headline, ENGLISH), ("", "")
    if korean_intro:
        summary = (opening_words(story.intro_ko), KOREAN)
    elif korean_body and not english_intro:
        summary = (opening_words(body_text(story.body_ko)), KOREAN)
    else:
        summary = (opening_words(story.intro if has_text(story.intro) else body_text(story.body)), ENGLISH)
    intro = story.intro_ko if korean_intro else story.intro
    body = story.body_ko if korean_body else story.body
    return StoryText(
        language=language,
        headline=headline[0],
        headline_language=headline[1],
        other_headline=other[0],
        other_headline_language=other[1],
        intro=" ".join(intro.splitlines()),
        intro_language=KOREAN if korean_intro else ENGLISH,
        body_source=body,
        body_language=KOREAN if korean_body else ENGLISH,
        summary=summary[0],
        summary_language=summary[1],
        korean_body_source="" if korean_words else story.body_ko,
        korean_may_be_stale=(korean_headline or korean_intro or korean_body) and story.korean_is_stale,
    )


def written_language(text):
    """ "ko" for text mostly in Korean words, "en" for text in Latin words only, None when it cannot tell."""
    words = WORD.findall(text)
    hangul = sum(1 for word in words if HANGUL.search(word))
    latin = sum(1 for word in words if LATIN.search(word)) - hangul
    if hangul and hangul >= latin:
        return "ko"
    if latin and not hangul:
        return "en"
    return None


def other_language(text):
    """The language of a text (a comment, a byline) when it is not the page's, for `lang`; else "".

    Screen readers read a Korean comment on an English page with a Korean voice (WCAG 3.1.2).
    """
    language = written_language(text)
    return language if language and language != translation.get_language() else ""
