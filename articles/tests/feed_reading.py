"""Reading feeds and feed links as a feed reader does, for the feed tests of both apps."""

import datetime as dt
import email.utils
import re
from html.parser import HTMLParser

import feedparser

FORMATS = ["rss", "atom"]
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def read_feed(response):
    """The feed as feedparser sees it; fails unless it is a well-formed feed served as one."""
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def shown_text(entry, key):
    """What a feed reader shows of an entry's title or summary: HTML rendered, plain text as it is.

    HTML may hold paragraphs and line breaks, never markup that came from a writer's text.
    """
    value, detail = entry[key], entry[f"{key}_detail"]
    if detail.type != "text/html":
        return value
    reader = _TextOf()
    reader.feed(value)
    assert reader.tags <= {"p", "br"}, f"markup in {key}: {value!r}"
    return "".join(reader.text)


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def entry_dates(entry):
    """(published, updated) of an entry as written in the feed, with the offset they carry."""
    return [written_date(entry[key]) for key in ("published", "updated") if key in entry]


def written_date(text):
    if re.search(r"\d{4}-\d{2}-\d{2}T", text):
        return dt.datetime.fromisoformat(text)
    return email.utils.parsedate_to_datetime(text)


class _FeedLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "link" and self.in_head and attrs.get("rel") == "alternate" and attrs.get("type"):
            self.links.append((attrs["type"], attrs.get("title", ""), attrs["href"]))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def feed_links(response):
    """[(type, title, href)] of the feeds a page's <head> announces, in order."""
    reader = _FeedLinks()
    reader.feed(response.content.decode())
    return reader.links
