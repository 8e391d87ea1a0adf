"""A WordPress export (WXR 1.0, 1.1, 1.2) read as a stream of plain dataclasses.

`read_export(source, site_zone)` is pure (no database): it yields, in the file's order,

    WordPressSite                       first, once the channel's header is read
    Author, Category, Tag               the channel's lists (WXR 1.0 has no authors)
    Post (with its Comments)            one per `<item>` of type "post" we import
    Attachment                          one per `<item>` of type "attachment"
    Skipped                             what is not imported, one each, with the reason

(the dataclasses of `articles.wordpress.items`). WordPress writes items by id, so an attachment
may come before or after the post that shows it: resolve `Post.thumbnail_id` and gallery ids
once the stream has ended (see "Saving" below).

What is skipped, and counted through `Skipped.kind`: pages, menus (`nav_menu_item` items,
`nav_menu` terms), custom post types (`Skipped.detail` names the type), items in the trash,
auto-drafts, posts of an unknown status, terms of other taxonomies, and comments that are
pingbacks, trackbacks or of another type. The comments of a skipped item are not read; their
number is `Skipped.comment_count`. Spam and trashed comments of imported posts are kept, with
their status (spam, removed).

Errors: `WordPressExportError(path, line, column, reason)` for a file that is not well-formed XML
(expat's line and column), that declares entities (billion laughs, external entities: refused by
defusedxml before any expansion or fetch), whose root is not `<rss>` or that has no
`<wp:wxr_version>` (not a WordPress export), with a WXR version other than 1.0–1.2, or an item
without the elements it needs (`wp:post_id`, `wp:post_type`, `wp:status`; `wp:comment_id`,
`wp:author_login`, `wp:category_nicename`, `wp:tag_slug`) or with an id or a date that cannot be
read. Lines and columns count from 1.

Memory stays bounded by the largest single item (a post with its comments): the file is read in
chunks through expat on defusedxml's parser (`articles.safe_xml`); only the `<item>` being read is
kept as a tree, and dropped once it has become a dataclass.

Saving: the stream reports a malformed file only when the reader reaches the fault, possibly
after thousands of posts. A save step that must write nothing for such a file either
  1. runs `check_export(source, zone)` first (a full pass in constant memory, which also gives the
     counts for a dry run and collects nothing), then reads again and saves; or
  2. consumes the whole stream inside one `transaction.atomic()`: the error raised from the
     iterator rolls everything back.
Both keep attachments by id (`Attachment` is small) until the end, then settle lead photos.
"""

import datetime as dt
import os
import re
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from ..safe_xml import Node, XmlFileError, stream_xml
from .html_tree import plain_line
from .items import (
    COMMENT_STATUS,
    COMMENT_TYPES,
    MENU_POST_TYPES,
    SKIPPED_ATTACHMENT_COMMENTS,
    SKIPPED_AUTO_DRAFT,
    SKIPPED_CUSTOM_POST_TYPE,
    SKIPPED_MENU,
    SKIPPED_OTHER_COMMENT,
    SKIPPED_OTHER_TERM,
    SKIPPED_PAGE,
    SKIPPED_PINGBACK,
    SKIPPED_TRACKBACK,
    SKIPPED_TRASH,
    SKIPPED_UNKNOWN_STATUS,
    STORY_STATUS,
    Attachment,
    Author,
    Category,
    Comment,
    ExportSummary,
    Post,
    Skipped,
    Tag,
    TermRef,
    WordPressSite,
)

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

# Namespaces, by the prefix WordPress gives them; the wp and excerpt ones carry the WXR version.
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/?$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/(?:export|extension)/\d+\.\d+/excerpt/?$")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
SITE_FIELDS = frozenset(
    {"title", "link", "description", "language", "wp:wxr_version", "wp:base_site_url", "wp:base_blog_url"}
)
WP_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")


class WordPressExportError(XmlFileError):
    """A WordPress export that cannot be read: `path`, `line` and `column` (from 1) of the fault, `reason`."""


def short_name(tag):
    """An expat name by its WXR prefix: "http://wordpress.org/export/1.2/}post_id" → "wp:post_id"
    (names in other namespaces stay "uri}local")."""
    uri, separator, local = tag.rpartition("}")
    if not separator:
        return tag
    if uri in NAMESPACES:
        prefix = NAMESPACES[uri]
    elif WP_NAMESPACE.match(uri):
        prefix = "wp"
    elif EXCERPT_NAMESPACE.match(uri):
        prefix = "excerpt"
    else:
        return tag
    return f"{prefix}:{local}"


def readable_name(tag):
    """An expat name as an error message shows it: "http://www.w3.org/2005/Atom}feed" → "<feed> (namespace …)"."""
    uri, separator, local = tag.rpartition("}")
    return f"<{local}> (namespace {uri})" if separator else f"<{tag}>"


def decode_slug(value):
    """A WordPress slug percent-decoded ("%ed%95%9c" → "한"); as stored when it is not UTF-8."""
    value = value.strip()
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value


class _Fields:
    """An element's children by name (the first of each), and the repeated ones in lists."""

    REPEATED = ("category", "wp:postmeta", "wp:comment", "wp:commentmeta")

    def __init__(self, node):
        self.node = node
        self.first = {}
        self.repeated = {name: [] for name in self.REPEATED}
        for child in node.children:
            if child.name in self.repeated:
                self.repeated[child.name].append(child)
            else:
                self.first.setdefault(child.name, child)

    def text(self, name):
        child = self.first.get(name)
        return child.text if child is not None else ""

    def value(self, name):
        return self.text(name).strip()


class _ExportReader:
    """expat's handlers for elements and text: builds channel children as Node trees and turns
    each into items as it closes. Names are expat's ("uri}local"), attributes its ordered list."""

    def __init__(self, path, zone):
        self.path = path
        self.zone = zone
        self.expat = None  # the expat parser, whose position is the current event's during a callback
        self.depth = 0
        self.stack = []
        self.names = {}
        self.site_fields = {}
        self.site = None
        self.seen_channel = False
        self.ready = []

    # expat handlers (the hot path: one call per element and per run of text).

    def start_element(self, tag, attributes):
        name = self.names.get(tag)
        if name is None:
            name = short_name(tag)
            if len(self.names) < 1000:
                self.names[tag] = name
        self.depth += 1
        line, column = self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1
        if self.depth >= 3:
            node = Node(name, attributes, line, column)
            if self.stack:
                self.stack[-1].children.append(node)
            self.stack.append(node)
        elif self.depth == 1:
            if name != "rss":
                reason = f"the root element is {readable_name(tag)}, not <rss>: this is not a WordPress export"
                raise self.error(line, column, reason)
        elif self.depth == 2:
            if name != "channel" or self.seen_channel:
                raise self.error(line, column, f"<rss> holds one <channel>, found <{name}> here")
            self.seen_channel = True

    def character_data(self, text):
        if self.stack:
            self.stack[-1].parts.append(text)

    # ElementTree's handler for entity references (which raises for undefined ones) looks for the
    # target's `data`; without it such a reference would be dropped silently.
    data = character_data

    def end_element(self, tag):
        depth = self.depth
        self.depth -= 1
        if depth >= 3:
            node = self.stack.pop()
            if depth == 3:
                self.channel_child(node)
        elif depth == 2 and self.site is None:
            line, column = self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1
            self.ensure_site(line, column, "the end of <channel>")

    def finish(self):
        if not self.seen_channel:
            raise self.error(1, 1, "<rss> has no <channel>: this is not a WordPress export")

    # Items.

    def error(self, line, column, reason):
        return WordPressExportError(self.path, line, column, reason)

    def take_ready(self):
        ready, self.ready = self.ready, []
        return ready

    def channel_child(self, node):
        name = node.name
        if name in SITE_FIELDS:
            if self.site is None:
                self.site_fields.setdefault(name, node)
            return
        reader = {
            "item": self.read_item,
            "wp:author": self.read_author,
            "wp:category": self.read_category,
            "wp:tag": self.read_tag,
            "wp:term": self.read_term,
        }.get(name)
        if reader is None:
            return  # <generator>, <pubDate>, <image>, <atom:link>…
        try:
            self.ensure_site(node.line, node.column, f"the first <{name}>")
            reader(node)
        except WordPressExportError:
            raise
        except Exception as error:
            # A bug met on text nobody foresaw (a title's markup…): said where, as a malformed file is.
            reason = f"<{name}> could not be read: unexpected error ({type(error).__name__}: {error})"
            raise self.error(node.line, node.column, reason) from error

    def ensure_site(self, line, column, where):
        if self.site is not None:
            return
        fields = self.site_fields
        version = fields.get("wp:wxr_version")
        if version is None:
            raise self.error(
                line, column, f"no <wp:wxr_version> before {where}: this is an RSS feed, not a WordPress export (WXR)"
            )
        if version.text.strip() not in SUPPORTED_VERSIONS:
            readable = ", ".join(SUPPORTED_VERSIONS)
            reason = f"WXR version {version.text.strip()!r} is not one this importer reads ({readable})"
            raise self.error(version.line, version.column, reason)

        def text(name):
            return fields[name].text.strip() if name in fields else ""

        self.site = WordPressSite(
            title=plain_line(text("title")),
            link=text("link"),
            description=plain_line(text("description")),
            language=text("language"),
            wxr_version=version.text.strip(),
            base_site_url=text("wp:base_site_url"),
            base_blog_url=text("wp:base_blog_url"),
            line=min(node.line for node in fields.values()),
        )
        self.ready.append(self.site)

    def required(self, fields, name):
        child = fields.first.get(name)
        if child is None or not child.text.strip():
            node = fields.node
            raise self.error(node.line, node.column, f"<{node.name}> has no <{name}>")
        return child.text.strip()

    def integer(self, fields, name, *, required=False):
        """The int in element `name`; None when absent or empty (unless required)."""
        text = self.required(fields, name) if required else fields.value(name)
        if not text:
            return None
        if not text.isascii() or not text.isdigit():
            child = fields.first[name]
            raise self.error(child.line, child.column, f"<{name}> is {text!r}, not a number")
        return int(text)

    def wall_clock(self, fields, name):
        """The naive datetime in element `name` ("2024-05-01 09:30:00"); None for empty or zeros."""
        text = fields.value(name)
        if not text or text.startswith("0000-00-00"):
            return None
        match = WP_DATE.fullmatch(text)
        child = fields.first[name]
        if not match:
            raise self.error(child.line, child.column, f"<{name}> is {text!r}, not a date (YYYY-MM-DD HH:MM:SS)")
        try:
            return dt.datetime(*(int(part or 0) for part in match.groups()))
        except ValueError as error:
            raise self.error(child.line, child.column, f"<{name}> is {text!r}: {error}") from None

    def moment(self, fields, gmt_name, local_name):
        """(aware UTC datetime or None, naive local datetime or None) from a GMT and a local field."""
        local = self.wall_clock(fields, local_name)
        gmt = self.wall_clock(fields, gmt_name)
        if gmt is not None:
            return gmt.replace(tzinfo=dt.UTC), local
        if local is None:
            return None, None
        try:
            # A wall-clock time that occurs twice (the hour a summer time ends) is read as the first.
            return local.replace(tzinfo=self.zone).astimezone(dt.UTC), local
        except OverflowError:
            child = fields.first[local_name]
            raise self.error(child.line, child.column, f"<{local_name}> is out of range in {self.zone}") from None

    def read_author(self, node):
        fields = _Fields(node)
        self.ready.append(
            Author(
                id=self.integer(fields, "wp:author_id"),
                login=self.required(fields, "wp:author_login"),
                display_name=plain_line(fields.text("wp:author_display_name")),
                email=fields.value("wp:author_email"),
                first_name=plain_line(fields.text("wp:author_first_name")),
                last_name=plain_line(fields.text("wp:author_last_name")),
                line=node.line,
            )
        )

    def read_category(self, node):
        fields = _Fields(node)
        self.ready.append(
            Category(
                term_id=self.integer(fields, "wp:term_id"),
                slug=decode_slug(self.required(fields, "wp:category_nicename")),
                name=plain_line(fields.text("wp:cat_name")),
                parent=decode_slug(fields.value("wp:category_parent")),
                description=plain_line(fields.text("wp:category_description")),
                line=node.line,
            )
        )

    def read_tag(self, node):
        fields = _Fields(node)
        self.ready.append(
            Tag(
                term_id=self.integer(fields, "wp:term_id"),
                slug=decode_slug(self.required(fields, "wp:tag_slug")),
                name=plain_line(fields.text("wp:tag_name")),
                description=plain_line(fields.text("wp:tag_description")),
                line=node.line,
            )
        )

    def read_term(self, node):
        fields = _Fields(node)
        taxonomy = fields.value("wp:term_taxonomy")
        kind = SKIPPED_MENU if taxonomy == "nav_menu" else SKIPPED_OTHER_TERM
        self.ready.append(Skipped(kind, taxonomy, self.integer(fields, "wp:term_id"), node.line))

    def read_item(self, node):
        fields = _Fields(node)
        post_id = self.integer(fields, "wp:post_id", required=True)
        post_type = self.required(fields, "wp:post_type")
        status = self.required(fields, "wp:status")
        comments = fields.repeated["wp:comment"]

        def skip(kind, detail=""):
            self.ready.append(Skipped(kind, detail, post_id, node.line, comment_count=len(comments)))

        if status == "trash":
            skip(SKIPPED_TRASH, post_type)
        elif post_type == "attachment":
            self.ready.append(self.attachment(fields, post_id))
            if comments:
                skip(SKIPPED_ATTACHMENT_COMMENTS)
        elif post_type == "page":
            skip(SKIPPED_PAGE)
        elif post_type in MENU_POST_TYPES:
            skip(SKIPPED_MENU, post_type)
        elif post_type != "post":
            skip(SKIPPED_CUSTOM_POST_TYPE, post_type)
        elif status == "auto-draft":
            skip(SKIPPED_AUTO_DRAFT)
        elif status not in STORY_STATUS:
            skip(SKIPPED_UNKNOWN_STATUS, status)
        else:
            post, skipped_comments = self.post(fields, post_id, post_type, status)
            self.ready.append(post)
            self.ready.extend(skipped_comments)

    def meta(self, fields):
        meta = {}
        for entry in fields.repeated["wp:postmeta"]:
            entry_fields = _Fields(entry)
            meta.setdefault(entry_fields.value("wp:meta_key"), entry_fields.text("wp:meta_value"))
        return meta

    def attachment(self, fields, post_id):
        meta = self.meta(fields)
        published_at, _ = self.moment(fields, "wp:post_date_gmt", "wp:post_date")
        return Attachment(
            id=post_id,
            title=plain_line(fields.text("title")),
            url=fields.value("wp:attachment_url"),
            file=meta.get("_wp_attached_file", "").strip(),
            alt=plain_line(meta.get("_wp_attachment_image_alt", "")),
            caption=plain_line(fields.text("excerpt:encoded")),
            description=fields.text("content:encoded"),
            parent_id=self.integer(fields, "wp:post_parent") or None,
            menu_order=self.integer(fields, "wp:menu_order") or 0,
            published_at=published_at,
            line=fields.node.line,
        )

    def terms(self, fields):
        """(categories, tags, other terms) of an item, each a tuple without repeats.

        WXR 1.0 writes each term twice, once without a nicename; its tags' domain is "tag".
        """
        found = {"category": {}, "post_tag": {}, "other": {}}
        for element in fields.repeated["category"]:
            domain = element.attribute("domain", "category")
            group = {"category": "category", "post_tag": "post_tag", "tag": "post_tag"}.get(domain, "other")
            name = plain_line(element.text)
            slug = decode_slug(element.attribute("nicename"))
            key = (domain, name) if group == "other" else name
            known = found[group].get(key)
            if known is None or (slug and not known[1]):
                found[group][key] = (domain, slug, name)
        categories = tuple(TermRef(slug, name) for _, slug, name in found["category"].values())
        tags = tuple(TermRef(slug, name) for _, slug, name in found["post_tag"].values())
        others = tuple((domain, TermRef(slug, name)) for domain, slug, name in found["other"].values())
        return categories, tags, others

    def post(self, fields, post_id, post_type, status):
        """(Post, [Skipped comments]): the skipped comments follow their post in the stream."""
        meta = self.meta(fields)
        published_at, local_date = self.moment(fields, "wp:post_date_gmt", "wp:post_date")
        modified_at, _ = self.moment(fields, "wp:post_modified_gmt", "wp:post_modified")
        categories, tags, others = self.terms(fields)
        thumbnail = meta.get("_thumbnail_id", "").strip()
        comments, skipped = [], []
        for element in fields.repeated["wp:comment"]:
            comment = self.read_comment(_Fields(element), post_id)
            (comments if isinstance(comment, Comment) else skipped).append(comment)
        post_name = fields.value("wp:post_name")
        post = Post(
            id=post_id,
            title=plain_line(fields.text("title")),
            link=fields.value("link"),
            guid=fields.value("guid"),
            post_name=post_name,
            slug=decode_slug(post_name),
            content=fields.text("content:encoded"),
            excerpt=fields.text("excerpt:encoded"),
            published_at=published_at,
            local_date=local_date,
            modified_at=modified_at,
            status=status,
            post_type=post_type,
            author_login=fields.value("dc:creator"),
            categories=categories,
            tags=tags,
            other_terms=others,
            sticky=fields.value("wp:is_sticky") == "1",
            password_protected=bool(fields.text("wp:post_password")),
            comments_open=fields.value("wp:comment_status") != "closed",
            parent_id=self.integer(fields, "wp:post_parent") or None,
            menu_order=self.integer(fields, "wp:menu_order") or 0,
            thumbnail_id=int(thumbnail) if thumbnail.isascii() and thumbnail.isdigit() else None,
            postmeta=meta,
            comments=tuple(comments),
            line=fields.node.line,
        )
        return post, skipped

    def read_comment(self, fields, post_id):
        comment_id = self.integer(fields, "wp:comment_id", required=True)
        comment_type = fields.value("wp:comment_type")
        if comment_type not in COMMENT_TYPES:
            kind = {"pingback": SKIPPED_PINGBACK, "trackback": SKIPPED_TRACKBACK}.get(comment_type)
            return Skipped(
                kind or SKIPPED_OTHER_COMMENT, "" if kind else comment_type, comment_id, fields.node.line, post_id
            )
        approved = fields.value("wp:comment_approved")
        published_at, _ = self.moment(fields, "wp:comment_date_gmt", "wp:comment_date")
        return Comment(
            id=comment_id,
            post_id=post_id,
            parent_id=self.integer(fields, "wp:comment_parent") or None,
            author=plain_line(fields.text("wp:comment_author")),
            author_email=fields.value("wp:comment_author_email"),
            author_url=fields.value("wp:comment_author_url"),
            author_ip=fields.value("wp:comment_author_IP"),
            published_at=published_at,
            status=COMMENT_STATUS.get(approved, "pending"),
            approved=approved,
            type="comment",
            content=fields.text("wp:comment_content"),
            user_id=self.integer(fields, "wp:comment_user_id") or None,
            line=fields.node.line,
        )


def _read(stream, path, zone):
    return stream_xml(stream, path, _ExportReader(path, zone), WordPressExportError)


def read_export(source, site_zone="UTC"):
    """The items of a WordPress export, as an iterator (see the module docstring for the order).

    `source`: a path (str or os.PathLike) or a binary file object. `site_zone`: the WordPress
    site's time zone (a tzinfo, or a name such as "Asia/Seoul"; WXR does not record it), for
    dates whose GMT value is zeros. The file is opened and read as the iterator is consumed.

    Raises `WordPressExportError` while iterating (see the module docstring), `OSError` when the
    file cannot be read, `ZoneInfoNotFoundError` at once for an unknown zone name.
    """
    zone = site_zone if isinstance(site_zone, dt.tzinfo) else ZoneInfo(site_zone)
    if hasattr(source, "read"):
        return _read(source, getattr(source, "name", "<export>"), zone)
    return _read_path(os.fspath(source), zone)


def _read_path(path, zone):
    with open(path, "rb") as stream:
        yield from _read(stream, path, zone)


def check_export(source, site_zone="UTC"):
    """Read the whole export and count what it holds: an `ExportSummary`. Keeps nothing else.

    Raises what `read_export` raises; a file it accepts reads the same way a second time.
    """
    summary = ExportSummary()
    for item in read_export(source, site_zone):
        if isinstance(item, WordPressSite):
            summary.site = item
        elif isinstance(item, Author):
            summary.authors += 1
        elif isinstance(item, Category):
            summary.categories += 1
        elif isinstance(item, Tag):
            summary.tags += 1
        elif isinstance(item, Post):
            summary.posts[item.status] += 1
            summary.comments.update(comment.status for comment in item.comments)
        elif isinstance(item, Attachment):
            summary.attachments += 1
        else:
            summary.skipped[item.kind] += 1
            summary.skipped_comments += item.comment_count
    return summary
