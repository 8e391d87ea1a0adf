"""Template helpers for story pages."""

from django import template
from django.utils import translation
from django.utils.html import format_html

from articles import body_photos, page_cache
from articles.languages import KOREAN, other_language
from articles.models import Story

register = template.Library()
register.filter("other_language", other_language)


@register.filter
def bdi(text):
    """A name (a commenter's, a byline) as `<bdi>…</bdi>`, escaped, for use inside a sentence.

    The element isolates the name's direction (HTML's bidi isolation), so a right-to-left
    name or one starting with an override (U+202E) cannot reorder the words around it.
    """
    return format_html("<bdi>{}</bdi>", text)


@register.filter
def dateline(item):
    """`<time>` with the publication time in the outlet's zone: 2024-11-04, 20:00 (KST).

    `item` is a story or a correction: anything whose `dateline` is an aware datetime in the
    outlet's zone, or None (an undated draft), which shows nothing.
    """
    local = item.dateline
    if local is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        f"{local:%Y-%m-%d, %H:%M} ({local.tzname()})",
    )


@register.filter
def text_for(story, language):
    """`{% with text=story|text_for:LANGUAGE_CODE %}`: the story's text in that language (`Story.text_for`)."""
    return story.text_for(language)


@register.simple_tag
def placed_photos(text):
    """`{% placed_photos text as photos %}`: {photo id: Photo} of the photos placed in the bodies a page
    shows (`text`, a StoryText: its body, and the Korean body an English page adds), in one query;
    none when they place no photo (`articles.body_photos.photos_in`)."""
    return body_photos.photos_in(text.body_source, text.korean_body_source)


@register.simple_tag
def story_body(text, photos, korean=False):
    """The body of `text` (a StoryText) as the page shows it, each photo placed in it as its figure
    (`photos` from `placed_photos`); `korean=True`: the Korean body an English page adds, its
    subheadings one level down.

    A figure speaks the language of the text it stands in: the body's language (English on a Korean
    page of a story in English only), Korean in the Korean body of an English page.
    """
    if korean:
        return body_photos.body_with_figures(text.korean_body_source, photos, KOREAN, headings_down=True)
    return body_photos.body_with_figures(text.body_source, photos, text.body_language)


@register.inclusion_tag("articles/_related_stories.html", takes_context=True)
def related_stories(context, story):
    """Up to five published stories sharing hashtags with this one, most shared first (named to the
    page cache: a proxy bans this page when one of them changes)."""
    stories = list(Story.objects.published().related_to(story))
    page_cache.note_stories(context.get("request"), stories)
    return {"stories": stories, "language": translation.get_language()}


@register.simple_tag
def correction_text(correction):
    """`{% correction_text correction as shown %}`: `shown.text` in the page's language, `shown.language`.

    Korean pages show the Korean text when the editor wrote one, else the English (marked `lang="en"`).
    """
    text, language = correction.text_in(translation.get_language())
    return {"text": text, "language": language}
