"""The photo library in admin: upload once, search by caption, alternative text or credit, reuse on stories.

Reporters upload and change their own photos; editors (`change_others_photos`) change and delete any
(README "Roles"). A photo a story still uses cannot be deleted (`Story.lead_photo` and the photos placed
in bodies, `StoryBodyPhoto`, protect it). The story body editor's "Insert photo" searches the library
through `picker_view`.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.admin import CleanTextAdminMixin

from .forms import PhotoAdminForm
from .models import Photo

TEXT_FIELDS = ["alt_text", "alt_text_ko", "decorative", "caption", "caption_ko", "credit"]
# The photos "Insert photo" offers for a search, newest first.
PICKER_RESULTS = 24
# Longer search text is cut: the admin's search would make one condition of each word.
PICKER_QUERY_CHARS = 200


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

    def get_urls(self):
        picker = path("picker/", self.admin_site.admin_view(self.picker_view), name="photos_photo_picker")
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """JSON for the story body editor's "Insert photo": the newest `PICKER_RESULTS` photos matching `q`
        (the change list's search: caption, alternative text, credit, in both languages).

        `{"results": [{"id", "thumbnail" (the card rendition's URL, 300 × 200), "src" (the 800 px
        rendition the editor shows), "alt": {"en", "ko"}, "words": {"en": {"text", "lang"}, "ko": …}
        (caption, else alternative text, and its language), "credit"}], "message"}`: `message` says
        how many were found, in the user's language. Staff who may view photos (reporters and
        editors); others get 403. One query for the photos.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        words = request.GET.get("q", "").strip()[:PICKER_QUERY_CHARS]
        found, _duplicates = self.get_search_results(request, self.get_queryset(request), words)
        photos = list(found.order_by("-uploaded_at", "-id")[: PICKER_RESULTS + 1])
        more, photos = len(photos) > PICKER_RESULTS, photos[:PICKER_RESULTS]
        return JsonResponse(
            {"results": [picker_item(photo) for photo in photos], "message": picker_message(photos, more, words)}
        )

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


def picker_item(photo):
    """One photo as "Insert photo" lists it (see `PhotoAdmin.picker_view`)."""
    texts = {language: photo.text_for(language) for language in ("en", "ko")}
    return {
        "id": photo.pk,
        "thumbnail": photo.card_rendition().url,
        "src": photo.fallback_rendition().url,
        "alt": {language: text.alt for language, text in texts.items()},
        "words": {
            language: (
                {"text": text.caption, "lang": text.caption_language}
                if text.caption
                else {"text": text.alt or str(photo), "lang": text.alt_language}
            )
            for language, text in texts.items()
        },
        "credit": photo.credit,
    }


def picker_message(photos, more, words):
    """What "Insert photo" says of a search's results (str, the user's language)."""
    if not photos:
        return gettext("No photo matches these words.") if words else gettext("The photo library has no photos yet.")
    if more:
        return ngettext(
            "More than %(count)d photo matches: the newest is shown. Add a word to find others.",
            "More than %(count)d photos match: the newest %(count)d are shown. Add a word to find others.",
            len(photos),
        ) % {"count": len(photos)}
    return ngettext("%(count)d photo matches.", "%(count)d photos match.", len(photos)) % {"count": len(photos)}
