"""Tell the caching proxy in front (Varnish: deploy/varnish/newsroom.vcl) which pages changed.

Every change to what a page shows moves the `page_version` of the stories concerned
(`StoryQuerySet.bump_page_version`): Django's own page cache keys on it. A shared cache in
front cannot ask Django for versions, so the same call notes the stories' ids here and, once
the transaction commits, one `BAN` request goes to each proxy in `NEWSROOM_PURGE_URLS`:

    BAN / HTTP/1.1
    X-Newsroom-Ban: 12 40 listings

The proxy drops every cached page whose `X-Newsroom-Stories` header names story 12 or 40 (or,
with the word `listings`, every listing page: a story that is new there is named by none of
them yet), or everything with `all` (a change of every story, such as a section's name in the
masthead). A transaction sends one BAN whatever number of stories and writes it made; nothing
is sent for a transaction that is rolled back.

A purge that fails (the proxy down, slow, or answering an error) is logged at WARNING and
forgotten: the request that made the change goes on, and the proxy's copy expires after its
s-maxage. With `NEWSROOM_PURGE_URLS` empty (the default) nothing is noted, queried or sent.
"""

import http.client
import logging
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

LISTINGS = "listings"
EVERYTHING = "all"
# More stories than this in one transaction: ban everything rather than send a long expression.
MOST_STORIES = 100
HEADER = "X-Newsroom-Ban"

# What this thread's transactions changed and have not sent yet. A thread has one database
# connection, so one transaction at a time; ids noted in a transaction that was rolled back go
# out with the next one that commits (a page dropped for nothing, never one kept stale).
_pending = threading.local()


def enabled():
    """True when there is a proxy to tell (NEWSROOM_PURGE_URLS is not empty)."""
    return bool(settings.NEWSROOM_PURGE_URLS)


def stories_changed(stories, *, listings=True):
    """Note that the pages showing `stories` changed; the proxies hear of it once the transaction commits.

    `stories` is a Story queryset, called after its update (outside a transaction the BAN goes
    at once, and must follow the write): one `SELECT` of its ids; a queryset with no filter at
    all, every story, bans everything without reading. With
    `listings`, every listing page goes too: a story's own change may add it to a list that
    does not name it yet. A comment changes only the pages that name its story.
    """
    if not enabled():
        return
    if not stories.query.where:
        ids = None
    else:
        ids = set(stories.values_list("pk", flat=True))
        if not ids:
            return
    batch = _batch()
    if ids is None or batch["everything"]:
        batch["everything"] = True
        batch["ids"].clear()
    else:
        batch["ids"].update(ids)
    batch["listings"] = batch["listings"] or listings
    # Every call adds a callback; the first to run after the commit sends the whole batch.
    transaction.on_commit(send_pending, using=stories.db)


def _batch():
    if not hasattr(_pending, "batch"):
        _pending.batch = {"ids": set(), "listings": False, "everything": False}
    return _pending.batch


def send_pending():
    """Send what this thread's transactions noted (one BAN per proxy), and forget it."""
    batch = getattr(_pending, "batch", None)
    if not batch or not (batch["ids"] or batch["everything"]):
        return
    del _pending.batch
    send_ban(ban_value(batch["ids"], listings=batch["listings"], everything=batch["everything"]))


def ban_value(ids, *, listings, everything=False):
    """The `X-Newsroom-Ban` header (str) for story `ids` (ints): `12 40 listings`, or `all`."""
    if everything or len(ids) > MOST_STORIES:
        return EVERYTHING
    words = [str(story_id) for story_id in sorted(ids)]
    return " ".join([*words, LISTINGS] if listings else words)


def send_ban(value):
    """Send `BAN` with `X-Newsroom-Ban: value` to each of NEWSROOM_PURGE_URLS, one after the other.

    Each waits at most NEWSROOM_PURGE_TIMEOUT seconds. Returns the URLs that answered 200;
    never raises: a failure is logged at WARNING.
    """
    done = []
    for url in settings.NEWSROOM_PURGE_URLS:
        try:
            status = _request(url, value)
        except (OSError, http.client.HTTPException) as error:
            logger.warning(
                "Could not purge %s at %s (%s: %s); its copies expire after their s-maxage",
                value,
                url,
                type(error).__name__,
                error,
            )
            continue
        if status == 200:
            done.append(url)
        else:
            logger.warning("Purge %s at %s answered %s; its copies expire after their s-maxage", value, url, status)
    return done


def _request(url, value):
    """The HTTP status of one BAN (`url` an http(s) URL, checked by the settings)."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=settings.NEWSROOM_PURGE_TIMEOUT)
    try:
        connection.request("BAN", parts.path or "/", headers={HEADER: value})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
