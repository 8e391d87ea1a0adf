"""The moderation queue in Django admin, pending counts on the story list, and the e-mail tasks."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from articles.admin import CleanTextAdminMixin, StoryAdmin
from articles.models import Story

from .models import Comment, CommentReport, ModerationLogEntry
from .status import change_status

# Actions a moderator can take: (status it sets, label, past tense for the message).
MODERATION_ACTIONS = {
    "approve": (Comment.Status.APPROVED, _("Approve"), _("approved")),
    "spam": (Comment.Status.SPAM, _("Mark as spam"), _("marked as spam")),
    "remove": (Comment.Status.REMOVED, _("Remove"), _("removed")),
    "hold": (Comment.Status.PENDING, _("Hold for moderation"), _("held for moderation")),
}


PENDING_FIRST = Case(
    When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
).asc()


class ReadOnlyInline(CleanTextAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModerationLogInline(ReadOnlyInline):
    model = ModerationLogEntry
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("Moderation log")


class ReportInline(ReadOnlyInline):
    model = CommentReport
    fields = ["created_at", "reason"]
    readonly_fields = fields


class HeldByRuleFilter(admin.SimpleListFilter):
    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        rules = Comment.objects.exclude(rule="").values_list("rule", flat=True).distinct().order_by("rule")
        return [(rule, rule.replace("_", " ")) for rule in rules]

    def queryset(self, request, queryset):
        return queryset.filter(rule=self.value()) if self.value() else queryset


@admin.register(Comment)
class CommentAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["excerpt", "author_name", "story_link", "status", "rule", "report_count", "created_at"]
    list_filter = ["status", ("story", admin.RelatedOnlyFieldListFilter), "created_at", HeldByRuleFilter]
    list_select_related = ["story"]
    search_fields = ["text", "author_name", "author_email", "ip_address"]
    date_hierarchy = "created_at"
    actions = ["approve", "mark_spam", "remove", "hold"]

    class Media:
        # Clips what a reader's text draws outside its cell (stacked combining marks).
        css = {"all": ["css/admin.css"]}

    inlines = [ModerationLogInline, ReportInline]
    fields = [
        "story",
        "parent",
        "author_name",
        "author_email",
        "author_url",
        "text",
        "status",
        "rule",
        "reason",
        "created_at",
        "ip_address",
        "user_agent",
        "report_count",
    ]
    # Only what the commenter wrote may be corrected; status changes go through the logged actions.
    readonly_fields = [name for name in fields if name not in ("author_name", "author_url", "text")]
    list_per_page = 50

    def get_ordering(self, request):
        # The queue: comments waiting for a moderator first, newest first within each group.
        return [PENDING_FIRST, "-created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # No comment is ever deleted: "Remove" hides it and keeps its history.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            ModerationLogEntry.objects.create(
                comment=obj,
                actor=request.user,
                from_status=obj.status,
                to_status=obj.status,
                reason=f"edited in admin: {', '.join(form.changed_data)}"[:300],
            )

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(80)

    @admin.display(description=_("story"), ordering="story__headline")
    def story_link(self, comment):
        url = reverse("admin:articles_story_change", args=[comment.story_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(comment.story.headline).chars(50))

    def moderate(self, request, queryset, action):
        status, _label, done = MODERATION_ACTIONS[action]
        changed = 0
        for comment in queryset:
            if change_status(comment, status, actor=request.user, reason=f"{done} in admin"):
                changed += 1
        self.message_user(
            request,
            ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", changed)
            % {"count": changed, "done": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve(self, request, queryset):
        self.moderate(request, queryset, "approve")

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self.moderate(request, queryset, "spam")

    @admin.action(description=_("Remove selected comments"), permissions=["moderate"])
    def remove(self, request, queryset):
        self.moderate(request, queryset, "remove")

    @admin.action(description=_("Hold selected comments for moderation"), permissions=["moderate"])
    def hold(self, request, queryset):
        self.moderate(request, queryset, "hold")

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/<str:action>/",
                self.admin_site.admin_view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk, action):
        """One comment, one action: the e-mail's links land here. GET asks, POST does it."""
        if action not in MODERATION_ACTIONS:
            raise PermissionDenied
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("story"), pk=pk)
        status, label, done = MODERATION_ACTIONS[action]
        if request.method == "POST":
            if change_status(comment, status, actor=request.user, reason=f"{done} in admin"):
                self.message_user(request, _("The comment was %(done)s.") % {"done": done}, messages.SUCCESS)
            else:
                self.message_user(request, _("The comment was already %(done)s.") % {"done": done}, messages.INFO)
            return redirect(reverse("admin:comments_comment_changelist") + "?status__exact=pending")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "comment": comment,
            "label": label,
            "title": _("%(action)s this comment?") % {"action": label},
        }
        return TemplateResponse(request, "admin/comments/comment/moderate.html", context)


admin.site.unregister(Story)


@admin.register(Story)
class StoryWithCommentsAdmin(StoryAdmin):
    """The story list, with how many comments of each story wait for a moderator."""

    list_display = [*StoryAdmin.list_display, "pending_comments"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(pending_count=Count("comments", filter=Q(comments__status=Comment.Status.PENDING)))
            # An aggregate drops the model's default ordering: restore it, or the autocomplete pages
            # (front-page pins, corrections) come in no defined order.
            .order_by(*Story._meta.ordering)
        )

    @admin.display(description=_("pending comments"), ordering="pending_count")
    def pending_comments(self, story):
        if not story.pending_count:
            return 0
        url = reverse("admin:comments_comment_changelist") + f"?status__exact=pending&story__id__exact={story.pk}"
        return format_html('<a href="{}">{}</a>', url, story.pending_count)


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's task results (Tasks Database Backend, Task Results), with the attempt
    and the error in the list: each attempt at an e-mail is one row (comments/mail.py), so a mail
    that failed shows its failed attempts, the next one waiting with its "run after", or the
    last one failed with MailNotSent."""

    list_display = ["id", "task_name", "status", "attempt", "error", "enqueued_at", "display_run_after", "finished_at"]

    @admin.display(description=_("attempt"))
    def attempt(self, result):
        attempt = (result.args_kwargs or {}).get("kwargs", {}).get("attempt", 1)
        return _("%(attempt)s of %(attempts)s") % {"attempt": attempt, "attempts": settings.NEWSROOM_MAIL_ATTEMPTS}

    @admin.display(description=_("error"))
    def error(self, result):
        """The traceback's last line: the exception and its message."""
        lines = result.traceback.strip().splitlines()
        return Truncator(lines[-1]).chars(120) if lines else ""
