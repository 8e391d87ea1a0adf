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
from django.middleware.csrf import get_token
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
    return (
        f"story-page:{story_id}:{version}:{page}:{request.LANGUAGE_CODE if hasattr(request, 'LANGUAGE_CODE') else ''}"
    )


def input_pattern(name):
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")([^"]*)(")')


def store(key, response):
    """Keep the rendered page with its per-request values cut out."""
    html = response.content.decode(response.charset)
    for name in _fresh_values:
        html = input_pattern(name).sub(lambda match, name=name: match[1] + HOLE.format(name) + match[3], html)
    cache.set(key, html, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])


def fill(html, request, story_id):
    for name, producer in _fresh_values.items():
        hole = HOLE.format(name)
        if hole in html:
            html = html.replace(hole, producer(request, story_id))
    return html


def load(key):
    return cache.get(key)
