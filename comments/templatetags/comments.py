"""`{% comment_section story %}`: the comment section of a story page, and its helpers."""

import re
from types import SimpleNamespace
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import page_cache
from articles.languages import other_language
from articles.page_cache import MOST_COMMENT_PAGES as MOST_CACHED_PAGES
from articles.templatetags.stories import bdi
from articles.text import isolate_bidi
from comments.cookies import edit_secrets, own_comment_ids, remembered_author
from comments.editing import mark_editable
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import comments_are_open, comments_close_at
from comments.quiet_hours import closed_for_quiet_hours, next_quiet_hours_change, quiet_hours_message
from comments.threads import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    ORDER_PARAMETER,
    build_threads,
    comment_order,
    editors_picks,
    thread_page,
)

register = template.Library()
THREADS_TEMPLATE = "comments/_threads.html"
register.filter("other_language", other_language)
# A name inside a plain-text sentence (an e-mail): FSI … PDI, the text form of <bdi>.
register.filter("isolate_bidi", isolate_bidi)
register.filter("bdi", bdi)

BARE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\"”’»"
LINE_BREAK = mark_safe("<br>")  # a constant, not user text


@register.simple_tag
def approved_comment_count(story):
    """For the story page: counted once, given to the section and to the story's metadata (commentCount)."""
    return Comment.objects.filter(story=story).approved().count()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, story, count=None):
    """The comment section of `story`'s page: its heading, the threads of the page asked for
    (`?cpage=`, in the order of `?comments=`), the editor's picks, and the form.

    The threads' HTML is the costliest part of a story page (about 30 ms of 45 for 45 comments,
    `bench/profile_story.py`) and is the same for every reader without comments of their own on it:
    `shared_threads` renders it once per story version, comment page, order, language and open
    state, and keeps it in the cache. A reader with held comments or comments to edit (cookies),
    and staff, get theirs rendered for them.
    """
    request = context["request"]
    own_ids = own_comment_ids(request)
    order = comment_order(request.GET.get(ORDER_PARAMETER))
    # Staff may post at any hour (their comments need no moderator); readers wait for the staffed hours.
    user = getattr(request, "user", None)
    count = approved_comment_count(story) if count is None else count
    now = timezone.now()
    is_open = comments_are_open(story.comments_enabled, story.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS, now)
    quiet = not (user and user.is_staff) and closed_for_quiet_hours(story.outlet.zone, now)
    # The section changes by the clock: the page cache keeps it until then only.
    if is_open:
        close_at = comments_close_at(story.comments_enabled, story.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS)
        page_cache.page_changes_at(request, close_at)
        page_cache.page_changes_at(request, next_quiet_hours_change(story.outlet.zone, now))
    secrets = edit_secrets(request)
    personal = bool(own_ids or secrets or (user and user.is_staff))
    threads_context = {
        "story": story,
        "story_url": story.get_absolute_url(),
        "order": order,
        "is_open": is_open and not quiet,
        "zone": story.outlet.zone,
    }
    key = None if personal else shared_threads_key(story, request.GET.get("cpage"), order, threads_context["is_open"])
    shared = cache.get(key) if key else None
    if shared is None:
        page = thread_page(
            story, request.GET.get("cpage"), per_page=settings.COMMENTS_PER_PAGE, own_ids=own_ids, order=order
        )
        threads = build_threads(story, list(page.object_list), own_ids)
        mark_editable(threads, secrets=secrets, user=user)
        # Picks are approved comments: without any, no query for them.
        picks = editors_picks(story, order) if count else []
        on_this_page = set(page.object_list)
        picks = [(node, pick_link(node.comment, on_this_page, order)) for node in picks]
        html = render_to_string(THREADS_TEMPLATE, {**threads_context, "threads": threads, "picks": picks, "page": page})
        shared = {"html": html, "page_number": page.number}
        if key:
            cache.set(key, shared, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    form = context.get("comment_form") or CommentForm(story=story, initial=remembered_author(request))
    reply_to = replying_to(story, form, request)
    if reply_to and not form.is_bound:
        form.initial["parent"] = reply_to.pk
    return {
        **threads_context,
        "headline": story_headline(story),
        "count": count,
        # The output of our own template (THREADS_TEMPLATE), where every user text was escaped.
        "threads_html": mark_safe(shared["html"]),
        "page": SimpleNamespace(number=shared["page_number"]),
        "form": form,
        "reply_to": reply_to,
        "closed_note": quiet_hours_message(story.outlet.zone) if is_open and quiet else "",
        "csrf_token": context.get("csrf_token"),
    }


def shared_threads_key(story, raw_page, order, is_open):
    """The cache key of the threads' HTML that every reader without comments of their own sees, or
    None when that page is not kept. `story` (its `page_version` moves with every change of it or
    of its comments, so a key never outlives what it shows), `raw_page` (the `cpage` value, str or
    None; only pages 1 to MOST_CACHED_PAGES are kept: no address can grow the cache), `order`
    (OLDEST_FIRST or NEWEST_FIRST), `is_open` (bool); the language is the active one's."""
    if not settings.NEWSROOM_PAGE_CACHE_SECONDS:
        return None
    raw = raw_page or "1"
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MOST_CACHED_PAGES):
        return None
    language = translation.get_language()
    return f"comment-threads:{story.pk}:{story.page_version}:{int(raw)}:{order}:{language}:{int(is_open)}"


def pick_link(comment, thread_ids, order):
    """Where an editor's pick leads: to the comment in its thread, `#comment-<id>` when its thread is
    among `thread_ids` (the threads of this page), else its permalink, in the reader's `order`."""
    if comment.thread_id in thread_ids:
        return f"#{comment.anchor}"
    query = f"?{urlencode({ORDER_PARAMETER: NEWEST_FIRST})}" if order == NEWEST_FIRST else ""
    return f"{comment.get_absolute_url()}{query}"


@register.simple_tag
def comments_url(story_url, page_number=1, order=OLDEST_FIRST, fragment="comments", replytocom=None):
    """The address of a comment page of the story at `story_url`: `?replytocom=` (a comment id, for
    the reply form), `?cpage=` (after the first page) and `?comments=newest` (not for the default
    order) as needed, then `#fragment`. Escaped by the template (`&amp;`), as a simple tag's output is."""
    query = {}
    if replytocom:
        query["replytocom"] = replytocom
    if page_number and int(page_number) > 1:
        query["cpage"] = page_number
    if order == NEWEST_FIRST:
        query[ORDER_PARAMETER] = NEWEST_FIRST
    return f"{story_url}{'?' if query else ''}{urlencode(query)}#{fragment}"


@register.filter
def story_headline(story):
    """The story's headline in the page's language where it has one, marked with its language."""
    text = story.text_for(translation.get_language())
    return format_html('<span lang="{}">{}</span>', text.headline_language, text.headline)


def replying_to(story, form, request):
    """The approved comment a no-JavaScript reply answers: ?replytocom=<id>, or the posted parent.
    None for an erased comment: no one replies to it any more."""
    raw = str(form.data.get("parent") if form.is_bound else request.GET.get("replytocom") or "")
    # ASCII digits only ("²".isdigit() is true), and no more than an id can hold.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    return (
        Comment.objects.approved()
        .filter(story=story, pk=int(raw), erased_at__isnull=True)
        .only("id", "author_name")
        .first()
    )


@register.filter
def comment_text(text):
    """Plain text as HTML: escaped, paragraphs and line breaks kept, http(s) URLs linked."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    return format_html_join("\n", "<p>{}</p>", ((join_lines(paragraph.split("\n")),) for paragraph in paragraphs))


def join_lines(lines):
    """Lines joined with <br>; each line escaped by format_html_join, its links built by format_html."""
    return format_html_join(
        "", "{}{}", ((linkify(line), LINE_BREAK if more else "") for more, line in flag_last(lines))
    )


def flag_last(items):
    return [(index < len(items) - 1, item) for index, item in enumerate(items)]


def linkify(line):
    pieces = []
    position = 0
    for match in BARE_URL.finditer(line):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        pieces.append(line[position : match.start()])
        pieces.append(format_html('<a href="{}" rel="nofollow ugc">{}</a>', url, url))
        position = match.start() + len(url)
    pieces.append(line[position:])
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@register.filter
def time_in_zone(value, zone):
    """`<time>` for a moment, written in the given zone (the story's outlet's)."""
    local = timezone.localtime(value, zone)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        f"{local:%Y-%m-%d, %H:%M} {local.tzname()}",
    )


@register.inclusion_tag("admin/comments/_pending_notice.html", takes_context=True)
def pending_comments_notice(context):
    """On the admin index: how many comments wait, for those who may see them."""
    user = context["request"].user
    if not user.has_perm("comments.view_comment"):
        return {"count": None}
    return {"count": Comment.objects.filter(status=Comment.Status.PENDING).count()}
