"""The moderation queue in Django admin, pending counts and the pre-moderation switch on stories, and
the e-mail tasks. Commenters, the block and hold lists and the site-wide switch: `moderation_admin`."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from articles.admin import CleanTextAdminMixin, StoryAdmin
from articles.models import Story

from . import import_admin, moderation_admin  # noqa: F401 - registers the import records, commenters, the lists, the switch
from .models import Comment, Commenter, CommentReport, CommentVersion, ModerationLogEntry, StoryModeration
from .status import EDITED_IN_ADMIN, ErasedComment, NotPickable, change_status, set_pick

# Actions a moderator can take: (status it sets, label, past tense for the message).
MODERATION_ACTIONS = {
    "approve": (Comment.Status.APPROVED, _("Approve"), _("approved")),
    "spam": (Comment.Status.SPAM, _("Mark as spam"), _("marked as spam")),
    "remove": (Comment.Status.REMOVED, _("Remove"), _("removed")),
    "hold": (Comment.Status.PENDING, _("Hold for moderation"), _("held for moderation")),
}


# The one-click buttons of each row of the queue: (action, label, key in moderation_queue.js, accessible name).
ROW_ACTIONS = [
    ("approve", _("Approve"), "a", _("Approve the comment by %(name)s")),
    ("spam", _("Spam"), "s", _("Mark the comment by %(name)s as spam")),
]
COUNTED_STATUSES = [Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED]


def erased_skipped_message(count):
    """What a moderator is told of `count` (int) selected comments left alone because they were erased."""
    return ngettext(
        "%(count)d comment was left as it is: it was erased at its author's request, and cannot be approved or picked.",
        "%(count)d comments were left as they are: they were erased at their authors' request, and cannot "
        "be approved or picked.",
        count,
    ) % {"count": count}


def commenter_count(status):
    """How many comments of the row's commenter have `status`: a subquery, so the queue stays one query."""
    counted = (
        Comment.objects.filter(commenter=OuterRef("commenter"), status=status)
        .order_by()
        .values("commenter")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


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


class VersionInline(ReadOnlyInline):
    """The texts the comment had before each edit (its author's, or a moderator's here), oldest first."""

    model = CommentVersion
    fields = ["written_at", "replaced_at", "edited_by", "text"]
    readonly_fields = fields


class ReportInline(ReadOnlyInline):
    model = CommentReport
    fields = ["created_at", "reason"]
    readonly_fields = fields


class PickedFilter(admin.SimpleListFilter):
    title = _("editor's pick")
    parameter_name = "picked"

    def lookups(self, request, model_admin):
        return [("yes", _("Editor's picks")), ("no", _("Not picked"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(picked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(picked_at__isnull=True)
        return queryset


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
    """The queue. Each row carries what a moderator decides on: the comment and the one it answers,
    the story, the rule and its reason, the commenter's record, and one-click Approve and Spam
    buttons (keys A and S in `static/js/moderation_queue.js`). One query for the rows, whatever
    their number: the parent, story and commenter are joined, the commenter's counts subqueries."""

    list_display = [
        "excerpt",
        "in_reply_to",
        "author_name",
        "story_link",
        "status",
        "rule",
        "why",
        "report_count",
        "picked",
        "created_at",
    ]
    list_filter = [
        "status",
        PickedFilter,
        ("story", admin.RelatedOnlyFieldListFilter),
        "created_at",
        HeldByRuleFilter,
    ]
    list_select_related = ["story", "parent", "commenter"]
    change_list_template = "admin/comments/comment/change_list.html"
    search_fields = ["text", "author_name", "author_email", "ip_address"]
    date_hierarchy = "created_at"
    actions = ["approve", "mark_spam", "remove", "hold", "pick", "unpick", "erase_commenters_data"]

    class Media:
        # Clips what a reader's text draws outside its cell (stacked combining marks).
        css = {"all": ["css/admin.css"]}
        js = ["js/moderation_queue.js"]

    inlines = [ModerationLogInline, VersionInline, ReportInline]
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
        "edited_at",
        "ip_address",
        "user_agent",
        "report_count",
        "picked_at",
        "picked_by",
    ]
    # Only what the commenter wrote may be corrected; status changes go through the logged actions.
    readonly_fields = [name for name in fields if name not in ("author_name", "author_url", "text")]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        """Every field of a comment erased at its author's request (comments/erasure.py): nothing
        personal may be typed back in, and its name is not required any more."""
        if obj is not None and obj.erased_at is not None:
            return self.fields
        return super().get_readonly_fields(request, obj)

    def get_queryset(self, request):
        counts = {f"commenter_{status}": commenter_count(status) for status in COUNTED_STATUSES}
        return super().get_queryset(request).annotate(**counts)

    def get_list_display(self, request):
        """The columns; the commenter's record links to their page for those who may open it, and the
        one-click buttons are there for those who may moderate (each needs the request: made per request)."""
        columns = list(super().get_list_display(request))
        columns.insert(
            columns.index("author_name") + 1, commenter_column(request.user.has_perm("comments.view_commenter"))
        )
        if self.has_moderate_permission(request):
            # Beside the comment, where the eye is, not past the edge of a narrow screen.
            columns.insert(columns.index("excerpt") + 1, moderate_buttons_column(request.get_full_path()))
        return columns

    def get_ordering(self, request):
        # The queue: comments waiting for a moderator first, newest first within each group.
        return [PENDING_FIRST, "-created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # No comment is ever deleted: "Remove" hides it and keeps its history.
        return False

    def save_model(self, request, obj, form, change):
        """Save a moderator's correction: the text it replaces is kept as an earlier version, and its
        author can no longer edit the comment (it empties `edit_key`)."""
        if change and form.changed_data:
            obj.edit_key = ""
        super().save_model(request, obj, form, change)
        if change and "text" in form.changed_data:
            CommentVersion.objects.create(
                comment=obj,
                text=form.initial["text"],
                written_at=obj.edited_at or obj.created_at,
                replaced_at=timezone.now(),
                edited_by=request.user,
            )
        if change and form.changed_data:
            ModerationLogEntry.objects.create(
                comment=obj,
                actor=request.user,
                from_status=obj.status,
                to_status=obj.status,
                reason=f"{EDITED_IN_ADMIN}: {', '.join(form.changed_data)}"[:300],
            )

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_pick_permission(self, request):
        return request.user.has_perm("comments.pick_comment")

    @admin.display(description=_("editor's pick"), boolean=True, ordering="picked_at")
    def picked(self, comment):
        return comment.is_picked

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(80)

    @admin.display(description=_("in reply to"))
    def in_reply_to(self, comment):
        if comment.parent is None:
            return "–"
        return format_html(
            '<span class="queue-parent"><bdi>{}</bdi>: {}</span>',
            comment.parent.author_name,
            Truncator(comment.parent.text).chars(60),
        )

    @admin.display(description=_("why"))
    def why(self, comment):
        """The rule's reason for the moderators, and what the author was told, if anything."""
        if not comment.public_reason:
            return Truncator(comment.reason).chars(120)
        return format_html(
            '{}<br><span class="queue-told">{} {}</span>',
            Truncator(comment.reason).chars(120),
            _("Told:"),
            Truncator(comment.public_reason).chars(120),
        )

    @admin.display(description=_("story"), ordering="story__headline")
    def story_link(self, comment):
        """The story's page on the site, which every moderator may read (its admin page is the
        editors' alone: a Moderator would meet a 403 there)."""
        url = f"{comment.story.get_absolute_url()}#comments"
        return format_html('<a href="{}">{}</a>', url, Truncator(comment.story.headline).chars(50))

    def moderate(self, request, queryset, action):
        status, _label, done = MODERATION_ACTIONS[action]
        changed, erased = 0, 0
        for comment in queryset:
            try:
                changed += change_status(comment, status, actor=request.user, reason=f"{done} in admin")
            except ErasedComment:
                erased += 1
        self.message_user(
            request,
            ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", changed)
            % {"count": changed, "done": done},
            messages.SUCCESS,
        )
        if erased:
            self.message_user(request, erased_skipped_message(erased), messages.WARNING)

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

    def has_erase_commenter_data_permission(self, request):
        return moderation_admin.may_erase(request)

    @admin.action(
        description=_("Erase the data of the selected comments' commenters"), permissions=["erase_commenter_data"]
    )
    def erase_commenters_data(self, request, queryset):
        """Every comment and the rest of the data of each selected comment's address, at its owner's
        request (`comments.erasure`): first a page that lists the addresses, then, confirmed, done."""
        keys = [
            Commenter.key_for(address)
            for address in queryset.exclude(author_email="").values_list("author_email", flat=True).distinct()
        ]
        if not keys:
            self.message_user(request, _("None of these comments has an e-mail address to erase."), messages.INFO)
            return None
        if request.POST.get("post") == "yes":
            moderation_admin.erase_commenters(self, request, keys)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Erase these commenters' data?"),
            "commenters": moderation_admin.erasable(keys),
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "back_url": reverse("admin:comments_comment_changelist"),
        }
        return TemplateResponse(request, "admin/comments/erase_commenters.html", context)

    @admin.action(description=_("Mark selected comments as editor's picks"), permissions=["pick"])
    def pick(self, request, queryset):
        picked, refused, erased = 0, 0, 0
        for comment in queryset:
            try:
                picked += set_pick(comment, True, actor=request.user)
            except NotPickable:
                refused += 1
            except ErasedComment:
                erased += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d comment marked as editor's pick.", "%(count)d comments marked as editor's picks.", picked
            )
            % {"count": picked},
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d comment was not picked: only approved comments can be editor's picks.",
                    "%(count)d comments were not picked: only approved comments can be editor's picks.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
        if erased:
            self.message_user(request, erased_skipped_message(erased), messages.WARNING)

    @admin.action(description=_("Unmark selected comments as editor's picks"), permissions=["pick"])
    def unpick(self, request, queryset):
        unpicked = sum(set_pick(comment, False, actor=request.user) for comment in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d comment is no longer an editor's pick.",
                "%(count)d comments are no longer editor's picks.",
                unpicked,
            )
            % {"count": unpicked},
            messages.SUCCESS,
        )

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
        """One comment, one action: the e-mail's links and the queue's buttons land here. GET asks,
        POST does it, then goes back to `?next=` (a queue address) or to the pending comments."""
        if action not in MODERATION_ACTIONS:
            raise PermissionDenied
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("story"), pk=pk)
        status, label, done = MODERATION_ACTIONS[action]
        if request.method == "POST":
            try:
                changed = change_status(comment, status, actor=request.user, reason=f"{done} in admin")
            except ErasedComment:
                self.message_user(request, erased_skipped_message(1), messages.WARNING)
                return redirect(self.queue_address(request))
            if changed:
                self.message_user(request, _("The comment was %(done)s.") % {"done": done}, messages.SUCCESS)
            else:
                self.message_user(request, _("The comment was already %(done)s.") % {"done": done}, messages.INFO)
            return redirect(self.queue_address(request))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "comment": comment,
            "label": label,
            "title": _("%(action)s this comment?") % {"action": label},
        }
        return TemplateResponse(request, "admin/comments/comment/moderate.html", context)

    def queue_address(self, request):
        """Where a moderation POST goes back to: `next` if it is a queue address, else the pending comments."""
        queue = reverse("admin:comments_comment_changelist")
        wanted = request.GET.get("next", "")
        if wanted.startswith(queue) and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
            return wanted
        return queue + "?status__exact=pending"


def commenter_column(may_open):
    """The queue's column of the commenter's record: standing and counts by status, linked to their page
    when `may_open` (the user may view commenters)."""

    @admin.display(description=_("commenter's record"))
    def commenter_record(comment):
        if comment.commenter_id is None:
            return "–"
        parts = [
            (count, label)
            for count, label in [
                (comment.commenter_approved, _("approved")),
                (comment.commenter_pending, _("pending")),
                (comment.commenter_spam, _("spam")),
                (comment.commenter_removed, _("removed")),
            ]
            if count
        ]
        counts = format_html_join(" · ", "{} {}", parts)
        standing = comment.commenter.get_standing_display() if comment.commenter.standing else ""
        record = format_html("<strong>{}</strong> {}", standing, counts) if standing else counts
        if not may_open:
            return record
        url = reverse("admin:comments_commenter_change", args=[comment.commenter_id])
        return format_html('<a href="{}">{}</a>', url, record)

    return commenter_record


def moderate_buttons_column(queue_address):
    """The queue's one-click buttons. They submit the changelist form (which carries the CSRF token) to
    the moderate view with `formaction`: a form inside the changelist form would not be valid HTML."""

    @admin.display(description=_("moderate"))
    def moderate_buttons(comment):
        buttons = []
        for action, label, key, description in ROW_ACTIONS:
            if comment.status == MODERATION_ACTIONS[action][0]:
                continue
            url = reverse("admin:comments_comment_moderate", args=[comment.pk, action])
            buttons.append(
                (
                    f"{url}?{QueryDict.fromkeys(['next'], queue_address).urlencode()}",
                    key,
                    description % {"name": comment.author_name},
                    label,
                )
            )
        return format_html_join(
            " ",
            '<button type="submit" class="button queue-button" formaction="{}" formmethod="post" '
            'data-queue-key="{}" aria-label="{}">{}</button>',
            buttons,
        )

    return moderate_buttons


admin.site.unregister(Story)


@admin.register(Story)
class StoryWithCommentsAdmin(StoryAdmin):
    """The story list, with how many comments of each story wait for a moderator."""

    list_display = [*StoryAdmin.list_display, "pending_comments"]
    premoderation_field = "premoderate_comments"

    def may_switch_premoderation(self, request):
        return request.user.has_perm("comments.change_storymoderation")

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The story form, with "pre-moderate comments" for those who may switch it."""
        if self.may_switch_premoderation(request):
            kwargs["form"] = with_premoderation_switch(kwargs.get("form", self.form))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": list(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self.may_switch_premoderation(request):
            for _name, options in fieldsets:
                if "comments_enabled" in options["fields"]:
                    position = options["fields"].index("comments_enabled") + 1
                    options["fields"].insert(position, self.premoderation_field)
        return fieldsets

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.premoderation_field in form.changed_data:
            StoryModeration.objects.update_or_create(
                story=obj,
                defaults={"premoderate": form.cleaned_data[self.premoderation_field], "changed_by": request.user},
            )

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


def with_premoderation_switch(base):
    """A subclass of the story form class `base` with the story's pre-moderation switch (StoryModeration)."""

    class PremoderationSwitchForm(base):
        premoderate_comments = forms.BooleanField(
            label=_("Pre-moderate comments"),
            required=False,
            help_text=_(
                "Every new comment on this story waits for a moderator: court cases, elections, tragedies. "
                "Its author is told so."
            ),
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                self.fields["premoderate_comments"].initial = StoryModeration.objects.filter(
                    story=self.instance, premoderate=True
                ).exists()

    PremoderationSwitchForm.__name__ = base.__name__
    return PremoderationSwitchForm


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
