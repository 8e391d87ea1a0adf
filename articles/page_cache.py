"""A cache of whole story pages for readers without cookies of their own.

Most readers arrive without a session or comment cookies: they all get the same
page, but for two hidden form values that must be fresh per request (the CSRF
token, the comment form's signed time). Those are cut out of the stored HTML and
filled in on each hit. A hit costs one small query, the story's `page_version`,
which every change to what the page shows increases (in the same transaction as
the change), so a stale page is never served, whatever process cached it.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

# Cookies that make a page personal: the session (staff, messages), and those of other apps.
PERSONAL_COOKIES = {"sessionid", "messages"}
CACHEABLE_PARAMETERS = {"cpage"}
HOLE = "\x00fresh:{}\x00"

# name of a hidden input -> function(request, story_id) giving its value for this request
_fresh_values = {"csrfmiddlewaretoken": lambda request, story_id: get_token(request)}


def register_fresh_value(input_name, producer, *, personal_cookies=()):
    """Let another app keep a per-request hidden input, and name cookies that bypass the cache."""
    _fresh_values[input_name] = producer
    PERSONAL_COOKIES.update(personal_cookies)


def can_use_cache(request):
    if not settings.NEWSROOM_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    if PERSONAL_COOKIES.intersection(request.COOKIES) or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return set(request.GET).issubset(CACHEABLE_PARAMETERS)


def cache_key(story_id, version, request):
    page = request.GET.get("cpage", "")
    language = getattr(request, "LANGUAGE_CODE", "")
    # The page carries absolute URLs (canonical, og:url, JSON-LD): one copy per scheme and host.
    origin = f"{request.scheme}://{request.get_host()}"
    return f"story-page:{story_id}:{version}:{page}:{language}:{origin}"


def input_pattern(name):
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")([^"]*)(")')


def store(key, response):
    """Keep the rendered page as text pieces and the names of the values between them."""
    html = response.content.decode(response.charset)
    for name in _fresh_values:
        html = input_pattern(name).sub(lambda match, name=name: match[1] + HOLE.format(name) + match[3], html)
    pieces = html.split("\x00")  # text, "fresh:name", text, "fresh:name", text...
    cache.set(key, pieces, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])


def fill(pieces, request, story_id):
    """The page for this request: the stored text with this request's values put in."""
    parts = list(pieces)
    for index in range(1, len(parts), 2):
        parts[index] = _fresh_values[parts[index].removeprefix("fresh:")](request, story_id)
    return "".join(parts)


def load(key):
    return cache.get(key)


def published_version(slug):
    """(id, page_version) of the published story at this slug, or None.

    The one query of a cache hit, written out: the ORM takes longer to build it
    than SQLite takes to answer it. Parameters are bound, never formatted in.
    """
    from .models import Story

    sql = (
        f"SELECT id, page_version FROM {connection.ops.quote_name(Story._meta.db_table)} "
        "WHERE slug = %s AND status = %s AND published_at <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, Story.Status.PUBLISHED.value, timezone.now()])
        return cursor.fetchone()
