"""`{% photo_figure photo %}`, `{% photo_image photo as image %}` and `{% card_photo photo %}`: a photo in the
page's language (photos/figures.py)."""

from django import template
from django.utils import translation

from photos import figures

register = template.Library()


@register.inclusion_tag("photos/_figure.html")
def photo_figure(photo, lazy=True, extra_class=""):
    """The figure of `photo` (image with srcset, caption, credit); `lazy=False` above the fold."""
    language = translation.get_language()
    return {
        "figure": figures.figure(photo, language, lazy=lazy),
        "language": language,
        "extra_class": extra_class,
    }


@register.simple_tag
def photo_image(photo, lazy=False):
    """`{% photo_image photo as image %}`: the `figures.Figure` of `photo` for markup of its own (a video's poster)."""
    return figures.figure(photo, translation.get_language(), lazy=lazy)


@register.inclusion_tag("photos/_card_photo.html")
def card_photo(photo, position=None):
    """The small picture of a story card (the card rendition). `position` is the card's place on the
    page (1, 2…): the first `figures.EAGER_CARDS` load at once, the rest when scrolled near."""
    language = translation.get_language()
    lazy = position is None or position > figures.EAGER_CARDS
    return {"picture": figures.card_picture(photo, language, lazy=lazy), "language": language}
