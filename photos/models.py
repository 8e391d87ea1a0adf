"""The photo library: each photo uploaded once, with its words in English and Korean, used by many stories.

A `Photo` knows nothing of stories (`articles` points at photos, never the reverse). Its original is
stored through Django's storage API under a random name (`photo_path`), already upright and without
EXIF (`photos.uploads`); its renditions are imagekit `ImageSpecField`s (`photos.renditions`).
"""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField

from . import renditions
from .uploads import EXTENSIONS

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
KOREAN, ENGLISH = "ko", "en"


def photo_path(instance, filename):
    """Where an original is stored: `photos/<random>.<ext>`; only the extension is taken from `filename`.

    The uploader's file name never reaches the storage (it may hold a name, a place or a date, and
    it decides nothing): `photos.uploads` names the extension after the format it found.
    """
    extension = next((ext for ext in EXTENSIONS.values() if filename.lower().endswith(ext)), ".bin")
    return f"photos/{secrets.token_urlsafe(12)}{extension}"


def has_text(value):
    """True when a text field holds more than white space."""
    return bool(value and value.strip())


@dataclass(frozen=True)
class PhotoText:
    """A photo's words on a page in one language, each with the language it is really in ("en"/"ko").

    Made by `Photo.text_for(language)`. `alt` is "" only for a decorative photo; a part missing in
    the page's language is the other language's (and its `*_language` says so, for `lang`).
    """

    alt: str
    alt_language: str
    caption: str
    caption_language: str
    credit: str
    credit_language: str
    decorative: bool


def in_language(language, english, korean):
    """(text, its language) for a page in `language`: the Korean text on Korean pages when written,
    else the English; the other language when the page's is empty. ("", language) when both are."""
    first, second = (
        ((korean, KOREAN), (english, ENGLISH)) if language == KOREAN else ((english, ENGLISH), (korean, KOREAN))
    )
    for text, text_language in (first, second):
        if has_text(text):
            return text.strip(), text_language
    return "", language


class Photo(models.Model):
    """One photo of the library: the original (upright, no EXIF), its words in two languages, its size."""

    image = models.ImageField(
        _("photo"),
        upload_to=photo_path,
        max_length=200,
        help_text=_("JPEG, PNG or WebP."),
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it: one or two sentences."),
    )
    alt_text_ko = models.CharField(
        _("Korean alternative text"),
        max_length=300,
        blank=True,
        help_text=_("Korean pages use the English one without it (and the other way round)."),
    )
    decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_("Tick only when the photo adds nothing a reader needs: it then has no alternative text."),
    )
    caption = models.CharField(_("caption"), max_length=600, blank=True)
    caption_ko = models.CharField(_("Korean caption"), max_length=600, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, help_text=_("Who took or made it, as readers see it: Kim Ji-ho / Newsroom.")
    )
    width = models.PositiveIntegerField(_("width"), editable=False, help_text=_("Of the original, in pixels."))
    height = models.PositiveIntegerField(_("height"), editable=False, help_text=_("Of the original, in pixels."))
    file_size = models.PositiveBigIntegerField(
        _("file size"), editable=False, help_text=_("Of the stored original, in bytes.")
    )
    file_format = models.CharField(_("format"), max_length=4, editable=False)
    # The same file uploaded again is the photo already in the library.
    checksum = models.CharField(_("checksum"), max_length=64, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False, db_index=True)

    w480 = ImageSpecField(source="image", spec=renditions.Width480)
    w800 = ImageSpecField(source="image", spec=renditions.Width800)
    w1200 = ImageSpecField(source="image", spec=renditions.Width1200)
    w1600 = ImageSpecField(source="image", spec=renditions.Width1600)
    card = ImageSpecField(source="image", spec=renditions.Card)
    share = ImageSpecField(source="image", spec=renditions.Share)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        permissions = [("change_others_photos", _("Can change photos uploaded by others"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decorative=True) | ~models.Q(alt_text="") | ~models.Q(alt_text_ko=""),
                name="photo_has_alt_text_unless_decorative",
            ),
        ]

    def __str__(self):
        words = self.caption or self.caption_ko or self.alt_text or self.alt_text_ko
        label = Truncator(words).chars(70) if words else _("Photo %(number)s") % {"number": self.pk or ""}
        return f"{label} ({self.width} × {self.height})"

    def clean(self):
        if not self.decorative and not (has_text(self.alt_text) or has_text(self.alt_text_ko)):
            raise ValidationError(
                {
                    "alt_text": _(
                        "Write what the photo shows in English or Korean (or both), or tick “decorative” "
                        "if it adds nothing a reader needs."
                    )
                },
                code="alt_text_missing",
            )

    def take(self, prepared):
        """Make `prepared` (a `photos.uploads.PreparedPhoto`) this photo's original; saving the photo stores it.

        Sets the image (a new random name, see `photo_path`) and what is recorded of it: width and
        height, the stored file's bytes and format, the uploaded file's checksum.
        """
        self.image = ContentFile(prepared.content, name=f"photo{prepared.extension}")
        self.width, self.height = prepared.width, prepared.height
        self.file_size = len(prepared.content)
        self.file_format = prepared.format
        self.checksum = prepared.checksum

    def text_for(self, language):
        """The photo's `PhotoText` on a page in `language` ("en" or "ko"). No query, no file read."""
        alt, alt_language = (
            ("", language) if self.decorative else in_language(language, self.alt_text, self.alt_text_ko)
        )
        caption, caption_language = in_language(language, self.caption, self.caption_ko)
        credit = self.credit.strip()
        credit_language = KOREAN if HANGUL.search(credit) else ENGLISH
        return PhotoText(
            alt=alt,
            alt_language=alt_language,
            caption=caption,
            caption_language=caption_language,
            credit=credit,
            credit_language=credit_language,
            decorative=self.decorative,
        )

    def srcset_renditions(self):
        """The srcset's `RenditionFile`s, narrowest first, with their real widths (`renditions.offered_widths`)."""
        return [self.rendition(name, target) for name, target in renditions.offered_widths(self.width)]

    def fallback_rendition(self):
        """The srcset rendition `src` names: the widest at or under FALLBACK_WIDTH (the narrowest if none is)."""
        offered = self.srcset_renditions()
        fitting = [item for item in offered if item.width <= renditions.FALLBACK_WIDTH]
        return fitting[-1] if fitting else offered[0]

    def card_rendition(self):
        return RenditionFile(self.card.url, renditions.CARD_WIDTH, renditions.CARD_HEIGHT)

    def share_rendition(self):
        return self.rendition("share", renditions.SHARE_WIDTH)

    def rendition(self, name, target_width):
        width, height = renditions.fitted_size(self.width, self.height, target_width)
        return RenditionFile(getattr(self, name).url, width, height)

    def rendition_files(self):
        """The imagekit cache files pages use (offered srcset widths, card, share), for making them."""
        names = [name for name, _target in renditions.offered_widths(self.width)] + ["card", "share"]
        return [getattr(self, name) for name in names]


@dataclass(frozen=True)
class RenditionFile:
    """One rendition as a page names it: `url` (the storage's, relative or absolute), `width` and `height` in px."""

    url: str
    width: int
    height: int
