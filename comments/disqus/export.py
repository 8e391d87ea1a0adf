"""A Disqus export (Admin → Moderation → Export: one XML file, `<disqus>` at its root) read as a
stream of plain dataclasses. Pure: no database.

`read_export(source)` yields, in the file's order,

    DisqusCategory      one per `<category dsq:id>` (counted, not imported)
    DisqusThread        one per `<thread dsq:id>`: a page that had the Disqus box, by its `<link>`
    DisqusComment       one per `<post dsq:id>` (a comment, in Disqus's words a "post"), naming its
                        thread and the comment it replies to by their dsq:id

`index_export(source)` reads the whole file (a malformed one fails before anything is written)
and keeps the threads and how many comments each has: a `DisqusIndex`. Memory grows with the
number of threads, never with comments: only the element being read is kept.

Disqus writes threads before the comments, and comments in the order they were posted, so a
reply comes after its parent; neither is required here (the save step looks replies' parents up
when it reaches them, and waits for those not met yet).

Errors: `DisqusExportError(path, line, column, reason)` for a file that is not well-formed XML
(expat's line and column: a truncated download), that declares entities (billion laughs, external
entities: refused by defusedxml before any expansion or read), whose root is not `<disqus>`, a
thread or comment without its `dsq:id`, a comment without its `<thread dsq:id>`, or an id, a time
or a yes/no that cannot be read. Times (`<createdAt>`, "2024-05-06T09:12:44Z") are UTC.
"""

import datetime as dt
import html
import os
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from articles.safe_xml import Node, XmlFileError, local_name, stream_xml
from articles.wordpress import plain_line, plain_text

DISQUS_NAMESPACE = "http://disqus.com"
DSQ_ID = "http://disqus.com/disqus-internals}id"
TRUE, FALSE = frozenset({"true", "1"}), frozenset({"false", "0", ""})
# The identifier the WordPress plugin gives a thread: "<post id> <the post's guid>".
WORDPRESS_IDENTIFIER = re.compile(r"^\d+\s+(https?://\S+)$")
# Disqus sends links in comments through its own address: href="https://disq.us/url?url=<address>:<hash>&…".
DISQUS_LINK = re.compile(r"""href\s*=\s*(["'])(https?://(?:www\.)?disq\.us/url\?[^"']*)\1""", re.IGNORECASE)
LINK_HASH = re.compile(r"^(https?://[^/?#]+/.*):[A-Za-z0-9_-]+$")


class DisqusExportError(XmlFileError):
    """A Disqus export that cannot be read: `path`, `line` and `column` (from 1) of the fault, `reason`."""


@dataclass(frozen=True)
class DisqusCategory:
    """A category of the forum (`<category>`): Disqus's grouping of threads, not imported."""

    id: int
    forum: str
    title: str
    line: int


@dataclass(frozen=True)
class DisqusThread:
    """A page with a Disqus box (`<thread dsq:id>`): `id` (the dsq:id), `identifier` (`<id>`, the one
    the site's embed gave: the WordPress plugin writes "<post id> <guid>"), `forum` (the forum's
    short name), `link` (the page's address as Disqus saw it), `title` (plain text), `created_at`
    (aware UTC or None), `is_closed`, `is_deleted`, `line`."""

    id: int
    identifier: str
    forum: str
    link: str
    title: str
    created_at: dt.datetime | None
    is_closed: bool
    is_deleted: bool
    line: int

    @property
    def addresses(self):
        """The addresses (str) that may name the thread's page, in the order to try: its link, then
        the address inside a WordPress plugin's identifier (the post's `?p=` guid)."""
        found = [self.link] if self.link else []
        match = WORDPRESS_IDENTIFIER.match(self.identifier)
        if match:
            found.append(match.group(1))
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class DisqusComment:
    """A comment (`<post dsq:id>`): `id` (the dsq:id), `thread_id` and `parent_id` (dsq:ids; the
    parent None at the top), `identifier` (`<id>`, often empty), `message` (HTML, as Disqus stores
    it: `message_text` makes it our text), `created_at` (aware UTC or None), the author's `name`,
    `email`, `username` ("" for a guest) and `anonymous` (a guest), `ip_address`, `is_deleted`,
    `is_spam`, `line`."""

    id: int
    thread_id: int
    parent_id: int | None
    identifier: str
    message: str
    created_at: dt.datetime | None
    author_name: str
    author_email: str
    author_username: str
    anonymous: bool
    ip_address: str
    is_deleted: bool
    is_spam: bool
    line: int

    @property
    def status(self):
        """Ours (Comment.Status values): spam → "spam", deleted → "removed", else "approved" (Disqus
        exports what its moderators let through and what they took away; nothing waits)."""
        if self.is_spam:
            return "spam"
        return "removed" if self.is_deleted else "approved"


def unwrap_link(address):
    """A link of a Disqus comment without Disqus's redirect: "https://disq.us/url?url=https%3A%2F%2F
    example.org%2Fpage%3Aab12&cuid=1" → "https://example.org/page" (the ":<hash>" Disqus appends
    to an address with a path is dropped); other addresses as they are."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return address
    if (parts.hostname or "").lower() not in ("disq.us", "www.disq.us") or parts.path != "/url":
        return address
    target = parse_qs(parts.query).get("url", [""])[0]
    match = LINK_HASH.match(target)
    return match.group(1) if match else target or address


def message_text(message):
    """A Disqus comment's HTML as our comment text (plain): paragraphs as blank lines, a link's
    address after its text (`articles.wordpress.plain_text`, as for WordPress comments), links
    unwrapped from Disqus's redirect first."""

    def unwrapped(match):
        quote, address = match.group(1), html.unescape(match.group(2))
        return f"href={quote}{html.escape(unwrap_link(address), quote=True)}{quote}"

    return plain_text(DISQUS_LINK.sub(unwrapped, message or ""))


class _Fields:
    """A node's children by name (the first of each)."""

    def __init__(self, node):
        self.node = node
        self.first = {}
        for child in node.children:
            self.first.setdefault(child.name, child)

    def child(self, name):
        return self.first.get(name)

    def value(self, name):
        child = self.first.get(name)
        return child.text.strip() if child is not None else ""


class _DisqusReader:
    """expat's handlers (`articles.safe_xml`): builds each child of `<disqus>` as a Node tree and turns
    it into a dataclass as it closes."""

    def __init__(self, path):
        self.path = path
        self.expat = None
        self.depth = 0
        self.stack = []
        self.seen_root = False
        self.ready = []

    def error(self, line, column, reason):
        return DisqusExportError(self.path, line, column, reason)

    def start_element(self, tag, attributes):
        self.depth += 1
        line, column = self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1
        if self.depth == 1:
            uri, _, name = tag.rpartition("}")
            if name != "disqus" or uri not in ("", DISQUS_NAMESPACE):
                shown = f"<{name}> (namespace {uri})" if uri else f"<{name}>"
                reason = f"the root element is {shown}, not <disqus>: this is not a Disqus export"
                raise self.error(line, column, reason)
            self.seen_root = True
            return
        node = Node(local_name(tag), attributes, line, column)
        if self.stack:
            self.stack[-1].children.append(node)
        self.stack.append(node)

    def character_data(self, text):
        if self.stack:
            self.stack[-1].parts.append(text)

    data = character_data

    def end_element(self, tag):
        depth = self.depth
        self.depth -= 1
        if depth < 2:
            return
        node = self.stack.pop()
        if depth == 2:
            readers = {"category": self.read_category, "thread": self.read_thread, "post": self.read_comment}
            reader = readers.get(node.name)
            if reader is None:
                return
            try:
                self.ready.append(reader(node))
            except DisqusExportError:
                raise
            except Exception as error:
                # A bug met on text nobody foresaw (a title's or a name's markup…): said where, as a malformed file is.
                reason = f"<{node.name}> could not be read: unexpected error ({type(error).__name__}: {error})"
                raise self.error(node.line, node.column, reason) from error

    def finish(self):
        if not self.seen_root:
            raise self.error(1, 1, "the file has no <disqus> element: this is not a Disqus export")

    def take_ready(self):
        ready, self.ready = self.ready, []
        return ready

    # Values.

    def number(self, node, text, what):
        text = text.strip()
        if not text.isascii() or not text.isdigit():
            raise self.error(node.line, node.column, f"{what} is {text!r}, not a number")
        return int(text)

    def dsq_id(self, node, what=None):
        """The dsq:id of `node` (an int); an error when it has none."""
        value = node.attribute(DSQ_ID)
        if not value.strip():
            raise self.error(node.line, node.column, f"<{what or node.name}> has no dsq:id")
        return self.number(node, value, f"the dsq:id of <{what or node.name}>")

    def moment(self, fields, name):
        """The aware UTC datetime in element `name` (ISO 8601, UTC when it names no zone), or None."""
        text = fields.value(name)
        if not text:
            return None
        child = fields.child(name)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            reason = f"<{name}> is {text!r}, not a time (2024-05-06T09:12:44Z)"
            raise self.error(child.line, child.column, reason) from None
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)

    def flag(self, fields, name):
        text = fields.value(name).lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        child = fields.child(name)
        raise self.error(child.line, child.column, f"<{name}> is {text!r}, not true or false")

    # Elements (not named `comment`, `pi`, `doctype`…: ElementTree calls a target's methods of those names).

    def read_category(self, node):
        fields = _Fields(node)
        return DisqusCategory(
            id=self.dsq_id(node),
            forum=fields.value("forum"),
            title=plain_line(fields.value("title")),
            line=node.line,
        )

    def read_thread(self, node):
        fields = _Fields(node)
        return DisqusThread(
            id=self.dsq_id(node),
            identifier=fields.value("id"),
            forum=fields.value("forum"),
            link=fields.value("link"),
            title=plain_line(fields.value("title")),
            created_at=self.moment(fields, "createdAt"),
            is_closed=self.flag(fields, "isClosed"),
            is_deleted=self.flag(fields, "isDeleted"),
            line=node.line,
        )

    def read_comment(self, node):
        fields = _Fields(node)
        comment_id = self.dsq_id(node, "post")
        thread = fields.child("thread")
        if thread is None:
            raise self.error(node.line, node.column, f"<post> {comment_id} has no <thread dsq:id>")
        # Disqus names the thread by its dsq:id; a hand-made file may write the number as the text.
        thread_id = (
            self.dsq_id(thread, "thread")
            if thread.attribute(DSQ_ID).strip() or not thread.text.strip()
            else self.number(thread, thread.text, "<thread>")
        )
        parent = fields.child("parent")
        parent_id = None
        if parent is not None and (parent.attribute(DSQ_ID).strip() or parent.text.strip()):
            parent_id = (
                self.dsq_id(parent, "parent")
                if parent.attribute(DSQ_ID).strip()
                else self.number(parent, parent.text, "<parent>")
            )
        author = _Fields(fields.child("author") or Node("author", [], node.line, node.column))
        return DisqusComment(
            id=comment_id,
            thread_id=thread_id,
            parent_id=parent_id,
            identifier=fields.value("id"),
            message=fields.child("message").text if fields.child("message") is not None else "",
            created_at=self.moment(fields, "createdAt"),
            author_name=plain_line(author.value("name")),
            author_email=author.value("email"),
            author_username=author.value("username"),
            anonymous=self.flag(author, "isAnonymous"),
            ip_address=fields.value("ipAddress"),
            is_deleted=self.flag(fields, "isDeleted"),
            is_spam=self.flag(fields, "isSpam"),
            line=node.line,
        )


def read_export(source):
    """The items of a Disqus export, as an iterator (see the module docstring).

    `source`: a path (str or os.PathLike) or a binary file object, read as the iterator is consumed.
    Raises `DisqusExportError` while iterating, `OSError` when the file cannot be read.
    """
    if hasattr(source, "read"):
        name = getattr(source, "name", "<export>")
        return stream_xml(source, name, _DisqusReader(name), DisqusExportError)
    return _read_path(os.fspath(source))


def _read_path(path):
    with open(path, "rb") as stream:
        yield from stream_xml(stream, path, _DisqusReader(path), DisqusExportError)


@dataclass
class DisqusIndex:
    """One Disqus export read through: `path`, `forum` (the first forum named, "" if none),
    `threads` ({dsq:id: DisqusThread}), `comment_counts` ({thread dsq:id: comments naming it}),
    `comments` (how many), `categories` (how many)."""

    path: str
    forum: str = ""
    threads: dict = field(default_factory=dict)
    comment_counts: dict = field(default_factory=dict)
    comments: int = 0
    categories: int = 0


def index_export(source):
    """Read the whole export `source` (a path or a binary file object) into a `DisqusIndex`.

    Raises what `read_export` raises (`DisqusExportError` for a malformed file, `OSError`).
    """
    index = DisqusIndex(path=str(getattr(source, "name", source)))
    for item in read_export(source):
        if isinstance(item, DisqusComment):
            index.comments += 1
            index.comment_counts[item.thread_id] = index.comment_counts.get(item.thread_id, 0) + 1
        elif isinstance(item, DisqusThread):
            index.threads[item.id] = item
            index.forum = index.forum or item.forum
        elif isinstance(item, DisqusCategory):
            index.categories += 1
            index.forum = index.forum or item.forum
    return index
