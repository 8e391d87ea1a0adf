"""Admin pages of what the moderation rules read: commenters and their standing, the block and hold
lists, the site-wide pre-moderation switch. Registered by `comments.admin`.

Rights (migration 0010): Moderators have all three; Editors none of them (they get the per-story
switch on the story form); superusers everything. Erasing a commenter's data at their request
(`comments.erasure`) needs `comments.erase_commenter_data` (Moderators, migration 0014): a button on
the commenter's page, and an action of the comment queue, each with a page to confirm.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin import CleanTextAdminMixin
from articles.forms import CleanTextModelForm
from articles.workflow import admin_time

from .commenter_data import data_of_key
from .commenters import set_standing
from .erasure import erase_address_data
from .lists import SITE_ROW
from .models import Comment, Commenter, ModerationListEntry, SiteModeration

HISTORY_LENGTH = 50


class StandingForm(CleanTextModelForm):
    """A commenter's standing, with its end (in the admin's zone) and the reasons."""

    # One labelled input (the browser's date and time picker), not the admin's split pair of unlabelled ones.
    standing_until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Commenter
        fields = ["standing", "standing_until", "standing_reason", "public_reason"]
        widgets = {"standing": forms.RadioSelect}
        help_texts = {
            "standing_reason": _("Why, for the other moderators. Required with a standing."),
            "public_reason": _(
                "Told to the commenter when a comment is refused (blocked) or held. Empty: nothing is said."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "standing_until" in self.fields:
            self.fields["standing_until"].help_text = _(
                "When the standing ends, in the admin's time zone (%(zone)s). Empty: until a moderator changes it."
            ) % {"zone": timezone.get_current_timezone_name()}

    def clean(self):
        cleaned = super().clean()
        standing = cleaned.get("standing")
        if standing and not cleaned.get("standing_reason", "").strip():
            self.add_error("standing_reason", _("Say why, for the other moderators."))
        until = cleaned.get("standing_until")
        changed = {"standing", "standing_until"} & set(self.changed_data)
        if standing and until is not None and changed and until <= timezone.now():
            self.add_error("standing_until", _("The end must be in the future."))
        return cleaned


class StandingFilter(admin.SimpleListFilter):
    title = _("standing")
    parameter_name = "standing"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in Commenter.Standing.choices if value] + [("none", _("None"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(standing="")
        if self.value() in Commenter.Standing.values:
            return queryset.filter(standing=self.value())
        return queryset


@admin.register(Commenter)
class CommenterAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """Commenters by e-mail address: their counts by status, their standing, and on each one's page
    their latest comments and the log of their standing. Saving the page is the action: trust,
    always hold or block (or none), with a reason and an end date, through `set_standing`."""

    form = StandingForm
    list_display = [
        "email",
        "latest_name",
        "approved_count",
        "pending_count",
        "spam_count",
        "removed_count",
        "standing_shown",
        "last_comment",
    ]
    list_filter = [StandingFilter]
    search_fields = ["email", "comments__author_name"]
    list_per_page = 50
    readonly_fields = ["email", "names", "record", "standing_log", "history"]
    fieldsets = [
        (None, {"fields": ["email", "names", "record"]}),
        (_("Standing"), {"fields": ["standing", "standing_until", "standing_reason", "public_reason", "standing_log"]}),
        (_("Latest comments"), {"fields": ["history"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        """Commenters with their counts by status, last comment and last name: one query (annotated
        before the admin orders by them)."""
        latest_name = Comment.objects.filter(commenter=OuterRef("pk")).order_by("-created_at", "-pk")
        commenters = Commenter.objects.with_counts().annotate(latest=Subquery(latest_name.values("author_name")[:1]))
        return commenters.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Most recently active first: an annotation, which the admin's static `ordering` may not name.
        return ["-last_comment_at", "email"]

    def get_search_results(self, request, queryset, search_term):
        """As the admin's; an address also finds its commenter however it is written (`Troll+x@EXAMPLE.org`)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:
            results |= queryset.filter(email=Commenter.key_for(search_term))
        return results, may_have_duplicates

    def has_add_permission(self, request):
        return False  # a commenter is an address that has commented

    def has_delete_permission(self, request, obj=None):
        return False  # the standing log points here and stays

    def get_urls(self):
        return [
            path(
                "<int:pk>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="comments_commenter_erase",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["may_erase"] = obj is not None and not obj.is_erased and may_erase(request)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def erase_view(self, request, pk):
        """GET: what erasing this commenter's data does, and a button. POST: erase it, logged with the
        moderator (comments.erasure), then back to the commenters."""
        if not may_erase(request):
            raise PermissionDenied
        commenter = get_object_or_404(Commenter, pk=pk)
        if commenter.is_erased:
            self.message_user(request, _("This commenter's data was erased already."), messages.INFO)
            return redirect(reverse("admin:comments_commenter_change", args=[commenter.pk]))
        if request.method == "POST":
            erase_commenters(self, request, [commenter.email])
            return redirect(reverse("admin:comments_commenter_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Erase this commenter's data?"),
            "commenters": erasable([commenter.email]),
            "back_url": reverse("admin:comments_commenter_change", args=[commenter.pk]),
        }
        return TemplateResponse(request, "admin/comments/erase_commenters.html", context)

    def save_model(self, request, obj, form, change):
        """The one way this page writes: `set_standing`, which logs the change."""
        set_standing(
            obj,
            obj.standing,
            actor=request.user,
            reason=obj.standing_reason.strip(),
            until=obj.standing_until if obj.standing else None,
            public_reason=obj.public_reason.strip(),
        )

    def queue_url(self, commenter, status=None):
        query = f"?commenter__id__exact={commenter.pk}" + (f"&status__exact={status}" if status else "")
        return reverse("admin:comments_comment_changelist") + query

    def count_link(self, commenter, status):
        count = getattr(commenter, f"{status}_count", 0)
        if not count:
            return 0
        return format_html('<a href="{}">{}</a>', self.queue_url(commenter, status), count)

    @admin.display(description=_("name last used"), ordering="latest")
    def latest_name(self, commenter):
        return format_html("<bdi>{}</bdi>", commenter.latest or "")

    @admin.display(description=_("approved"), ordering="approved_count")
    def approved_count(self, commenter):
        return self.count_link(commenter, Comment.Status.APPROVED)

    @admin.display(description=_("pending"), ordering="pending_count")
    def pending_count(self, commenter):
        return self.count_link(commenter, Comment.Status.PENDING)

    @admin.display(description=_("spam"), ordering="spam_count")
    def spam_count(self, commenter):
        return self.count_link(commenter, Comment.Status.SPAM)

    @admin.display(description=_("removed"), ordering="removed_count")
    def removed_count(self, commenter):
        return self.count_link(commenter, Comment.Status.REMOVED)

    @admin.display(description=_("last comment"), ordering="last_comment_at")
    def last_comment(self, commenter):
        return admin_time(commenter.last_comment_at) if commenter.last_comment_at else "–"

    @admin.display(description=_("standing"), ordering="standing")
    def standing_shown(self, commenter):
        """The standing, its end, and "ended" once the end has passed (the rules then ignore it)."""
        if not commenter.standing:
            return "–"
        label = commenter.get_standing_display()
        if commenter.standing_until is None:
            return label
        if commenter.standing_in_force(timezone.now()):
            return format_html("{} ({} {})", label, _("until"), admin_time(commenter.standing_until))
        return format_html("{} ({} {})", label, _("ended"), admin_time(commenter.standing_until))

    @admin.display(description=_("names used"))
    def names(self, commenter):
        used = commenter.comments.order_by("author_name").values_list("author_name", flat=True).distinct()[:20]
        return format_html_join(", ", "<bdi>{}</bdi>", ((name,) for name in used)) or "–"

    @admin.display(description=_("comments"))
    def record(self, commenter):
        """Counts by status, each linked to those comments in the queue."""
        parts = [
            (self.queue_url(commenter, status), getattr(commenter, f"{status}_count", 0), label)
            for status, label in Comment.Status.choices
        ]
        return format_html(
            '<ul class="commenter-record">{}<li><a href="{}">{}</a></li></ul>',
            format_html_join("", '<li><a href="{}">{} {}</a></li>', parts),
            self.queue_url(commenter),
            _("all in the queue"),
        )

    @admin.display(description=_("changes of standing"))
    def standing_log(self, commenter):
        """The append-only log of the standing, newest first: when, who, to what, until when, why, what was told."""
        changes = commenter.standing_changes.select_related("actor")
        rows = [
            (
                admin_time(change.created_at),
                change.actor.get_username() if change.actor else "–",
                change.get_standing_display(),
                admin_time(change.standing_until) if change.standing_until else "–",
                change.reason,
                change.public_reason or "–",
            )
            for change in changes
        ]
        if not rows:
            return _("No changes yet.")
        return table(
            [_("when"), _("by"), _("standing"), _("until"), _("reason"), _("told")],
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("latest comments"))
    def history(self, commenter):
        """The latest comments, newest first: when, story, status, rule, and the text, linked to the comment."""
        comments = commenter.comments.select_related("story").order_by("-created_at", "-pk")[:HISTORY_LENGTH]
        rows = [
            (
                admin_time(comment.created_at),
                Truncator(comment.story.headline).chars(50),
                comment.get_status_display(),
                comment.rule or "–",
                reverse("admin:comments_comment_change", args=[comment.pk]),
                Truncator(comment.text).chars(100),
            )
            for comment in comments
        ]
        if not rows:
            return _("No comments.")
        return table(
            [_("posted"), _("story"), _("status"), _("rule"), _("comment")],
            format_html_join(
                "",
                '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="user-text"><a href="{}">{}</a></td></tr>',
                rows,
            ),
        )


def may_erase(request):
    return request.user.has_perm("comments.erase_commenter_data")


def erasable(keys):
    """What the erase page lists for each address key: the key, its comments, whether it asked for
    reply notifications and whether its standing is kept (`comments.erasure`)."""
    rows = []
    for key in sorted(set(keys)):
        data = data_of_key(key)
        rows.append(
            {
                "key": key,
                "comments": data.comments().count(),
                "subscribed": data.subscriber is not None,
                "standing": data.commenter.get_standing_display() if data.commenter and data.commenter.standing else "",
            }
        )
    return rows


def erase_commenters(model_admin, request, keys):
    """Erase the data of each address key in `keys` at its owner's request, by `request.user`: each
    comment's moderation log names them; the admin's history gets one entry per commenter (the
    commenter, or what is left of it, without the address). Says how many in a message."""
    commenter_type = ContentType.objects.get_for_model(Commenter)
    erased = 0
    for key in sorted(set(keys)):
        commenter_id = Commenter.objects.filter(email=key).values_list("pk", flat=True).first()
        erasure = erase_address_data(key, actor=request.user)
        erased += erasure.comments
        if commenter_id is not None:
            LogEntry.objects.create(
                user=request.user,
                content_type=commenter_type,
                object_id=str(commenter_id),
                object_repr=str(_("Commenter erased at their request")),
                action_flag=CHANGE if erasure.commenter_kept else DELETION,
                change_message=str(_("Erased this commenter's data at their request.")),
            )
    commenters = ngettext(
        "Erased the data of %(count)d commenter.", "Erased the data of %(count)d commenters.", len(set(keys))
    ) % {"count": len(set(keys))}
    comments = ngettext(
        "%(count)d comment now says only that it was removed at its author’s request.",
        "%(count)d comments now say only that they were removed at their authors’ request.",
        erased,
    ) % {"count": erased}
    model_admin.message_user(request, f"{commenters} {comments}", messages.SUCCESS)


def table(headings, body):
    """A read-only table of the commenter's page: `headings` (str) and `body` (safe HTML rows)."""
    header = format_html_join("", '<th scope="col">{}</th>', ((heading,) for heading in headings))
    return format_html(
        '<table class="commenter-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', header, body
    )


class ListEntryForm(CleanTextModelForm):
    class Meta:
        model = ModerationListEntry
        fields = ["kind", "action", "value", "subdomains", "public_reason", "note"]
        widgets = {"kind": forms.RadioSelect, "action": forms.RadioSelect}


@admin.register(ModerationListEntry)
class ModerationListEntryAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """The block and hold lists: applied from the next post on, in every process (`comments.lists`)."""

    form = ListEntryForm
    list_display = ["value", "kind", "action", "subdomains", "public_reason", "note", "created_by", "updated_at"]
    list_filter = ["kind", "action"]
    search_fields = ["value", "note", "public_reason"]
    list_select_related = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SiteModeration)
class SiteModerationAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """The site-wide switch: one row, whose list is its page."""

    fields = ["premoderate_all", "changed_at"]
    readonly_fields = ["changed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        SiteModeration.objects.get_or_create(pk=SITE_ROW)
        return redirect(reverse("admin:comments_sitemoderation_change", args=[SITE_ROW]))
