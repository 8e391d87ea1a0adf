"""A story's words in the reader's language: the Korean text where the story has it, else the English.

Feeds and the news sitemap speak one language per address (/en/…, /ko/…); these
pure functions decide which of a story's fields that language shows.
"""

import re

from django.utils import translation
from django.utils.text import Truncator

KOREAN = "ko"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
WORD = re.compile(r"\w+")


def has_korean_text(story):
    """True when the story's body is written in Korean too: its Korean page is a Korean story."""
    return bool(story.body_ko.strip())


def headline_in(story, language):
    if language == KOREAN and story.headline_ko:
        return story.headline_ko
    return story.headline


def summary_in(story, language):
    """The opening words a listing shows: from the Korean body on Korean pages when there is one."""
    if language == KOREAN and has_korean_text(story):
        return Truncator(" ".join(story.body_ko.split())).words(45)
    return story.summary()


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
