"""What the WordPress import remembers, in admin, read only: the sites imported, which story each
post became, and the old addresses and what they lead to. Registered by `articles.admin`.

Editors see them (the view permission, given to the Editors group by a data migration); nobody adds,
changes or deletes them here: `import_wordpress` writes them, and a re-run rewrites them. Search
takes a WordPress id, or a link: an old address, whole ("https://harbour.example/?p=10") or in part
("harbour-culture-week"), or our own story page (`linked_story_ids`). The comments app shows its own
records the same way (`comments.import_admin`).
"""

from urllib.parse import unquote

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .admin import CleanTextAdminMixin
from .old_addresses import story_at_address, target_of
from .wordpress.records import ImportedPost, ImportedSite, OldAddress

# At most this many stories found by a part of an address, for one search.
LINKED_STORIES = 500
LINE_BREAK = mark_safe("<br>")  # noqa: S308 - a constant


def linked_story_ids(term):
    """The ids (a set) of the stories an address `term` (str) leads to: the story of a whole address
    (`story_at_address`: an old one, or one of our story pages) and those with an old address
    containing it. Two or three queries; none for an empty term."""
    term = term.strip()
    if not term:
        return set()
    ids = set(
        OldAddress.objects.filter(path__icontains=unquote(term), story__isnull=False).values_list(
            "story_id", flat=True
        )[:LINKED_STORIES]
    )
    if "/" in term or "?" in term:
        # An address pasted without its scheme ("harbour.example/?p=10") names its host all the same.
        has_host_or_root = term.startswith(("/", "?")) or "://" in term
        story = story_at_address(term if has_host_or_root else f"//{term}")
        if story is not None:
            ids.add(story.pk)
    return ids


def story_link(story):
    """The story's headline linking to its admin page (HTML), or "—" without a story."""
    if story is None:
        return "—"
    url = reverse("admin:articles_story_change", args=[story.pk])
    return format_html('<a href="{}">{}</a>', url, Truncator(story.headline).chars(60))


class ImportRecordAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """An import's records: shown, searchable, never added, changed or deleted here.

    `story_lookup` names the story of a record in queries ("story", "comment__story"; None for a
    record without one): a search for a link finds the records of the stories it leads to, beside
    Django's own search fields."""

    story_lookup = "story"
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Never deleted from here (no delete page, no bulk action); but deleting a story takes its
        records along (its old addresses), and Django asks this admin about each of them on the
        story's delete page: yes, for whoever may delete stories."""
        return obj is not None and request.user.has_perm("articles.delete_story")

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})

    def exact_id_fields(self):
        """The search fields matched exactly (`=wordpress_id`): the record's ids."""
        return [field[1:] for field in self.search_fields if field.startswith("=")]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        id_fields = self.exact_id_fields()
        if id_fields and term.isascii() and term.isdigit() and len(term) <= 18:
            # A number is an id: "6" finds record 6, not every name or address with a 6 in it.
            matches = Q()
            for field in id_fields:
                matches |= Q(**{field: int(term)})
            return queryset.filter(matches), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        ids = linked_story_ids(search_term) if self.story_lookup else set()
        if ids:
            results = results | queryset.filter(**{f"{self.story_lookup}__in": ids})
        return results, may_have_duplicates


@admin.register(ImportedSite)
class ImportedSiteAdmin(ImportRecordAdmin):
    list_display = ["address", "title", "outlet", "language", "post_count", "first_imported_at", "last_imported_at"]
    list_select_related = ["outlet"]
    search_fields = ["address", "title"]
    fields = ["address", "title", "outlet", "language", "first_imported_at", "last_imported_at"]
    story_lookup = None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, site):
        return site.post_count


@admin.register(ImportedPost)
class ImportedPostAdmin(ImportRecordAdmin):
    list_display = ["wordpress_id", "site", "story_admin_link", "story_status", "imported_at"]
    list_filter = ["site"]
    list_select_related = ["site", "story"]
    search_fields = ["=wordpress_id", "story__headline", "story__headline_ko", "story__slug"]
    fields = ["site", "wordpress_id", "story_admin_link", "story_page", "imported_at", "addresses"]
    readonly_fields = ["story_admin_link", "story_page", "addresses"]

    @admin.display(description=_("story"), ordering="story__headline")
    def story_admin_link(self, post):
        return story_link(post.story)

    @admin.display(description=_("status"))
    def story_status(self, post):
        return post.story.get_status_display() if post.story else _("deleted here")

    @admin.display(description=_("story page"))
    def story_page(self, post):
        if post.story is None:
            return "—"
        url = post.story.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("old addresses"))
    def addresses(self, post):
        """The post's old addresses (its page, shortlink, date shapes and comment feeds): one query."""
        if post.story is None:
            return "—"
        rows = OldAddress.objects.filter(story=post.story).values_list("path", "kind")
        kinds = dict(OldAddress.Kind.choices)
        # The pages first, then the feeds.
        lines = ((path, kinds[kind]) for path, kind in sorted(rows, key=lambda row: (row[1] != "page", row[0])))
        return format_html_join(LINE_BREAK, "<code>{}</code> ({})", lines)


@admin.register(OldAddress)
class OldAddressAdmin(ImportRecordAdmin):
    list_display = ["path", "kind", "language", "leads_to", "site"]
    list_filter = ["kind", "language", "site"]
    list_select_related = ["site", "story", "section", "hashtag"]
    search_fields = ["path"]
    fields = ["path", "kind", "language", "site", "leads_to", "redirect"]
    readonly_fields = ["leads_to", "redirect"]

    def get_search_results(self, request, queryset, search_term):
        # Searched as a path (the address as browsers send it is percent-encoded) and as a link.
        return super().get_search_results(request, queryset, unquote(search_term))

    @admin.display(description=_("leads to"))
    def leads_to(self, address):
        if address.story_id:
            return story_link(address.story)
        if address.section_id:
            return format_html("{} “{}”", _("section"), address.section.name)
        if address.hashtag_id:
            return format_html("#{}", address.hashtag.name)
        nothing = {OldAddress.Kind.FEED: _("the site's feed"), OldAddress.Kind.SEARCH: _("the search")}
        return nothing.get(address.kind, _("the front page"))

    @admin.display(description=_("redirects to"))
    def redirect(self, address):
        """Where a request for the address goes now (HTML), or why nowhere."""
        target = target_of(address)
        if target is None:
            return _("nowhere yet: the story is not public")
        return format_html('<a href="{}">{}</a>', target, target)
