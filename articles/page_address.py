"""The address of the page a response shows, for every link a page builds from the request.

A page is usually shown at its own address: the request's path and query string. A view
that answers a POST with a page (the story page with a refused comment) names that page's
own address with `show_page_at`; the links built from the request (language switcher,
hreflang alternates and canonical in `context_processors.languages`, and from the canonical
og:url and the JSON-LD url) then point at the page, never at the POST-only address.
"""

from django.http import QueryDict


def show_page_at(request, path):
    """Tell the page's link builders that this response shows the page at `path` (no query)."""
    request.page_path = path


def page_path(request):
    """The path of the page this response shows: the one a view named, else the request's own."""
    return getattr(request, "page_path", None) or request.path


def page_query(request):
    """The query string (a QueryDict) of the page shown: empty when a view named another page."""
    if getattr(request, "page_path", None):
        return QueryDict()
    return request.GET
