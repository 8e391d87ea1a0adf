"""A comment that could not be stored goes back to its writer, with their text.

Every failure on the way of a comment post (the database down or read-only, the
SQLite file gone, the CSRF check, a body over the size limit) ends here: the story
page with the bound form and a message at the top when the story can still be
read, else the failure's own page carrying a form with the visitor's fields that
posts to the same address. On the story page the message is the first line of the form's own
error summary, which the page focuses: the reader lands at the form (some 3,000 px down a long
story), not at a banner at the top.
"""

import logging
from urllib.parse import parse_qsl

from django.db import DatabaseError
from django.forms.utils import ErrorDict
from django.http import QueryDict

from .outages import is_database_outage, render_plain, resolve_in_its_language

logger = logging.getLogger(__name__)

COMMENT_POST = "comments:post"


def comment_post_slug(request):
    """The story's slug when the request posts a comment, else None."""
    if request.method != "POST":
        return None
    match = resolve_in_its_language(request)
    if match is None or match.view_name != COMMENT_POST:
        return None
    return match.kwargs.get("slug")


def give_comment_back(request, slug, data, *, status, message, fallback_template, read_story=True):
    """The story page with the comment form bound to `data` (a QueryDict) and `message`, at `status`.

    `message` is a non-field error of the form, so it heads the focused error summary above the
    form (templates/comments/_form.html), with any other error the kept fields have.

    When the story cannot be read (a database outage, or `read_story` False), `fallback_template`
    rendered from plain values with `kept_form` (the bound form) instead. Returns an HttpResponse.
    """
    from articles.models import Story
    from comments.forms import CommentForm
    from comments.views import story_page_with_form

    try:
        story = Story.objects.published().for_page().filter(slug=slug).first() if read_story else None
        if story is not None:
            form = CommentForm(data, story=story)
            form.add_error(None, message)
            return story_page_with_form(request, story, form, status=status)
    except DatabaseError as error:
        if not is_database_outage(error):
            raise
        logger.warning("Story %s unreadable while giving a comment back: %s", slug, error)
    kept_form = CommentForm(data, story=None)
    # Shown, not judged: checking the form needs its story, which could not be read.
    kept_form._errors = ErrorDict()
    return render_plain(request, fallback_template, {"kept_form": kept_form, "kept_message": message}, status=status)


def fields_from_body_start(raw, *, text_max_length):
    """The form fields readable in the first bytes of an urlencoded body (bytes) → (QueryDict, cut).

    The last field may be cut in the middle; it is kept only when it is the comment text (with
    `cut` True), cut to `text_max_length` characters like any text over the form's limit.
    """
    body = raw.decode("utf-8", "replace")
    complete, _, last = body.rpartition("&")
    pairs = parse_qsl(complete, keep_blank_values=True) if complete else []
    cut = False
    if last.startswith("text="):
        pairs.append(("text", parse_qsl(last, keep_blank_values=True)[0][1] if "=" in last else ""))
        cut = True
    data = QueryDict(mutable=True)
    for key, value in pairs:
        if key == "text" and len(value) > text_max_length:
            value, cut = value[:text_max_length], True
        data.appendlist(key, value)
    return data, cut
