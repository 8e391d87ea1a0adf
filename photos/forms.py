"""The photo library's upload form: the file is checked and prepared by `photos.uploads`."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.forms import CleanTextModelForm

from .models import Photo
from .uploads import prepare_photo

ACCEPTED_TYPES = "image/jpeg,image/png,image/webp"


class PhotoAdminForm(CleanTextModelForm):
    """Upload a photo (add form) or edit its words (change form, where the file is read-only).

    The file field is a plain FileField: Django's ImageField would decode the image before our
    limits were checked, and answer every refusal with the same "not a valid image".
    """

    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": ACCEPTED_TYPES}),
        help_text=_(
            "JPEG, PNG or WebP, up to %(size)s MB and %(pixels)s megapixels. Uploaded once, used on any story."
        ),
    )

    class Meta:
        model = Photo
        fields = ["image", "alt_text", "alt_text_ko", "decorative", "caption", "caption_ko", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            self.fields["image"].help_text = self.fields["image"].help_text % {
                "size": settings.NEWSROOM_PHOTO_MAX_BYTES // (1024 * 1024),
                "pixels": settings.NEWSROOM_PHOTO_MAX_PIXELS // 1_000_000,
            }

    def clean_image(self):
        """The prepared original (upright, stripped), or the reason it is refused, at the field."""
        upload = self.cleaned_data["image"]
        prepared = prepare_photo(
            upload,
            max_bytes=settings.NEWSROOM_PHOTO_MAX_BYTES,
            max_pixels=settings.NEWSROOM_PHOTO_MAX_PIXELS,
        )
        existing = Photo.objects.filter(checksum=prepared.checksum).first()
        if existing is not None:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("This photo is in the library already:"),
                    reverse("admin:photos_photo_change", args=[existing.pk]),
                    str(existing),
                ),
                code="duplicate",
            )
        self.instance.take(prepared)
        return self.instance.image
