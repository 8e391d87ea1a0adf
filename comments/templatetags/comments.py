"""`{% comment_section story %}`: the comment section of a story page, and its helpers."""

import re

from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import page_cache
from articles.languages import other_language
from articles.templatetags.stories import bdi
from articles.text import isolate_bidi
from comments.cookies import own_comment_ids, remembered_author
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import comments_are_open, comments_close_at
from comments.quiet_hours import closed_for_quiet_hours, next_quiet_hours_change, quiet_hours_message
from comments.threads import build_threads, thread_page

register = template.Library()
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
    request = context["request"]
    own_ids = own_comment_ids(request)
    page = thread_page(story, request.GET.get("cpage"), per_page=settings.COMMENTS_PER_PAGE, own_ids=own_ids)
    threads = build_threads(story, list(page.object_list), own_ids)
    form = context.get("comment_form") or CommentForm(story=story, initial=remembered_author(request))
    reply_to = replying_to(story, form, request)
    now = timezone.now()
    is_open = comments_are_open(story.comments_enabled, story.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS, now)
    # Staff may post at any hour (their comments need no moderator); readers wait for the staffed hours.
    user = getattr(request, "user", None)
    quiet = not (user and user.is_staff) and closed_for_quiet_hours(story.outlet.zone, now)
    # The section changes by the clock: the page cache keeps it until then only.
    if is_open:
        close_at = comments_close_at(story.comments_enabled, story.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS)
        page_cache.page_changes_at(request, close_at)
        page_cache.page_changes_at(request, next_quiet_hours_change(story.outlet.zone, now))
    if reply_to and not form.is_bound:
        form.initial["parent"] = reply_to.pk
    return {
        "story": story,
        "story_url": story.get_absolute_url(),
        "headline": story_headline(story),
        "count": approved_comment_count(story) if count is None else count,
        "threads": threads,
        "page": page,
        "form": form,
        "reply_to": reply_to,
        "is_open": is_open and not quiet,
        "closed_note": quiet_hours_message(story.outlet.zone) if is_open and quiet else "",
        "zone": story.outlet.zone,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def story_headline(story):
    """The story's headline in the page's language where it has one, marked with its language."""
    text = story.text_for(translation.get_language())
    return format_html('<span lang="{}">{}</span>', text.headline_language, text.headline)


def replying_to(story, form, request):
    """The approved comment a no-JavaScript reply answers: ?replytocom=<id>, or the posted parent."""
    raw = str(form.data.get("parent") if form.is_bound else request.GET.get("replytocom") or "")
    # ASCII digits only ("²".isdigit() is true), and no more than an id can hold.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    return Comment.objects.approved().filter(story=story, pk=int(raw)).only("id", "author_name").first()


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
