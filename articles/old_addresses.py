"""Old addresses keep working: a WordPress site's links answer a 301 to the page that replaced them.

`OldAddressRedirectMiddleware` looks at a response only when it is a 404 that none of our URL
patterns matched (`request.resolver_match` is None: not a 404 of one of our views, such as an
unknown story), for GET and HEAD. It then asks `OldAddress` (filled by `import_wordpress`) for the
path, in one query whatever the path:

- the path as asked, and with or without its trailing slash;
- `/?p=10` (the shortlink of any WordPress site, its `p` on the site's root or folder) when the
  query has a `p` that is a number.

A hit answers 301 to our page in the language stored with the address (the same for every visitor,
so that browsers and crawlers may keep the redirect): a story (only once it is public, so a draft's
address says nothing), a section or a hashtag page, their RSS feed, or the site's. The rest of the
query is kept (`?utm_source=…`; `p` itself is dropped). Targets are built with `reverse()` from our
own URL names only, so no redirect can lead off the site. Anything else stays the 404 it was.

Placed after LocaleMiddleware in MIDDLEWARE, so its answer comes before LocaleMiddleware turns a
404 at `/` into the redirect to `/en/`.
"""

from urllib.parse import urlencode

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import translation

from .models import OldAddress
from .wordpress.records import address_key


def candidate_paths(path, query):
    """The stored forms (str) that a request for `path` (decoded) with `query` (a QueryDict) may
    match, and the query to keep (a list of (name, value)). No candidate for `?p=` that is not a number."""
    kept = [(name, value) for name, values in query.lists() for value in values if name != "p"]
    shortlink = query.get("p", "")
    if "p" in query:
        if not (shortlink.isascii() and shortlink.isdigit()):
            return [], kept
        return [f"{path}?p={int(shortlink)}"], kept
    other = path[:-1] if path.endswith("/") and len(path) > 1 else f"{path}/"
    return [path, other], kept


def target_of(address):
    """Our address (str) for an `OldAddress` with its story, section or hashtag loaded; None when it
    leads to a story that is not public (yet)."""
    with translation.override(address.language):
        if address.story_id:
            if not address.story.is_public:
                return None
            return address.story.get_absolute_url()
        feed = address.kind == OldAddress.Kind.FEED
        if address.section_id:
            name = "articles:section_feed_rss" if feed else "articles:section"
            return reverse(name, kwargs={"slug": address.section.slug})
        if address.hashtag_id:
            name = "articles:hashtag_feed_rss" if feed else "articles:hashtag"
            return reverse(name, kwargs={"slug": address.hashtag.slug})
        return reverse("articles:feed_rss" if feed else "articles:home")


def old_address_redirect(path, query):
    """The 301 for a request of `path` (decoded) with `query` (a QueryDict), or None. One query."""
    candidates, kept = candidate_paths(path, query)
    if not candidates:
        return None
    keys = [address_key(candidate) for candidate in candidates]
    found = OldAddress.objects.filter(key__in=keys).select_related("story", "section", "hashtag")
    by_key = {address.key: address for address in found}
    address = next((by_key[key] for key in keys if key in by_key), None)
    if address is None:
        return None
    target = target_of(address)
    if target is None:
        return None
    return HttpResponsePermanentRedirect(f"{target}?{urlencode(kept)}" if kept else target)


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
