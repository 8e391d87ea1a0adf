"""A story's words in the reader's language: the Korean text where the story has it, else the English.

Every page, card, feed, sitemap, metadata block and comment feed speaks one language per
address (/en/…, /ko/…). `story_text` (called as `Story.text_for(language)`) is the one
place that decides which of a story's fields that language shows; the rest of this module
tells the language of free text (comments, bylines) for `lang` attributes.
"""

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.text import Truncator

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
    them); `paragraphs` are the body's blocks, each a tuple of its lines.
    """

    language: str  # the page's language, as asked
    headline: str
    headline_language: str
    other_headline: str  # the headline in the other language, "" when the story has none
    other_headline_language: str
    intro: str  # one line ("" when the story has no intro)
    intro_language: str
    paragraphs: tuple
    body_language: str
    summary: str  # the opening words a listing, a feed item or a meta description shows
    summary_language: str
    korean_paragraphs: tuple  # the Korean body an English page adds under its own; () on Korean pages
    korean_may_be_stale: bool  # Korean text shown, and the English changed after it (see Story.korean_is_stale)

    @property
    def english_only(self):
        """True on a Korean page of a story with no Korean body: the page says so."""
        return self.language == KOREAN and self.body_language == ENGLISH


def story_text(story, language):
    """The `StoryText` of `story` (an articles.models.Story) on a page in `language` ("en" or "ko").

    Korean pages take each Korean field that holds more than white space (headline_ko,
    intro_ko, body_ko) and fall back on the English one, part by part; any other language
    gets the English text. Pure: reads the story's fields, runs no query.
    """
    korean_page = language == KOREAN
    korean_headline = korean_page and has_text(story.headline_ko)
    korean_intro = korean_page and has_text(story.intro_ko)
    korean_body = korean_page and has_text(story.body_ko)
    if korean_headline:
        headline, other = (story.headline_ko, KOREAN), (story.headline, ENGLISH)
    elif has_text(story.headline_ko):
        headline, other = (story.headline, ENGLISH), (story.headline_ko, KOREAN)
    else:
        headline, other = (story.headline, ENGLISH), ("", "")
    if korean_intro:
        summary = (opening_words(story.intro_ko), KOREAN)
    elif korean_body:
        summary = (opening_words(story.body_ko), KOREAN)
    else:
        summary = (opening_words(story.intro or story.body), ENGLISH)
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
        paragraphs=tuple(tuple(block) for block in split_paragraphs(body)),
        body_language=KOREAN if korean_body else ENGLISH,
        summary=summary[0],
        summary_language=summary[1],
        korean_paragraphs=() if korean_page else tuple(tuple(block) for block in split_paragraphs(story.body_ko)),
        korean_may_be_stale=(korean_headline or korean_intro or korean_body) and story.korean_is_stale,
    )


def split_paragraphs(text):
    """Blank-line separated blocks of `text`, each a list of its stripped, non-empty lines."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks if block.strip()]


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
