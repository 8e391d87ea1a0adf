"""Old addresses keep working: a WordPress site's links answer a 301 to the page that replaced them.

`OldAddressRedirectMiddleware` looks at a response only when it is a 404 that none of our URL
patterns matched (`request.resolver_match` is None: not a 404 of one of our views, such as an
unknown story), for GET and HEAD. It then asks `OldAddress` (filled by `import_wordpress`) for the
path, in one query whatever the path (`candidate_paths`):

- the path as asked, and with or without its trailing slash;
- a WordPress query on the site's root or folder: `/?p=10` (a post's shortlink), `/?p=10&feed=rss2`
  (its comments' feed), `/?cat=3` and `/?tag=ukraine` (a category's and a tag's page, and with
  `&feed=` their feed), `/?feed=rss2` (the site's feed), `/?s=harbour` (the search).

A hit answers 301 to our page in the language stored with the address (the same for every visitor,
so that browsers and crawlers may keep the redirect): a story (only once it is public, so a draft's
address says nothing) or its comment feed, a section or a hashtag page, their RSS feed, the site's,
or our search for the same words. The rest of the query is kept (`?utm_source=…`; the WordPress
names are dropped). Targets are built with `reverse()` from our own URL names only, so no redirect
can lead off the site. Anything else stays the 404 it was.

`story_at_address` answers another question with the same table: which story a link stored
elsewhere (a Disqus thread's) leads to.

Placed after LocaleMiddleware in MIDDLEWARE, so its answer comes before LocaleMiddleware turns a
404 at `/` into the redirect to `/en/`.
"""

from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from .models import OldAddress, Story
from .wordpress.records import address_key

# WordPress's query variables that name a page, in the order we read them, and its feed switch.
QUERY_NAMES = ("p", "s", "cat", "tag")
FEED_QUERY = "feed"


def candidate_paths(path, query):
    """The stored forms (str) that a request for `path` (decoded) with `query` (a QueryDict) may
    match, and the query to keep (a list of (name, value)).

    A WordPress query names what it shows: `?p=10` a post, `?s=words` the search, `?cat=3` a
    category, `?tag=ukraine` a tag (the first of those present, in that order), `&feed=rss2` (or
    `?feed=atom` alone) the feed of it; stored as `/?p=10`, `/?s`, `/?cat=3&feed`, `/?feed`. Those
    names leave the query kept; the words searched come back as our search's `q`. No candidate for
    a `p` or `cat` that is not a number, or an empty `tag`. Any other query: the path, with and
    without its trailing slash.
    """
    kept = [
        (name, value) for name, values in query.lists() for value in values if name not in (*QUERY_NAMES, FEED_QUERY)
    ]
    feed = f"&{FEED_QUERY}" if FEED_QUERY in query else ""
    name = next((name for name in QUERY_NAMES if name in query), None)
    if name is None:
        if feed:
            return [f"{path}?{FEED_QUERY}"], kept
        other = path[:-1] if path.endswith("/") and len(path) > 1 else f"{path}/"
        return [path, other], kept
    value = query.get(name, "")
    if name == "s":
        return [f"{path}?s"], [("q", value), *kept]
    if name == "tag":
        value = value.strip()
        return ([f"{path}?tag={value}{feed}"] if value else []), kept
    if not (value.isascii() and value.isdigit()):
        return [], kept
    return [f"{path}?{name}={int(value)}{feed}"], kept


def target_of(address):
    """Our address (str) for an `OldAddress` with its story, section and hashtag loaded; None when it
    leads to a story that is not public (yet).

    A story's comment feed is the comments app's (`comments:feed_rss`, named here by its URL name
    only, as the story page's template names it: `articles` imports nothing of `comments`)."""
    with translation.override(address.language):
        if address.story_id:
            if not address.story.is_public:
                return None
            if address.kind == OldAddress.Kind.COMMENTS:
                return reverse("comments:feed_rss", kwargs={"slug": address.story.slug})
            return address.story.get_absolute_url()
        if address.kind == OldAddress.Kind.SEARCH:
            return reverse("articles:search")
        feed = address.kind == OldAddress.Kind.FEED
        if address.section_id:
            name = "articles:section_feed_rss" if feed else "articles:section"
            return reverse(name, kwargs={"slug": address.section.slug})
        if address.hashtag_id:
            name = "articles:hashtag_feed_rss" if feed else "articles:hashtag"
            return reverse(name, kwargs={"slug": address.hashtag.slug})
        return reverse("articles:feed_rss" if feed else "articles:home")


def old_address_at(path, query):
    """(the `OldAddress` a request of `path` (decoded) with `query` (a QueryDict) matches, with its
    story, section and hashtag loaded, or None; the query to keep). One query, none for a `?p=`
    that is not a number."""
    candidates, kept = candidate_paths(path, query)
    if not candidates:
        return None, kept
    keys = [address_key(candidate) for candidate in candidates]
    found = OldAddress.objects.filter(key__in=keys).select_related("story", "section", "hashtag")
    by_key = {address.key: address for address in found}
    return next((by_key[key] for key in keys if key in by_key), None), kept


def old_address_redirect(path, query):
    """The 301 for a request of `path` (decoded) with `query` (a QueryDict), or None. One query."""
    address, kept = old_address_at(path, query)
    if address is None:
        return None
    target = target_of(address)
    if target is None:
        return None
    return HttpResponsePermanentRedirect(f"{target}?{urlencode(kept)}" if kept else target)


def story_at_address(address):
    """The Story a link leads to, or None: one of our story pages (in any language), or an old
    address of an imported site that leads to a story (public or not).

    `address` (str): an absolute address or a path, as another system stored it (a Disqus thread's
    link). Its scheme and host are not compared (a site moved from http to https, with or without
    www.: the path decides, as for the redirects), its fragment is dropped and so is its query but
    for WordPress's `?p=`, its trailing slash may be there or not, its path is percent-decoded. An
    address that is not http(s) or that cannot be read leads nowhere. At most two queries.
    """
    try:
        parts = urlsplit(address.strip())
    except ValueError:
        return None
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return None
    path = unquote(parts.path) or "/"
    story = our_story_at(path)
    if story is not None:
        return story
    query = QueryDict(parts.query, mutable=True)
    for name in list(query):
        if name != "p":
            del query[name]
    found, _ = old_address_at(path, query)
    if found is None or found.kind != OldAddress.Kind.PAGE:
        return None
    return found.story


def our_story_at(path):
    """The Story whose page (in any of LANGUAGES) is at `path` (decoded, with or without its
    trailing slash), or None. A query when the path has a story page's shape."""
    for candidate in dict.fromkeys([path, path if path.endswith("/") else f"{path}/"]):
        for language, _name in settings.LANGUAGES:
            # Our pages are under i18n_patterns: the language prefix resolves only while it is active.
            with translation.override(language):
                try:
                    match = resolve(candidate)
                except Resolver404:
                    continue
            if match.view_name == "articles:story":
                return Story.objects.filter(slug=match.kwargs["slug"]).first()
    return None


class OldAddressRedirectMiddleware:
    """Answer a 404 of an address no URL pattern matched with the redirect its `OldAddress` gives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 404
            or request.method not in ("GET", "HEAD")
            or getattr(request, "resolver_match", None) is not None
        ):
            return response
        return old_address_redirect(request.path_info, request.GET) or response
