"""A cache of whole story pages for readers without cookies of their own.

Most readers arrive without a session or comment cookies: they all get the same
page, but for two hidden form values that must be fresh per request (the CSRF
token, the comment form's signed time). Those are cut out of the stored HTML and
filled in on each hit. A hit costs one small query, the story's `page_version`,
which every change to what the page shows increases (in the same transaction as
the change), so a stale page is never served, whatever process cached it.

The key holds what the address asks for: the comment page (`?cpage=`, up to MOST_CACHED_PAGES) and
the values of the parameters other apps register (`register_query_parameter`: the order of the
comments, `?comments=newest`), so one order is never served for the other.

Two bounds: pages are cached only for a request whose origin (scheme and Host)
is the site's own (`SITE_URL`) or one of the allowed host names, so a crafted
Host header cannot grow the cache; and each page's newest copy is also kept
under a "latest" key, served when the database cannot be asked for the version
(an outage: readers still read, see README "When things fail").
"""

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import urlsplit

# Cookies that make a page personal: the session (staff, messages), and those of other apps.
PERSONAL_COOKIES = {"sessionid", "messages"}
CACHEABLE_PARAMETERS = {"cpage"}
HOLE = "\x00fresh:{}\x00"

# Comment pages cached per story: beyond these, pages are rendered (no cache filling by URL games).
MOST_CACHED_PAGES = 50

# name of a hidden input -> function(request, story_id) giving its value for this request
_fresh_values = {"csrfmiddlewaretoken": lambda request, story_id: get_token(request)}
# functions(StoryRow) -> str: what else the page depends on (e.g. whether comments are open)
_key_parts = []
# name of a query parameter -> function(raw value: str or None) giving what the key holds for it
_query_parameters = {}


@dataclass(frozen=True)
class StoryRow:
    id: int
    page_version: int
    published_at: dt.datetime
    comments_enabled: bool


def register_fresh_value(input_name, producer, *, personal_cookies=()):
    """Let another app keep a per-request hidden input, and name cookies that bypass the cache."""
    _fresh_values[input_name] = producer
    PERSONAL_COOKIES.update(personal_cookies)


def register_key_part(function):
    """Let another app add to the key what changes the page with time, not with a write."""
    _key_parts.append(function)


def register_query_parameter(name, normalise, values):
    """Let another app make pages with the query parameter `name` cacheable, keyed on its value.

    `normalise(raw)` (raw: the str in the query, or None without it) returns the str the key holds,
    one of `values` (an iterable of str): a small fixed set, so that no address can grow the cache
    (every value the page treats alike, an unknown one included, must normalise to the same str),
    and one that `forget_outage_copies` can walk. Used for `?comments=newest`.
    """
    _query_parameters[name] = (normalise, tuple(values))


def can_use_cache(request):
    if not settings.NEWSROOM_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    if PERSONAL_COOKIES.intersection(request.COOKIES) or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    cacheable = CACHEABLE_PARAMETERS.union(_query_parameters)
    if not set(request.GET).issubset(cacheable) or comment_page(request) is None:
        return False
    return cache_origin(request) is not None


def cacheable_origins():
    """The origins pages are cached for: SITE_URL's, and http/https of each exact allowed host.

    A bounded set (1 + 2 × the allowed host names; wildcard entries add none), where the
    raw Host header is not: every `Host: 127.0.0.1:<port>` passes ALLOWED_HOSTS.
    """
    site = urlsplit(settings.SITE_URL)
    origins = {f"{site.scheme}://{site.netloc}"}
    for host in settings.ALLOWED_HOSTS:
        if host != "*" and not host.startswith("."):
            origins.update({f"http://{host}", f"https://{host}"})
    return origins


def cache_origin(request):
    """`scheme://host[:port]` of the request when it is a cacheable origin, else None."""
    # Scheme and host are in the key: the page carries absolute URLs (canonical, alternates, og:url, JSON-LD).
    origin = f"{request.scheme}://{request.get_host()}"
    return origin if origin in cacheable_origins() else None


def comment_page(request):
    """The comment page number asked for, if it is one the cache keeps."""
    raw = request.GET.get("cpage", "1")
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MOST_CACHED_PAGES:
        return int(raw)
    return None


def query_values(request):
    """The registered query parameters as the key holds them: "name=value,…", in name order."""
    return ",".join(f"{name}={_query_parameters[name][0](request.GET.get(name))}" for name in sorted(_query_parameters))


def cache_key(row, request):
    extra = ":".join(part(row) for part in _key_parts)
    language = getattr(request, "LANGUAGE_CODE", "")
    page = f"{comment_page(request)}:{query_values(request)}"
    return f"story-page:{cache_origin(request)}:{row.id}:{row.page_version}:{page}:{language}:{extra}"


def latest_key(slug, request):
    """The key of the newest copy of this page, whatever its version: read only in an outage."""
    language = getattr(request, "LANGUAGE_CODE", "")
    page = f"{comment_page(request)}:{query_values(request)}"
    return outage_copy_key(cache_origin(request), slug, page, language)


def outage_copy_key(origin, slug, page, language):
    """`page`: the comment page and the registered query values, as `latest_key` joins them."""
    return f"story-page-latest:{origin}:{slug}:{page}:{language}"


def every_query_value():
    """Each "name=value,…" that `query_values` can give: every combination of the registered values."""
    names = sorted(_query_parameters)
    combinations = itertools.product(*(_query_parameters[name][1] for name in names))
    return [",".join(f"{name}={value}" for name, value in zip(names, values, strict=True)) for values in combinations]


def forget_outage_copies(slugs):
    """Delete the newest copies kept for an outage of every page of the stories `slugs` (str), for
    each cacheable origin, comment page, registered query value and language: what they show was
    erased (a moving `page_version` retires the other copies, but these are served without asking it)."""
    keys = [
        outage_copy_key(origin, slug, f"{page}:{values}", language)
        for slug in slugs
        for origin in cacheable_origins()
        for page in range(1, MOST_CACHED_PAGES + 1)
        for values in every_query_value()
        for language, _name in settings.LANGUAGES
    ]
    if keys:
        cache.delete_many(keys)


def input_pattern(name):
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")([^"]*)(")')


def store(key, response, *, latest=None, story_id=None):
    """Keep the rendered page as text pieces and the names of the values between them.

    With `latest` (a `latest_key`), the same pieces and the story's id are kept there for
    NEWSROOM_OUTAGE_PAGE_SECONDS, for `load_latest` to serve while the database is down.
    """
    html = response.content.decode(response.charset)
    for name in _fresh_values:
        html = input_pattern(name).sub(lambda match, name=name: match[1] + HOLE.format(name) + match[3], html)
    pieces = html.split("\x00")  # text, "fresh:name", text, "fresh:name", text...
    cache.set(key, pieces, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    if latest is not None:
        cache.set(latest, (story_id, pieces), settings.NEWSROOM_OUTAGE_PAGE_SECONDS)
    patch_vary_headers(response, ["Cookie"])


def fill(pieces, request, story_id):
    """The page for this request: the stored text with this request's values put in."""
    parts = list(pieces)
    for index in range(1, len(parts), 2):
        parts[index] = _fresh_values[parts[index].removeprefix("fresh:")](request, story_id)
    return "".join(parts)


def load(key):
    return cache.get(key)


def load_latest(key):
    """(story id, pieces) of the newest copy kept under a `latest_key`, or None."""
    return cache.get(key)


def published_version(slug):
    """The StoryRow of the published story at this slug, or None.

    The one query of a cache hit, written out: the ORM takes longer to build it
    than SQLite takes to answer it. Parameters are bound, never formatted in.
    """
    from .models import Story

    sql = (
        "SELECT id, page_version, published_at, comments_enabled "
        f"FROM {connection.ops.quote_name(Story._meta.db_table)} "
        "WHERE slug = %s AND status = %s AND published_at <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, Story.Status.PUBLISHED.value, timezone.now()])
        row = cursor.fetchone()
    if row is None:
        return None
    return StoryRow(row[0], row[1], as_aware(row[2]), bool(row[3]))


def as_aware(value):
    """A raw datetime column: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value
