"""The photo library in admin: upload once, search by caption, alternative text or credit, reuse on stories.

Reporters upload and change their own photos; editors (`change_others_photos`) change and delete any
(README "Roles"). A photo a story still uses cannot be deleted (`Story.lead_photo` protects it).
"""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin import CleanTextAdminMixin

from .forms import PhotoAdminForm
from .models import Photo

TEXT_FIELDS = ["alt_text", "alt_text_ko", "decorative", "caption", "caption_ko", "credit"]


@admin.register(Photo)
class PhotoAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "__str__", "credit", "size", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_select_related = ["uploaded_by"]
    list_filter = ["file_format", "decorative"]
    search_fields = ["caption", "caption_ko", "alt_text", "alt_text_ko", "credit"]
    date_hierarchy = "uploaded_at"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["image", *TEXT_FIELDS]})]
        return [
            (None, {"fields": ["preview", *TEXT_FIELDS]}),
            (_("Original"), {"fields": ["original", "uploaded_by", "uploaded_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # The file is uploaded once: a photo's original never changes (stories and renditions rely on it).
        return ["preview", "original", "uploaded_by", "uploaded_at"] + (["image"] if obj is not None else [])

    def has_change_permission(self, request, obj=None):
        """Reporters change the photos they uploaded; `change_others_photos` (editors) any photo."""
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.has_perm("photos.change_others_photos"):
            return allowed
        return obj.uploaded_by_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        card = photo.card_rendition()
        return format_html(
            '<img class="photo-thumbnail" src="{}" width="{}" height="{}" alt="">', card.url, card.width, card.height
        )

    @admin.display(description=_("size"), ordering="width")
    def size(self, photo):
        return f"{photo.width} × {photo.height}"

    @admin.display(description=_("preview"))
    def preview(self, photo):
        shown = photo.fallback_rendition()
        text = photo.text_for("en")
        return format_html(
            '<img class="photo-preview" src="{}" width="{}" height="{}" alt="{}">',
            shown.url,
            shown.width,
            shown.height,
            text.alt,
        )

    @admin.display(description=_("original"))
    def original(self, photo):
        return format_html(
            '<a href="{}">{} × {} px, {}, {}</a>',
            photo.image.url,
            photo.width,
            photo.height,
            filesizeformat(photo.file_size),
            photo.file_format,
        )
