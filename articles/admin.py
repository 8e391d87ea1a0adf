from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import CleanTextModelForm
from .models import (
    KOREAN_TEXT_FIELDS,
    Correction,
    FrontPagePin,
    Hashtag,
    Outlet,
    Section,
    SocialLink,
    Story,
    StoryHashtag,
)
from .revisions_admin import StoryRevisionsAdminMixin


class CleanTextAdminMixin:
    """Every admin form and inline of ours: text fields cleaned, invisible-only text is empty.

    Put it first among the bases of each ModelAdmin and InlineModelAdmin (a test checks
    every registered one); a custom `form` must subclass `CleanTextModelForm`.
    """

    form = CleanTextModelForm


class StoryHashtagInline(CleanTextAdminMixin, admin.TabularInline):
    model = StoryHashtag
    extra = 3
    fields = ["hashtag", "position"]
    autocomplete_fields = ["hashtag"]


class CorrectionInline(CleanTextAdminMixin, admin.StackedInline):
    """Corrections of a published story, newest first; shown only to staff allowed to add or change them.

    No one but a superuser deletes a correction (no group has the permission): it is a public record.
    """

    model = Correction
    extra = 0
    fields = ["published_at", "text", "text_ko", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    ordering = ["-published_at", "-id"]


class SocialLinkInline(CleanTextAdminMixin, admin.TabularInline):
    model = SocialLink
    extra = 1
    fields = ["label", "url", "position"]


@admin.register(Outlet)
class OutletAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "homepage", "time_zone", "story_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SocialLinkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, outlet):
        return outlet.story_count


@admin.register(Hashtag)
class HashtagAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "slug", "story_count"]
    search_fields = ["name", "slug"]
    ordering = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, hashtag):
        return hashtag.story_count


KOREAN_STALE_WARNING = _(
    "The English text of this story changed after its Korean text was last edited: check the Korean "
    "headline, intro and body, then tick “Korean text is up to date”."
)


class StoryAdminForm(CleanTextModelForm):
    """The story form, with the editor's confirmation that the Korean text matches the English."""

    korean_confirmed = forms.BooleanField(
        label=_("Korean text is up to date"),
        required=False,
        help_text=_("Tick when the Korean text matches the English. Editing a Korean field confirms it too."),
    )

    class Meta:
        model = Story
        fields = "__all__"


@admin.register(Story)
class StoryAdmin(CleanTextAdminMixin, StoryRevisionsAdminMixin, admin.ModelAdmin):
    list_display = ["headline", "headline_ko", "status", "published_at", "section", "outlet"]
    list_filter = ["status", "section", "outlet", "hashtags"]
    list_select_related = ["outlet", "section"]
    search_fields = ["headline", "headline_ko", "reporter"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [StoryHashtagInline, CorrectionInline]
    form = StoryAdminForm
    actions = ["publish", "unpublish", "confirm_korean_text"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "headline_ko", "slug", "intro", "intro_ko", "body", "body_ko", "korean_confirmed"]},
        ),
        (_("Byline and source"), {"fields": ["reporter", "outlet", "section", "source_url"]}),
        (_("Publication"), {"fields": ["status", "published_at", "comments_enabled", "created_at", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form; on a story whose Korean text may be stale, each Korean field says so."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.korean_is_stale:
            for name in KOREAN_TEXT_FIELDS:
                if name in form.base_fields:
                    form.base_fields[name].help_text = KOREAN_STALE_WARNING
        return form

    def save_model(self, request, obj, form, change):
        obj.korean_confirmed = bool(form.cleaned_data.get("korean_confirmed"))
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark the Korean text of selected stories as up to date"), permissions=["change"])
    def confirm_korean_text(self, request, queryset):
        count = 0
        for story in queryset:
            # save(), not update(): the page version moves, so cached Korean pages drop the notice at once.
            story.korean_confirmed = True
            story.save(update_fields=["korean_edited_at"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "The Korean text of %(count)d story is marked up to date.",
                "The Korean text of %(count)d stories is marked up to date.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_formset(self, request, form, formset, change):
        """Corrections remember the editor who wrote them."""
        if formset.model is Correction:
            for correction in formset.save(commit=False):
                if correction.created_by_id is None and correction._state.adding:
                    correction.created_by = request.user
                correction.save()
            for correction in formset.deleted_objects:
                correction.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Publish selected stories"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        stories = Story.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        undated = queryset.filter(published_at__isnull=True).update(published_at=now)
        count = queryset.update(status=Story.Status.PUBLISHED)
        # update() saves nothing: move the versions of these pages and of those listing them as related.
        stories.with_related().bump_page_version()
        message = ngettext("%(count)d story published.", "%(count)d stories published.", count) % {"count": count}
        if undated:
            message += " " + ngettext(
                "%(count)d had no publication time and is dated now.",
                "%(count)d had no publication time and are dated now.",
                undated,
            ) % {"count": undated}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Return selected stories to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        stories = Story.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        count = queryset.update(status=Story.Status.DRAFT)
        stories.with_related().bump_page_version()
        self.message_user(
            request,
            ngettext("%(count)d story returned to draft.", "%(count)d stories returned to draft.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Section)
class SectionAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """Sections in masthead order; the order is edited in the list."""

    list_display = ["name", "name_ko", "slug", "position", "story_count"]
    list_editable = ["position"]
    search_fields = ["name", "name_ko", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, section):
        return section.story_count


@admin.register(FrontPagePin)
class FrontPagePinAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """The front page's lead and featured stories; a pin lapses at its end time."""

    list_display = ["story", "slot", "position", "ends_at", "is_showing"]
    list_editable = ["slot", "position", "ends_at"]
    list_select_related = ["story"]
    autocomplete_fields = ["story"]

    @admin.display(description=_("on the front page"), boolean=True)
    def is_showing(self, pin):
        return pin.story.is_public and not pin.has_lapsed()
