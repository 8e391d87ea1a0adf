"""The renditions of a photo that pages use, made by django-imagekit from the stored original.

- `srcset` widths 480, 800, 1200 and 1600 px (WebP): the story page's `<img srcset>`. A width the
  original does not reach is not made up: the first width at or beyond the original's is the
  original's own width, the wider ones are not offered (`offered_widths`).
- `card`: 300 × 200 px, cropped to 3:2 around the centre (WebP): story cards and related stories.
- `share`: 1200 px wide where the original allows (JPEG, which every social network reads): Open
  Graph, Twitter and JSON-LD `image`, and the VideoObject's `thumbnailUrl`.

Sizes are computed here from the original's width and height, the way pilkit's processors compute
them (`fitted_size`), so a page knows every rendition's exact size without opening a file. Files
are made when a photo is saved (`OnSave`, after the transaction commits); a page only asks the
storage for URLs, never whether a file exists.
"""

import io
import logging

from django.db import transaction
from imagekit import ImageSpec
from PIL import ImageCms
from pilkit.processors import ResizeToFill, ResizeToFit

logger = logging.getLogger(__name__)

# (ImageSpecField name on Photo, target width in px), narrowest first.
SRCSET_RENDITIONS = (("w480", 480), ("w800", 800), ("w1200", 1200), ("w1600", 1600))
# The width the story page's `src` falls back on (browsers without srcset, the validator).
FALLBACK_WIDTH = 800
CARD_WIDTH, CARD_HEIGHT = 300, 200
SHARE_WIDTH = 1200
# A photo smaller than this has no card rendition of its own size: uploads are refused (photos.uploads).
MIN_WIDTH, MIN_HEIGHT = CARD_WIDTH, CARD_HEIGHT

SRGB = ImageCms.createProfile("sRGB")


class ConvertToSRGB:
    """A pilkit processor: pixels in an embedded ICC profile (Adobe RGB, Display P3, CMYK…) become sRGB.

    Renditions carry no profile (JPEG and WebP would drop it on save), so their colours must already
    be the web's default. An image without a profile, or whose profile LittleCMS cannot read, is
    returned as it is (without the profile).
    """

    def process(self, img):
        profile = img.info.get("icc_profile")
        if not profile:
            return img
        output_mode = "RGBA" if img.mode in ("RGBA", "LA", "PA") else "RGB"
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if img.mode not in ("RGB", "RGBA", "CMYK"):
                img = img.convert(output_mode)
            converted = ImageCms.profileToProfile(img, source, SRGB, outputMode=output_mode)
        except (OSError, ValueError, ImageCms.PyCMSError):
            logger.warning("Unreadable colour profile: a rendition keeps the pixels as they are")
            converted = img.copy()
        converted.info = {key: value for key, value in img.info.items() if key != "icc_profile"}
        return converted


class Rendition(ImageSpec):
    """A WebP rendition `target_width` px wide at most (never wider than the original), in sRGB."""

    format = "WEBP"
    options = {"quality": 80}
    target_width = None

    @property
    def processors(self):
        """Made from `target_width`, so a rendition names its width once."""
        return [ResizeToFit(width=self.target_width, upscale=False), ConvertToSRGB()]


class Width480(Rendition):
    target_width = 480


class Width800(Rendition):
    target_width = 800


class Width1200(Rendition):
    target_width = 1200


class Width1600(Rendition):
    target_width = 1600


class Card(ImageSpec):
    """The card's small picture: exactly CARD_WIDTH × CARD_HEIGHT, the original cropped around its centre."""

    format = "WEBP"
    options = {"quality": 80}
    processors = [ResizeToFill(width=CARD_WIDTH, height=CARD_HEIGHT, upscale=False), ConvertToSRGB()]


class Share(ImageSpec):
    """The image of share cards and JSON-LD: SHARE_WIDTH px wide where the original allows, JPEG."""

    format = "JPEG"
    options = {"quality": 85, "progressive": True}
    target_width = SHARE_WIDTH
    processors = [ResizeToFit(width=SHARE_WIDTH, upscale=False), ConvertToSRGB()]


def fitted_size(width, height, target_width):
    """(width, height) in px of an original `width` × `height` after `ResizeToFit(target_width, upscale=False)`.

    The same arithmetic as pilkit 3.0's ResizeToFit and Resize: the ratio is applied and rounded,
    and the original is left as it is unless both sides shrink. Tested against the files made.
    """
    ratio = float(target_width) / width
    new_width, new_height = int(round(width * ratio)), int(round(height * ratio))
    if new_width < width and new_height < height:
        return new_width, new_height
    return width, height


def offered_widths(width):
    """The srcset renditions worth offering for an original `width` px wide: [(field name, target width)].

    Every target narrower than the original, and the first one at or beyond it (which is then the
    original's own width); wider targets would be the same picture again under a bigger number.
    """
    offered = []
    for name, target in SRCSET_RENDITIONS:
        offered.append((name, target))
        if target >= width:
            break
    return offered


def is_offered(spec, width):
    """True when the rendition `spec` (an ImageSpec of a photo whose original is `width` px wide) is used by pages."""
    target = getattr(spec, "target_width", None)
    if target is None or isinstance(spec, Share):
        return True
    return target in {target for _name, target in offered_widths(width)}


def make_file(file):
    """Make one rendition (an imagekit ImageCacheFile) unless it exists; a failure is logged, not raised.

    Runs after the photo's transaction committed: the photo is saved, and `manage.py
    generate_renditions` makes what is missing.
    """
    try:
        file.generate()
    except Exception:
        logger.exception("Could not make the rendition %s", file.name)


class OnSave:
    """imagekit's cache file strategy for photos: make the renditions pages use when the photo is saved.

    Like imagekit's Optimistic strategy, it never checks at render time whether a file exists
    (`should_verify_existence`), so a page of twenty cards asks the storage nothing. Unlike it, the
    files are made once the transaction commits (a 40-megapixel original takes seconds, and SQLite
    would keep its write lock meanwhile), and only the srcset widths the original reaches.
    """

    def on_source_saved(self, file):
        photo = getattr(file.generator.source, "instance", None)
        if photo is not None and not is_offered(file.generator, photo.width):
            return
        transaction.on_commit(lambda: make_file(file))

    def should_verify_existence(self, file):
        return False
