"""Photos placed in a story's body (README "Story bodies"): their figures on the page, fetched in one
query; the form's check that each one is still in the library; the words the revisions diff names
them by; what the editor is shown.

A body holds references to photos of the library (`<img data-photo="12" src alt>`, the format of
articles/rich_text.py). The page draws each one from its `Photo` row (`photos.figures.render_figure`),
never from the `src` stored with it: a caption or an alternative text edited later, or renditions
served from another address, show at once. A reference to a photo that is not in the library (a
restored revision, a row written past save()) shows nothing. `Story.link_body_photos` keeps the
rows that protect placed photos from deletion.
"""

from django.utils.safestring import mark_safe

from photos.figures import render_figure
from photos.models import Photo

from .rich_text import clean_body_html, demote_headings, photo_ids, photo_reference, place_photos

# The figure of a body photo carries this class besides `photo` (static/css/story_body.css).
FIGURE_CLASS = "story-body-photo"


def photos_in(*bodies):
    """{photo id: Photo} of the photos the `bodies` (body values, str) place, in one query; {} and no
    query when they place none. A photo no longer in the library is left out."""
    ids = {photo_id for body in bodies for photo_id in photo_ids(body or "")}
    return Photo.objects.in_bulk(ids) if ids else {}


def body_with_figures(body, photos, language, *, headings_down=False):
    """The body value `body` (str) as the page shows it (a SafeString): cleaned by nh3, each photo placed
    in it as its `<figure>` with the caption and credit in `language` ("en", "ko"), lazy-loaded.

    `photos` is {photo id: Photo} (`photos_in`); a photo missing from it shows nothing. With
    `headings_down`, subheadings go one level down (`rich_text.demote_headings`: the Korean body
    under a heading of its own). Runs no query and reads no file.
    """

    def figure(photo_id):
        photo = photos.get(photo_id)
        if photo is None:
            return ""
        return render_figure(photo, language, lazy=True, extra_class=FIGURE_CLASS)

    cleaned = clean_body_html(body)
    if headings_down:
        cleaned = demote_headings(cleaned)
    # mark_safe: the body is clean_body_html's nh3 output (its headings renamed by a pattern that only
    # meets tags) and each figure is photos/_figure.html rendered with autoescaping; place_photos
    # replaces nothing but the body's own <img data-photo> tags.
    return mark_safe(place_photos(cleaned, figure))  # noqa: S308


def missing_photos(body):
    """The ids (int, in body order, each once) of photos the body value `body` places that are not in the
    library: one query, none for a body without photos. For the story form's message."""
    ids = list(dict.fromkeys(photo_ids(body or "")))
    if not ids:
        return []
    found = set(Photo.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return [photo_id for photo_id in ids if photo_id not in found]


def without_photos(body, ids):
    """The cleaned body value `body` (str) without the photos whose id is in `ids` (a set of int)."""
    return place_photos(clean_body_html(body), lambda photo_id: "" if photo_id in ids else None)


def photo_words(photos, language):
    """{photo id: words} naming each of `photos` ({photo id: Photo}, from `photos_in`) in a body in
    `language`, for the revisions diff: its caption, else its alternative text (`Photo.text_for`)."""
    words = {}
    for photo_id, photo in photos.items():
        text = photo.text_for(language)
        words[photo_id] = text.caption or text.alt
    return words


def for_the_editor(body, language):
    """The body value `body` cleaned, each photo's `src` and `alt` those of its row now (str), for the editor.

    The editor shows what `src` names (the photo's 800 px rendition), nothing without it, and the
    stored `src` may be gone (renditions moved to another host, or dropped by the cleaner). `alt` is the photo's
    alternative text in the body's `language`. A photo missing from the library keeps what it had.
    One query, none without photos.
    """
    cleaned = clean_body_html(body)
    photos = photos_in(cleaned)
    if not photos:
        return cleaned

    def refreshed(photo_id):
        photo = photos.get(photo_id)
        if photo is None:
            return None
        return photo_reference(photo_id, photo.fallback_rendition().url, photo.text_for(language).alt)

    # Cleaned again: the cleaner has the last word on the new `src` too (a library address, or none).
    return clean_body_html(place_photos(cleaned, refreshed))
