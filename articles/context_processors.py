from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info


def site(request):
    """The site's name, for the header and titles of every page."""
    return {"site_name": settings.NEWSROOM_SITE_NAME}


def languages(request):
    """This page in each language: for the language switcher and the hreflang alternates."""
    if request is None or getattr(request, "resolver_match", None) is None:
        return {}
    query = request.GET.urlencode()  # decoded and encoded again: raw bytes never reach the page
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        info = get_language_info(code)
        alternates.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": f"{url}?{query}" if query else url,
                "absolute_url": request.build_absolute_uri(url),
            }
        )
    page = request.GET.get("page", "")
    canonical = request.build_absolute_uri(request.path) + (
        f"?page={page}" if page.isascii() and page.isdigit() else ""
    )
    return {"language_alternates": alternates, "canonical_url": canonical}
