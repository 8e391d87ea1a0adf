"""The page cache: whole reader pages kept for visitors without personal cookies, and the HTTP headers
that let browsers and a shared proxy keep them too (README "Caching").

`PageCacheMiddleware` decides, keys, stores and serves, in one place, ahead of the session, auth
and messages layers: a hit reads neither a session nor a user and resolves no view. Which pages
it keeps is `PAGES` (URL name → kind, allowed query parameters); what it keys them by:

- the origin (scheme and host: pages carry absolute URLs), only the site's own and the allowed
  host names' (`cacheable_origins`), so a crafted Host header cannot fill the cache;
- the language of the path (`/en/`, `/ko/`; none for the sitemaps at the root), the path, and the
  page's own query parameters, validated (`?cpage=2`, `?page=3`, `?q=…`, a sitemap file's `?p=2`);
  tracking parameters (`utm_*`, `fbclid`…) are dropped before the page is rendered, any other one is
  rendered and never kept (`?replytocom=` shows a reply form);
- a version, read with one query on every hit: a story page's `Story.page_version`, any other
  page's `ListingsVersion` token. Both move in the transaction of every write that changes what
  a page shows (`StoryQuerySet.update`, `bump_page_version`, `Comment.save`, articles.receivers),
  so a stale page is never served, whatever process stored it;
- the configuration pages depend on (`configuration_key`): a restart with other comment hours
  or page sizes does not serve pages made under the old ones.

What changes with the clock, not with a write, is told by whoever renders it (`page_changes_at`):
the next scheduled story (every page could list it), a front-page pin's end, a comment section
closing after its days or for the night. The copy is served until then only, and the headers'
ages never reach past it. Search pages are kept `SEARCH_SECONDS`.

Each URL has one entry, (version, StoredPage), kept for NEWSROOM_OUTAGE_PAGE_SECONDS: a hit when
its version is the current one and it is younger than NEWSROOM_PAGE_CACHE_SECONDS, and the copy
served when the database cannot be asked for the version (an outage, README "When things fail").

The HTTP side (`public_headers`): `Cache-Control: public, max-age, s-maxage, stale-while-revalidate`,
a strong ETag (a hash of the bytes), Last-Modified (when these bytes were first rendered),
`Vary: Cookie`, 304 answers to If-None-Match / If-Modified-Since, and `X-Newsroom-Stories`, the
ids of the stories the page shows (plus `listings` on every page but a story's), for a proxy to
ban by story. Every other response that says nothing of caching is `private, no-cache`
(`no-store` for a POST's answer): pages with personal content are never shared.
"""

import datetime as dt
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.signals import setting_changed
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, urlsplit
from django.utils.translation import get_language_from_path

from resilience.outages import RETRY_AFTER_SECONDS, is_database_outage, log_outage, outage_page, resolve_in_its_language

from . import purge
from .models import ListingsVersion, Story
from .search import MAX_QUERY_LENGTH

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD"}
# Cookies that make a page personal: the session (staff, messages kept in it), the messages, and every
# cookie of ours (`newsroom_…`: a commenter's own comments, a saved name). Any other (csrftoken, a
# statistics cookie) changes nothing on a page; a proxy in front may strip those (README "Caching").
PERSONAL_COOKIE_PREFIX = "newsroom_"
STORY = "story"
# Part of every key: a new StoredPage layout must not read entries another deploy left in Redis.
ENTRY_FORMAT = "1"
# Parameters that only say where a reader came from: dropped, the page is the same.
TRACKING_PARAMETER = re.compile(r"utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga")
STORIES_HEADER = "X-Newsroom-Stories"
LISTINGS = "listings"
SEARCH_SECONDS = 60
# Comment pages cached per story, listing pages per listing: beyond these, pages are rendered.
MOST_COMMENT_PAGES = 50
MOST_LISTING_PAGES = 500
# Sitemap files cached per section (`?p=`): 400 files of 5,000 addresses (articles.sitemaps.SITEMAP_LIMIT)
# hold a million stories in both languages.
MOST_SITEMAP_PAGES = 400
# The orders of a story's comments a reader may ask for (`?comments=`).
COMMENT_ORDERS = ("oldest", "newest")
# Headers of a rendered page that are the cache's to set on each answer.
OWN_HEADERS = {"cache-control", "content-length", "etag", "expires", "last-modified", "vary", STORIES_HEADER.lower()}


def page_number(most):
    """A validator of `?page=`-like values: 1 to `most`, written without leading zeros."""
    return lambda value: value.isascii() and value.isdigit() and value == str(int(value)) and 1 <= int(value) <= most


def one_of(*values):
    return lambda value: value in values


def search_text(value):
    # As long as a search may be; a longer one is rendered (cut) but not kept.
    return 0 < len(value) <= MAX_QUERY_LENGTH


@dataclass(frozen=True)
class PageType:
    """What the page cache knows of a kind of page: `kind` STORY (keyed by the story's page
    version, its slug from the URL) or LISTINGS (the listings version); the query parameters it is
    kept for, each with its validator; how long it is kept at most (None: NEWSROOM_PAGE_CACHE_SECONDS);
    `language_neutral` when the page is the same whatever the visitor's language (the sitemaps, at
    the root, list both languages)."""

    kind: str
    parameters: dict = field(default_factory=dict)
    seconds: int | None = None
    language_neutral: bool = False


LISTING = PageType(LISTINGS, {"page": page_number(MOST_LISTING_PAGES)})
FEED = PageType(LISTINGS)
SITEMAP = PageType(LISTINGS, language_neutral=True)
SITEMAP_FILE = PageType(LISTINGS, {"p": page_number(MOST_SITEMAP_PAGES)}, language_neutral=True)

PAGES = {
    "articles:story": PageType(STORY, {"cpage": page_number(MOST_COMMENT_PAGES), "comments": one_of(*COMMENT_ORDERS)}),
    "comments:feed_rss": PageType(STORY),
    "comments:feed_atom": PageType(STORY),
    "articles:home": LISTING,
    "articles:hashtags": LISTING,
    "articles:hashtag": LISTING,
    "articles:section": LISTING,
    "articles:outlet": LISTING,
    "articles:reporter": LISTING,
    "articles:corrections": LISTING,
    "articles:search": PageType(LISTINGS, {"q": search_text, "page": page_number(MOST_LISTING_PAGES)}, SEARCH_SECONDS),
    "articles:feed_rss": FEED,
    "articles:feed_atom": FEED,
    "articles:hashtag_feed_rss": FEED,
    "articles:hashtag_feed_atom": FEED,
    "articles:section_feed_rss": FEED,
    "articles:section_feed_atom": FEED,
    "articles:corrections_feed_rss": FEED,
    "articles:corrections_feed_atom": FEED,
    "crawlers:sitemap": SITEMAP,
    "crawlers:sitemap_section": SITEMAP_FILE,
    "crawlers:news_sitemap": SITEMAP,
}


@dataclass(frozen=True)
class StoredPage:
    """A rendered page as the cache keeps it: its bytes; the headers it was rendered with but the
    cache's own (`OWN_HEADERS`), as (name, value) pairs; its Vary, ETag and X-Newsroom-Stories values;
    Last-Modified, when it was rendered and when it changes by the clock (None: only by a write), as
    Unix times; whether its newest copy is kept to serve in an outage (not a search's)."""

    content: bytes
    headers: tuple
    vary: str
    etag: str
    stories: str
    last_modified: int
    rendered_at: float
    changes_at: float | None
    kept_for_outages: bool = True


@dataclass(frozen=True)
class CacheablePage:
    """A request the cache may answer: its page type, URL keyword arguments and entry key."""

    type: PageType
    kwargs: dict
    key: str
    query: QueryDict


# Pages are asked for, and told, through the request: the views and template tags that know what a
# page shows and when it changes by the clock say so here; the middleware reads it when storing.


def note_stories(request, stories):
    """Tell the page cache that this page shows `stories` (Stories or ids): for X-Newsroom-Stories."""
    if request is None:
        return
    noted = getattr(request, "page_cache_stories", [])
    noted.extend(story if isinstance(story, int) else story.pk for story in stories)
    request.page_cache_stories = noted


def page_changes_at(request, moment):
    """Tell the page cache that this page changes by itself at `moment` (aware datetime, or None for never)."""
    if request is None or moment is None:
        return
    earliest = getattr(request, "page_cache_changes_at", None)
    if earliest is None or moment < earliest:
        request.page_cache_changes_at = moment


# Which requests the cache may answer.


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
    origin = f"{request.scheme}://{request.get_host()}"
    return origin if origin in cacheable_origins() else None


def is_personal(request):
    """True when the request carries what makes a page its own: a session, messages, a cookie of ours,
    or credentials."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    personal = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}
    return any(name in personal or name.startswith(PERSONAL_COOKIE_PREFIX) for name in request.COOKIES)


def page_query(page_type, request):
    """The request's query as the page is kept for it (a QueryDict, tracking parameters dropped,
    sorted), or None when a parameter is not one the page is kept for or its value is not valid."""
    kept = QueryDict(mutable=True)
    for name, values in sorted(request.GET.lists()):
        if TRACKING_PARAMETER.fullmatch(name):
            continue
        valid = page_type.parameters.get(name)
        if valid is None or len(values) != 1 or not valid(values[0]):
            return None
        kept[name] = values[0]
    return kept


def cacheable_page(request):
    """The CacheablePage of this request, or None when the cache must not answer it.

    A request Django refuses (a Host not allowed, too many query fields) is left to the layers
    after this one, which answer it with the 400 page in the address's language.
    """
    if not settings.NEWSROOM_PAGE_CACHE_SECONDS or request.method not in SAFE_METHODS or is_personal(request):
        return None
    try:
        origin = cache_origin(request)
        match = resolve_in_its_language(request) if origin is not None else None
        page_type = PAGES.get(match.view_name) if match is not None else None
        query = page_query(page_type, request) if page_type is not None else None
    except SuspiciousOperation:
        return None
    if query is None:
        return None
    language = "" if page_type.language_neutral else get_language_from_path(request.path_info) or ""
    raw = "\n".join([ENTRY_FORMAT, origin, language, request.path, query.urlencode(), configuration_key()])
    return CacheablePage(page_type, match.kwargs, "page:" + hashlib.sha256(raw.encode()).hexdigest(), query)


# Settings that change what pages show: a change (a restart with other values) is another cache.
PAGE_SETTINGS = re.compile(r"(NEWSROOM|COMMENTS)_.*|LANGUAGE_CODE|TIME_ZONE|MEDIA_URL|STATIC_URL|SITE_URL")
_configuration_key = None


def configuration_key():
    """A hash of the settings pages depend on (`PAGE_SETTINGS`) and of the static files' manifest
    (a deploy with new CSS or scripts names other files), computed once per process."""
    global _configuration_key
    if _configuration_key is None:
        names = [name for name in dir(settings) if PAGE_SETTINGS.fullmatch(name)]
        values = sorted((name, repr(getattr(settings, name))) for name in names)
        values.append(("static files", getattr(staticfiles_storage, "manifest_hash", "")))
        _configuration_key = hashlib.sha256(repr(values).encode()).hexdigest()[:16]
    return _configuration_key


@receiver(setting_changed)
def forget_configuration_key(setting, **kwargs):
    """Tests change settings while the process runs: the key is computed again."""
    global _configuration_key
    if PAGE_SETTINGS.fullmatch(setting):
        _configuration_key = None


# The version of a page: the one query of a hit, written out (the ORM takes longer to build it than
# SQLite takes to answer it). It also reads when the next scheduled story comes out (an index range's
# first row): a page stored now is served until then only. Parameters are bound, never formatted in.


def next_publication_sql():
    """SQL for the earliest publication time to come (one %s: now), as `Story.objects.next_publication`."""
    table = connection.ops.quote_name(Story._meta.db_table)
    return f"(SELECT MIN(published_at) FROM {table} WHERE status = %s AND published_at > %s)"


def story_version(slug, now):
    """`(story id, page_version, next publication)` of the public story at this slug, or None."""
    published = Story.Status.PUBLISHED.value
    sql = (
        f"SELECT id, page_version, {next_publication_sql()} FROM {connection.ops.quote_name(Story._meta.db_table)} "
        "WHERE slug = %s AND status = %s AND published_at <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [published, now, slug, published, now])
        return cursor.fetchone()


def listings_version(now):
    """`(ListingsVersion token, next publication)`; the token is "" before the first change."""
    sql = (
        f"SELECT {next_publication_sql()}, "
        f"(SELECT token FROM {connection.ops.quote_name(ListingsVersion._meta.db_table)} WHERE id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Story.Status.PUBLISHED.value, now, ListingsVersion.ROW])
        next_publication, token = cursor.fetchone()
    return token or "", next_publication


@dataclass(frozen=True)
class Version:
    """A page's version now: `key` (str), the story's id on a story page, the next scheduled story (aware)."""

    key: str
    story_id: int | None
    next_publication: dt.datetime | None


def page_version(page):
    """The Version of a CacheablePage, or None when no public story is at a story page's address.

    Raises DatabaseError."""
    now = timezone.now()
    if page.type.kind == LISTINGS:
        token, next_publication = listings_version(now)
        return Version(token, None, as_aware(next_publication))
    row = story_version(page.kwargs.get("slug", ""), now)
    if row is None:
        return None
    return Version(f"{row[0]}.{row[1]}", row[0], as_aware(row[2]))


def as_aware(value):
    """A raw datetime column: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def still_current(page, version):
    """True when `page`'s Version (CacheablePage, Version) read before its render is still its version:
    nothing it shows was written during the render. One query, asked after each render when there
    is a proxy to purge (README "Caching"); False when the database cannot be asked."""
    try:
        now = page_version(page)
    except DatabaseError:
        return False
    return now is not None and now.key == version.key


# Storing and answering.


def storable(response):
    """True when a rendered response may be kept and shared: a whole 200 page that sets no cookie
    and that its view did not mark for caching itself (a preview's never_cache)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def stored_page(request, response, page, version, *, rendered_at, previous):
    """The StoredPage of a rendered response (HttpResponse) for a CacheablePage."""
    content = response.content
    etag = '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'
    # The same bytes as the copy before (rendered again after its time): the same Last-Modified.
    same = previous is not None and previous.etag == etag
    last_modified = previous.last_modified if same else int(rendered_at)
    headers = tuple(
        (name, value)
        for name, value in response.items()
        if name.lower() not in OWN_HEADERS and not (page.type.language_neutral and name.lower() == "content-language")
    )
    # What the page varies with as the view saw it (Cookie: the personal cookies), but the language of
    # a page at the root that is the same in every language (LocaleMiddleware reads Accept-Language there).
    vary = [name for name in cc_delim_re.split(response.get("Vary", "")) if name]
    if page.type.language_neutral:
        vary = [name for name in vary if name.lower() != "accept-language"]
    vary = [*vary, *([] if "cookie" in map(str.lower, vary) else ["Cookie"])]
    stories = list(dict.fromkeys(getattr(request, "page_cache_stories", [])))
    if version.story_id is not None:
        stories = [version.story_id, *(one for one in stories if one != version.story_id)]
    tokens = [] if page.type.kind == STORY else [LISTINGS]
    return StoredPage(
        content=content,
        headers=headers,
        vary=", ".join(vary),
        etag=etag,
        last_modified=last_modified,
        stories=" ".join([*tokens, *map(str, stories)]),
        rendered_at=rendered_at,
        changes_at=clock_change(request, page, version, rendered_at),
        kept_for_outages=page.type.seconds is None,
    )


def clock_change(request, page, version, rendered_at):
    """When the page changes by the clock (Unix time), or None: what the page told (`page_changes_at`),
    the next scheduled story (any page may list it), the end of a short-lived page's time."""
    moments = [getattr(request, "page_cache_changes_at", None), version.next_publication]
    times = [moment.timestamp() for moment in moments if moment is not None]
    if page.type.seconds is not None:
        times.append(rendered_at + page.type.seconds)
    return min(times, default=None)


def entry_seconds(stored):
    """How long the cache keeps an entry: long enough for an outage to find it, or as long as it is fresh."""
    if stored.kept_for_outages:
        return max(settings.NEWSROOM_OUTAGE_PAGE_SECONDS, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    return max(1, int((stored.changes_at or stored.rendered_at) - stored.rendered_at))


def is_fresh(stored, now):
    """True when the stored copy of the current version may answer at `now` (Unix time)."""
    if stored.changes_at is not None and now >= stored.changes_at:
        return False
    return now - stored.rendered_at < settings.NEWSROOM_PAGE_CACHE_SECONDS


def public_headers(response, stored, now, *, outage=False):
    """Set the shared-cache headers of a kept page on `response`, its ages bounded by the page's next
    change by the clock. A copy served in an outage may be stale: browsers ask again at once, proxies
    keep it as long as the outage page says to retry after."""
    browser = settings.NEWSROOM_CACHE_MAX_AGE
    shared = settings.NEWSROOM_CACHE_S_MAXAGE
    if stored.changes_at is not None:
        left = max(0, int(stored.changes_at - now))
        browser, shared = min(browser, left), min(shared, left)
    if outage:
        browser, shared = 0, min(shared, RETRY_AFTER_SECONDS)
    stale = settings.NEWSROOM_CACHE_STALE_WHILE_REVALIDATE
    response["Cache-Control"] = f"public, max-age={browser}, s-maxage={shared}, stale-while-revalidate={stale}"
    response["ETag"] = stored.etag
    response["Last-Modified"] = http_date(stored.last_modified)
    response[STORIES_HEADER] = stored.stories
    response["Vary"] = stored.vary


def answer_from(stored, request, now, *, outage=False):
    """The response for a stored page: 200 with its bytes, or 304 when the visitor's copy is current."""
    response = HttpResponse(stored.content)
    for name, value in stored.headers:
        response[name] = value
    response["Content-Length"] = str(len(stored.content))
    public_headers(response, stored, now, outage=outage)
    return conditional(request, response, stored)


def conditional(request, response, stored):
    """`response`, or a 304 (Not Modified) for an If-None-Match / If-Modified-Since it satisfies."""
    answer = get_conditional_response(request, etag=stored.etag, last_modified=stored.last_modified, response=response)
    if answer is not response:
        # Django's 304 copies Cache-Control, ETag, Last-Modified and Vary; a proxy revalidating keeps ours too.
        answer[STORIES_HEADER] = stored.stories
    return answer


def not_shared(request, response):
    """Mark a response that says nothing of caching as one no shared cache may keep.

    A GET's or HEAD's answer is `private, no-cache` (a browser may keep it, asking each time),
    and varies with the cookies; a POST's is `no-store` (a refused comment carries its writer's
    text, name and e-mail). Redirects are left as they are (a 301 may be kept by anyone).
    """
    if response.has_header("Cache-Control") or 300 <= response.status_code < 400:
        return response
    if request.method in SAFE_METHODS:
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    else:
        patch_cache_control(response, no_store=True)
    return response


class PageCacheMiddleware:
    """Serve reader pages from the cache; keep the pages it renders; say who may keep each response.

    Place after DatabaseOutageMiddleware (its query watchdog covers the version query; a copy is
    served here when that query meets an outage) and before SessionMiddleware (a hit reads no session).
    It reads the language from the path, not from LocaleMiddleware, which runs after it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = cacheable_page(request)
        if page is None:
            return not_shared(request, self.get_response(request))
        stored = cache.get(page.key)
        try:
            version = page_version(page)
        except DatabaseError as error:
            if not is_database_outage(error):
                raise
            return self.during_outage(request, stored, error)
        if version is None:
            return not_shared(request, self.get_response(request))
        now = time.time()
        if stored is not None and stored[0] == version.key and is_fresh(stored[1], now):
            return answer_from(stored[1], request, now)
        return self.render_and_keep(request, page, version, previous=stored[1] if stored else None)

    def render_and_keep(self, request, page, version, *, previous):
        rendered_at = time.time()
        # The view sees the query the page is kept for: a tracking parameter never reaches a link on it.
        request.GET = QueryDict(page.query.urlencode())
        request.META["QUERY_STRING"] = page.query.urlencode()
        response = self.get_response(request)
        if not storable(response):
            return not_shared(request, response)
        if purge.enabled() and not still_current(page, version):
            # Written while it was rendered: the write's ban may have reached the proxy already, and
            # a copy it stored now would outlive it (Varnish tests a ban against the objects it held
            # then). This reader gets the page; no cache keeps it. Without a proxy there is no such
            # race: this cache keys the copy by the version read before the render.
            return not_shared(request, response)
        stored = stored_page(request, response, page, version, rendered_at=rendered_at, previous=previous)
        now = time.time()
        if stored.changes_at is not None and stored.changes_at - now < 1:
            return not_shared(request, response)
        cache.set(page.key, (version.key, stored), entry_seconds(stored))
        if page.type.language_neutral:
            # As a hit will answer: one page for every language, so none is named.
            response.headers.pop("Content-Language", None)
        public_headers(response, stored, now)
        response["Content-Length"] = str(len(stored.content))
        return conditional(request, response, stored)

    def during_outage(self, request, stored, error):
        """The newest copy of the page while the database cannot be asked (README "When things fail")."""
        if stored is None:
            log_outage(request, error)
            return outage_page(request)
        logger.warning("Database unavailable (%s); serving the newest cached copy of %s", error, request.path)
        return answer_from(stored[1], request, time.time(), outage=True)


def story_page_keys(slug):
    """The entry keys of every page of the story `slug` (str) the cache may hold: its page and its
    comment feeds, for each cacheable origin and language, each comment page and order. Used where
    what they show must go from the outage copies too (an erasure at a commenter's request): a
    moving `page_version` retires an entry for a hit, but an outage serves the newest copy of a URL
    whatever its version."""
    from urllib.parse import unquote

    from django.urls import reverse
    from django.utils import translation

    queries = [""]
    for order in COMMENT_ORDERS:
        queries.append(f"comments={order}")
    for number in range(1, MOST_COMMENT_PAGES + 1):
        queries.append(f"cpage={number}")
        queries.extend(f"comments={order}&cpage={number}" for order in COMMENT_ORDERS)
    keys = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths = [unquote(reverse(name, kwargs={"slug": slug})) for name in STORY_PAGES]
        for origin in cacheable_origins():
            for path in paths:
                for query in queries:
                    raw = "\n".join([ENTRY_FORMAT, origin, language, path, query, configuration_key()])
                    keys.append("page:" + hashlib.sha256(raw.encode()).hexdigest())
    return keys


STORY_PAGES = [name for name, page_type in PAGES.items() if page_type.kind == STORY]


def forget_story_pages(slugs):
    """Delete every cached copy (outage copies included) of the pages of the stories `slugs` (str)."""
    keys = [key for slug in slugs for key in story_page_keys(slug)]
    if keys:
        cache.delete_many(keys)
