from csp.constants import NONCE
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import body_photos
from .forms import CleanTextModelForm, StoryBodyFormField, photo_picker_attribute
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
from .rich_text import body_problems, has_body_text
from .workflow import admin_time, may_publish, record_status_change, statuses_for


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
    """The story form: both bodies in the rich-text editor, and the editor's confirmation that the
    Korean text matches the English."""

    korean_confirmed = forms.BooleanField(
        label=_("Korean text is up to date"),
        required=False,
        help_text=_("Tick when the Korean text matches the English. Editing a Korean field confirms it too."),
    )

    class Meta:
        model = Story
        fields = "__all__"
        field_classes = {"body": StoryBodyFormField, "body_ko": StoryBodyFormField}

    # Each body and its language: what the editor's spelling checker and "Insert photo" use.
    BODY_LANGUAGES = {"body": "en", "body_ko": "ko"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            # A story written in Korean only (an imported Korean post) has no English body: `clean`
            # asks for a body in one language at least, and the model then accepts the empty one.
            self.fields["body"].required = False
        if "body_ko" in self.fields:
            # The editor gives its editable area the textarea's language: the Korean spelling checker, a Korean voice.
            self.fields["body_ko"].widget.attrs["lang"] = "ko"
        for name, language in self.BODY_LANGUAGES.items():
            if name not in self.fields:
                continue
            self.fields[name].widget.attrs["data-photo-picker"] = photo_picker_attribute()
            if not self.is_bound:
                # The photos as the library has them now: the editor shows each one from its `src`.
                self.initial[name] = body_photos.for_the_editor(self.initial.get(name) or "", language)

    def refuse_body_problems(self, name):
        """The cleaned body `name`, or ValidationError when what was sent holds what cleaning would
        drop unseen (a photo from elsewhere) or cannot read (`articles.rich_text.body_problems`), or
        places a photo that is no longer in the library: that one is taken out of the form's text,
        so that saving again keeps the rest.

        Here and not in the field: autosave cleans with the field alone and keeps the rest of the text.
        """
        problems = body_problems(self.data.get(self.add_prefix(name)) or "")
        if problems:
            raise forms.ValidationError(problems)
        body = self.cleaned_data[name]
        missing = body_photos.missing_photos(body)
        if missing:
            self.data[self.add_prefix(name)] = body_photos.without_photos(body, set(missing))
            raise forms.ValidationError(
                ngettext(
                    "Photo %(numbers)s is no longer in the photo library: it was taken out of the text. "
                    "Check the text and save again.",
                    "Photos %(numbers)s are no longer in the photo library: they were taken out of the text. "
                    "Check the text and save again.",
                    len(missing),
                )
                % {"numbers": ", ".join(str(number) for number in missing)},
                code="photo_missing",
            )
        return body

    def clean_body(self):
        return self.refuse_body_problems("body")

    def clean_body_ko(self):
        return self.refuse_body_problems("body_ko")

    def clean(self):
        cleaned = super().clean()
        if "body" in self.fields and not self.has_error("body") and not self.has_error("body_ko"):
            korean = cleaned.get("body_ko") if "body_ko" in self.fields else self.instance.body_ko
            if not has_body_text(cleaned.get("body") or "") and not has_body_text(korean or ""):
                required = self.fields["body"].error_messages["required"]
                self.add_error("body", forms.ValidationError(required, code="required"))
        return cleaned


class WorkflowFilter(admin.SimpleListFilter):
    """Where a story is in the workflow; "scheduled" is published with a publication time to come."""

    title = _("workflow")
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("in_review", _("In review")),
            ("scheduled", _("Scheduled")),
            ("public", _("Public")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Story.Status.PUBLISHED
        if self.value() == "draft":
            return queryset.filter(status=Story.Status.DRAFT)
        if self.value() == "in_review":
            return queryset.filter(status=Story.Status.IN_REVIEW)
        if self.value() == "scheduled":
            return queryset.filter(status=published, published_at__gt=now)
        if self.value() == "public":
            return queryset.filter(status=published, published_at__lte=now)
        return queryset


def workflow_state(story):
    """The story's place in the workflow, for people: Draft, In review, Scheduled or Published."""
    if story.is_scheduled:
        return _("Scheduled")
    return story.get_status_display()


@admin.register(Story)
class StoryAdmin(CleanTextAdminMixin, StoryRevisionsAdminMixin, admin.ModelAdmin):
    """Stories. Reporters (no `publish_story`) see and edit only their own drafts and send them for
    review; editors do everything. Every change of status is logged (StoryStatusChange)."""

    list_display = ["headline", "headline_ko", "state", "published_at", "section", "outlet", "created_by"]
    list_filter = [WorkflowFilter, "status", "section", "outlet", "hashtags"]
    list_select_related = ["outlet", "section", "created_by"]
    search_fields = ["headline", "headline_ko", "reporter"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [StoryHashtagInline, CorrectionInline]
    # The photo library's search (caption, alternative text, credit) picks the lead photo.
    autocomplete_fields = ["lead_photo"]
    form = StoryAdminForm
    actions = ["publish", "unpublish", "confirm_korean_text"]
    readonly_fields = ["created_at", "updated_at", "created_by", "status_history"]
    # What only an editor sets: a reporter's form shows these but cannot send them.
    editor_fields = ["published_at", "comments_enabled"]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "headline_ko", "slug", "intro", "intro_ko", "body", "body_ko", "korean_confirmed"]},
        ),
        (_("Byline and source"), {"fields": ["reporter", "outlet", "section", "source_url"]}),
        (_("Photo"), {"fields": ["lead_photo"]}),
        (_("Video"), {"fields": ["video_url"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "comments_enabled",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "status_history",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        """Editors see every story; a reporter only their own (others' drafts are not theirs to read)."""
        stories = super().get_queryset(request)
        if may_publish(request.user):
            return stories
        return stories.filter(created_by=request.user.pk)

    def get_search_results(self, request, queryset, search_term):
        """As the admin's, but the front-page pin's story picker offers published stories only.

        The autocomplete view names the field it fills in `model_name` and `field_name`; a pin of
        a draft would show nothing on the front page, so drafts and stories in review are left out.
        """
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        picking_pin = (
            request.GET.get("app_label") == FrontPagePin._meta.app_label
            and request.GET.get("model_name") == FrontPagePin._meta.model_name
            and request.GET.get("field_name") == "story"
        )
        if picking_pin:
            results = results.filter(status=Story.Status.PUBLISHED)
        return results, may_have_duplicates

    def has_change_permission(self, request, obj=None):
        """A reporter changes a story of their own while it is a draft; once in review it is the editors'."""
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or may_publish(request.user):
            return allowed
        return obj.created_by_id == request.user.pk and obj.status == Story.Status.DRAFT

    def has_publish_permission(self, request):
        """For the publish/unpublish actions: `articles.publish_story`."""
        return may_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_publish(request.user):
            fields += self.editor_fields
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """The status offers only what the user may choose: a reporter, Draft and In review."""
        if db_field.name == "status":
            allowed = statuses_for(request.user)
            kwargs["choices"] = [(value, label) for value, label in Story.Status.choices if value in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("state"), ordering="status")
    def state(self, story):
        return workflow_state(story)

    @admin.display(description=_("status history"))
    def status_history(self, story):
        """Every change of status of the story, newest first, with who and when (in the admin's zone)."""
        if story.pk is None:
            return "-"
        changes = story.status_changes.select_related("changed_by")
        rows = [
            (
                admin_time(change.changed_at),
                change.get_old_status_display() or _("new"),
                _("Scheduled") if change.was_scheduling else change.get_new_status_display(),
                change.changed_by.get_username() if change.changed_by else _("unknown"),
            )
            for change in changes
        ]
        if not rows:
            return _("No changes recorded.")
        return format_html(
            '<ul class="status-history">{}</ul>',
            format_html_join("", "<li>{}: {} → {}, {}</li>", rows),
        )

    def render_change_form(self, request, context, *args, **kwargs):
        """The change form, its body editor's import map allowed by a nonce of this response only.

        django-prose-editor loads its ES modules through an inline `<script type="importmap">`, which
        the site's policy (script-src 'self') refuses. Its media (django-js-asset) renders each script
        with the request's CSP nonce, and this response's policy adds that nonce to script-src; every
        other page keeps the policy without one (story pages are cached, and no nonce may be).
        """
        media = context.get("media")
        if hasattr(media, "with_nonce"):
            context["media"] = media.with_nonce(request.csp_nonce)
        response = super().render_change_form(request, context, *args, **kwargs)
        response._csp_update = {"script-src": [NONCE]}
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form; on a story whose Korean text may be stale, each Korean field says so."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.korean_is_stale:
            for name in KOREAN_TEXT_FIELDS:
                if name in form.base_fields:
                    form.base_fields[name].help_text = KOREAN_STALE_WARNING
        return form

    def save_model(self, request, obj, form, change):
        """Save, owned by its creator; a status the user may not give falls back to draft; log the move."""
        obj.korean_confirmed = bool(form.cleaned_data.get("korean_confirmed"))
        before = Story.objects.filter(pk=obj.pk).values_list("status", "published_at").first() if change else None
        old_status, old_published_at = before or ("", None)
        if not change:
            obj.created_by = request.user
        if obj.status not in statuses_for(request.user):
            # The form offers no such choice; this holds even if a form is changed to offer it.
            obj.status = Story.Status.DRAFT
        if not may_publish(request.user):
            obj.published_at = old_published_at
            if not change:
                obj.comments_enabled = Story._meta.get_field("comments_enabled").default
        super().save_model(request, obj, form, change)
        record_status_change(obj, old_status, old_published_at, request.user)

    # Confirming the Korean text is an editor's call on any story, published or not.
    @admin.action(description=_("Mark the Korean text of selected stories as up to date"), permissions=["publish"])
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

    def log_bulk_change(self, request, before):
        """Log the actions' moves: `before` maps story ids to (status, published_at) before the update."""
        now = timezone.now()
        for story in Story.objects.filter(pk__in=before).only("pk", "status", "published_at"):
            record_status_change(story, *before[story.pk], request.user, when=now)

    @staticmethod
    def states_before(queryset):
        return {pk: (status, at) for pk, status, at in queryset.values_list("pk", "status", "published_at")}

    @admin.action(description=_("Publish selected stories"), permissions=["publish"])
    def publish(self, request, queryset):
        now = timezone.now()
        before = self.states_before(queryset)
        undated = queryset.filter(published_at__isnull=True).update(published_at=now)
        # updated_at moves too: an editor with the story open is told of the change when saving.
        # (update() moves the page versions of these stories and of those listing them as related.)
        count = queryset.update(status=Story.Status.PUBLISHED, updated_at=now)
        self.log_bulk_change(request, before)
        message = ngettext("%(count)d story published.", "%(count)d stories published.", count) % {"count": count}
        if undated:
            message += " " + ngettext(
                "%(count)d had no publication time and is dated now.",
                "%(count)d had no publication time and are dated now.",
                undated,
            ) % {"count": undated}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Return selected stories to draft"), permissions=["publish"])
    def unpublish(self, request, queryset):
        before = self.states_before(queryset)
        count = queryset.update(status=Story.Status.DRAFT, updated_at=timezone.now())
        self.log_bulk_change(request, before)
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


from . import import_admin  # noqa: E402, F401 - registers the WordPress import's records (needs the classes above)
