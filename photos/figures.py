"""A photo as a page shows it, in one language: the figure of a story (lead photo, or a photo placed in
its body) and the small picture of a card. The templates are `photos/_figure.html` and
`photos/_card_photo.html`; `{% photo_figure %}` and `{% card_photo %}` (templatetags/photos.py) and
`render_figure` here fill them from `figure`/`card_picture`, which read no file and run no query.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

# How wide the story column is drawn: 42rem, or the screen less the page's 0.75rem margins
# (static/css/site.css --newsroom-measure, Bootstrap's container padding).
STORY_COLUMN_SIZES = "(min-width: 43.5rem) 42rem, calc(100vw - 1.5rem)"
# Cards at the top of a list are on the first screen (a phone shows about three): their pictures
# load at once; the others are loading="lazy".
EAGER_CARDS = 3


@dataclass(frozen=True)
class Figure:
    """What `photos/_figure.html` draws: `src`/`width`/`height` of the fallback rendition, `srcset` (the
    renditions with their real widths), `sizes`, `text` (a `PhotoText`) and `lazy` (below the fold:
    loading="lazy"). No fetchpriority: the Nu HTML Checker our tests run does not know it yet."""

    src: str
    width: int
    height: int
    srcset: str
    sizes: str
    text: object
    lazy: bool


def figure(photo, language, *, lazy, sizes=STORY_COLUMN_SIZES):
    """The `Figure` of `photo` (a photos.models.Photo) on a page in `language` ("en", "ko")."""
    fallback = photo.fallback_rendition()
    srcset = ", ".join(f"{item.url} {item.width}w" for item in photo.srcset_renditions())
    return Figure(
        src=fallback.url,
        width=fallback.width,
        height=fallback.height,
        srcset=srcset,
        sizes=sizes,
        text=photo.text_for(language),
        lazy=lazy,
    )


def render_figure(photo, language, *, lazy=True, sizes=STORY_COLUMN_SIZES, extra_class=""):
    """`<figure>` HTML (a SafeString) of `photo` in `language`: image, caption and credit.

    For photos placed in a story's body: lazy by default (they stand below the fold). The figure's
    own words ("Credit:" for screen readers) are in `language` too, whatever language is active:
    a figure in the Korean body of an English page is Korean throughout. `extra_class` (str) is
    added to the figure's class.
    """
    context = {
        "figure": figure(photo, language, lazy=lazy, sizes=sizes),
        "language": language,
        "extra_class": extra_class,
    }
    with translation.override(language):
        return render_to_string("photos/_figure.html", context)


@dataclass(frozen=True)
class CardPicture:
    """What `photos/_card_photo.html` draws: the card rendition's `src`, `width` and `height`, the
    photo's `alt` text and its `alt_language`, and `lazy` (loading="lazy")."""

    src: str
    width: int
    height: int
    alt: str
    alt_language: str
    lazy: bool


def card_picture(photo, language, *, lazy):
    """The `CardPicture` of `photo` on a card of a page in `language`."""
    card = photo.card_rendition()
    text = photo.text_for(language)
    return CardPicture(
        src=card.url, width=card.width, height=card.height, alt=text.alt, alt_language=text.alt_language, lazy=lazy
    )
