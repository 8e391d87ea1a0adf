"""An uploaded file made into a photo original we store: checked by its content, turned upright, stripped.

`prepare_photo` is the one place a file becomes a photo (the admin's form and the demo import call
it). In order, each refusal a `ValidationError` whose message names the limit:

1. bytes over `max_bytes` (NEWSROOM_PHOTO_MAX_BYTES), before anything is read;
2. content that Pillow's JPEG, PNG and WebP readers do not recognise (an SVG, a GIF, a PDF or text
   named `.jpg`; the name and the browser's content type are never asked);
3. more pixels than `max_pixels` (NEWSROOM_PHOTO_MAX_PIXELS), read from the header before any pixel
   is decoded, so a small file that would decode to gigabytes (a decompression bomb) costs nothing;
4. a picture smaller than the card rendition (`renditions.MIN_WIDTH` × `MIN_HEIGHT`) once upright;
5. a file whose pixels cannot be decoded (truncated, corrupt).

What is stored: the pixels turned by the EXIF orientation, in the same format, re-encoded without
EXIF (GPS position, camera, time), XMP, IPTC or comments; the ICC colour profile and PNG/WebP
transparency are kept. An animated PNG or WebP keeps its first frame.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .renditions import MIN_HEIGHT, MIN_WIDTH

FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# How each format is written again. JPEG at 90 keeps what a camera's 92-95 held, visibly.
SAVE_OPTIONS = {
    "JPEG": {"quality": 90},
    "PNG": {},
    "WEBP": {"quality": 90},
}
# What of the original's metadata the re-encoded file keeps (besides the ICC profile): transparency.
KEPT_INFO = ("transparency",)


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: `content` (bytes of the re-encoded original), its `format` ("JPEG",
    "PNG" or "WEBP"), `width` and `height` in px (upright), and `checksum`, the SHA-256 (hex) of the
    file as uploaded (the same file uploaded twice is found by it)."""

    content: bytes
    format: str
    width: int
    height: int
    checksum: str

    @property
    def extension(self):
        return EXTENSIONS[self.format]


def megapixels(pixels):
    """`pixels` (int) in megapixels for a message: 40000000 → "40", 41943040 → "41.9"."""
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def file_checksum(upload):
    """SHA-256 (hex) of a Django File's bytes, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def open_checked(upload, max_bytes, max_pixels):
    """The Pillow image of `upload`, opened (header read, no pixel decoded) and within the limits.

    Raises ValidationError with code "too_large", "not_a_photo" or "too_many_pixels".
    """
    size = upload.size
    if size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; a photo may be at most %(limit)s. Export it smaller and upload it again."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own limit decides (below); Pillow's warning above 89 megapixels would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=FORMATS)
    except Image.DecompressionBombError:
        raise ValidationError(
            _("This photo has more than %(limit)s megapixels; a photo may have at most %(limit)s."),
            code="too_many_pixels",
            params={"limit": megapixels(max_pixels)},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not a JPEG, PNG or WebP photo (its content was checked, not its name)."),
            code="not_a_photo",
        ) from None
    width, height = image.size
    if width * height > max_pixels:
        raise ValidationError(
            _(
                "This photo is %(width)d × %(height)d pixels (%(pixels)s megapixels); a photo may have at most "
                "%(limit)s megapixels. Export it smaller and upload it again."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "pixels": megapixels(width * height),
                "limit": megapixels(max_pixels),
            },
        )
    return image


def prepare_photo(upload, *, max_bytes, max_pixels):
    """The `PreparedPhoto` made from `upload` (a Django File: an UploadedFile or a File on disk).

    `max_bytes` and `max_pixels` are the limits (ints; the settings NEWSROOM_PHOTO_MAX_BYTES and
    NEWSROOM_PHOTO_MAX_PIXELS). Raises ValidationError (codes "too_large", "not_a_photo",
    "too_many_pixels", "too_small", "damaged") with a message for the person who uploaded it.
    """
    image = open_checked(upload, max_bytes, max_pixels)
    checksum = file_checksum(upload)
    upload.seek(0)
    image_format = image.format
    try:
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This photo could not be read: the file is damaged or incomplete. Upload it again."),
            code="damaged",
        ) from None
    width, height = upright.size
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValidationError(
            _("This photo is %(width)d × %(height)d pixels; a photo must be at least %(min_width)d × %(min_height)d."),
            code="too_small",
            params={"width": width, "height": height, "min_width": MIN_WIDTH, "min_height": MIN_HEIGHT},
        )
    profile = image.info.get("icc_profile")
    # Nothing of the original's metadata is written again unless listed: EXIF (with the GPS position),
    # XMP, IPTC, comments and text chunks all live in `info` and would otherwise follow the pixels.
    upright.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    options = dict(SAVE_OPTIONS[image_format])
    if profile:
        options["icc_profile"] = profile
    output = io.BytesIO()
    upright.save(output, image_format, exif=b"", **options)
    return PreparedPhoto(content=output.getvalue(), format=image_format, width=width, height=height, checksum=checksum)
