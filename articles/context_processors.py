from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from .page_address import page_path, page_query


def site(request):
    """The site's name, for the header and titles of every page; and how long a fragment of a page
    that a version key guards (`{% cache %}` in the story page) is kept, in seconds: as long as
    the page cache keeps a page (0: not kept)."""
    return {"site_name": settings.NEWSROOM_SITE_NAME, "fragment_cache_seconds": settings.NEWSROOM_PAGE_CACHE_SECONDS}


def languages(request):
    """This page in each language and its canonical URL: for the language switcher, hreflang and og:url.

    Built from the address of the page shown (`page_address`), which is not the request's
    own when a POST is answered with a page.
    """
    if request is None or getattr(request, "resolver_match", None) is None:
        return {}
    path = page_path(request)
    params = page_query(request)
    query = params.urlencode()  # decoded and encoded again: raw bytes never reach the page
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        info = get_language_info(code)
        alternates.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": f"{url}?{query}" if query else url,
                "absolute_url": request.build_absolute_uri(url),
            }
        )
    page = params.get("page", "")
    # Page 1 is the listing's own address: `?page=1` names it as canonical, not itself.
    numbered = page.isascii() and page.isdigit() and int(page) > 1
    canonical = request.build_absolute_uri(path) + (f"?page={int(page)}" if numbered else "")
    return {"language_alternates": alternates, "canonical_url": canonical}
