"""Which comment came from which WordPress or Disqus comment, in admin, read only (as
`articles.import_admin` shows the import's sites, posts and old addresses). Registered by
`comments.admin`.

Editors see them (the view permission); the imports write them. Search takes the old site's
comment id, a name, or a link: the old address or our page of the story the comment is on
(`articles.import_admin.linked_story_ids`), or, for Disqus, the thread's id or link.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.import_admin import ImportRecordAdmin, story_link

from .models import ImportedComment, ImportedDisqusComment


class ImportedCommentRecordAdmin(ImportRecordAdmin):
    """What both kinds of record show: the comment (linking to its admin page), its story, its status."""

    story_lookup = "comment__story"
    list_select_related = ["comment__story"]

    @admin.display(description=_("comment"))
    def comment_link(self, record):
        comment = record.comment
        if comment is None:
            return _("deleted here")
        url = reverse("admin:comments_comment_change", args=[comment.pk])
        return format_html('<a href="{}">{}: {}</a>', url, comment.author_name, Truncator(comment.text).chars(60))

    @admin.display(description=_("story"))
    def story_admin_link(self, record):
        return story_link(record.comment.story if record.comment else None)

    @admin.display(description=_("status"))
    def comment_status(self, record):
        return record.comment.get_status_display() if record.comment else "—"


@admin.register(ImportedComment)
class ImportedCommentAdmin(ImportedCommentRecordAdmin):
    list_display = ["wordpress_id", "site", "comment_link", "story_admin_link", "comment_status"]
    list_filter = ["site"]
    list_select_related = ["site", "comment__story"]
    search_fields = ["=wordpress_id", "comment__author_name"]
    fields = ["site", "wordpress_id", "comment_link", "story_admin_link", "comment_status"]
    readonly_fields = ["comment_link", "story_admin_link", "comment_status"]


@admin.register(ImportedDisqusComment)
class ImportedDisqusCommentAdmin(ImportedCommentRecordAdmin):
    list_display = ["disqus_id", "thread_id", "thread_link", "comment_link", "story_admin_link", "comment_status"]
    list_filter = ["forum"]
    search_fields = ["=disqus_id", "=thread_id", "thread_link", "comment__author_name"]
    fields = [
        "disqus_id",
        "forum",
        "thread_id",
        "thread_link",
        "comment_link",
        "story_admin_link",
        "comment_status",
        "imported_at",
    ]
    readonly_fields = ["comment_link", "story_admin_link", "comment_status"]
