"""A story's words in the reader's language: the Korean text where the story has it, else the English.

Feeds and the news sitemap speak one language per address (/en/…, /ko/…); these
pure functions decide which of a story's fields that language shows.
"""

from django.utils.text import Truncator

KOREAN = "ko"


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
