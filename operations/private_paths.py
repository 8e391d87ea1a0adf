"""Addresses whose path is a key, and how logs and error reports write them.

Some links are secrets: a commenter's "your data" link opens their comments, their download and
their erasure (`comments:your_data_link` and its pages); a reply notification's confirmation and
unsubscribe links act for a subscriber. The key is a part of the path, so a log line or an
error report with the path would hand it to whoever reads the logs. Those write such a path as
its URL pattern instead: `/en/comments/your-data/<str:token>/download/`.

Which addresses: `SECRET_URL_NAMES`, by the namespaced name of the URL pattern. Whether a path is
one of them is decided by resolving it (the request's `resolver_match`, or the path resolved in
its language when a middleware answered before Django resolved it: an outage, a refused path),
never by a pattern on the text. `operations/tests/test_private_paths.py` walks every URL pattern
and fails for one whose arguments are named like a secret (token, signed, key, secret) and is
not listed here.
"""

from urllib.parse import urlsplit, urlunsplit

from django.urls import get_script_prefix

from resilience.outages import resolve_in_its_language, resolve_path_in_its_language

# The URL patterns whose arguments are keys (comments/urls.py).
SECRET_URL_NAMES = frozenset(
    {
        "comments:confirm_notifications",
        "comments:unsubscribe",
        "comments:your_data_link",
        "comments:your_data_download",
        "comments:your_data_erase",
    }
)


def hidden_path(match):
    """The path a log writes for the ResolverMatch `match` (after the script prefix), or None when
    its path holds no secret: `/` and the URL pattern's route, converters included."""
    if match is None or match.view_name not in SECRET_URL_NAMES:
        return None
    return "/" + match.route


def loggable_path(request):
    """`request.path`, or its URL pattern when the path is a key (SECRET_URL_NAMES); the script
    prefix, if any, is kept."""
    hidden = hidden_path(resolve_in_its_language(request))
    if hidden is None:
        return request.path
    return request.path[: len(request.path) - len(request.path_info)] + hidden


def loggable_url(url):
    """`url` (absolute, or a path) with its path written as `loggable_path` writes it; with a
    hidden path the query string and fragment go too. For Sentry's events (operations.sentry)."""
    parts = urlsplit(url)
    prefix = get_script_prefix()
    if not parts.path.startswith(prefix):
        return url
    hidden = hidden_path(resolve_path_in_its_language("/" + parts.path[len(prefix) :]))
    if hidden is None:
        return url
    return urlunsplit((parts.scheme, parts.netloc, prefix.rstrip("/") + hidden, "", ""))
