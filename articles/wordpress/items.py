"""What a WordPress export holds, as plain dataclasses: what `articles.wordpress.export` yields.

Also the rules that map WordPress's vocabulary to ours (post and comment statuses, the kinds of
things not imported) and the old addresses of a post, so that the save step finds them in one
place.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .shortcodes import is_image_file

# WordPress post statuses we import, and the story status each becomes (Story.Status values). A
# future post is published with a publication time to come: the site shows it as scheduled. A
# pending post waited for an editor's review: ours is "in review".
STORY_STATUS = {
    "publish": "published",
    "future": "published",
    "draft": "draft",
    "pending": "in_review",
    "private": "draft",
}
# wp:comment_approved → Comment.Status values. Anything else is held for moderation.
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "removed", "post-trashed": "removed"}
COMMENT_TYPES = frozenset({"", "comment"})
MENU_POST_TYPES = frozenset({"nav_menu_item", "wp_navigation"})

# Skipped.kind values.
SKIPPED_PAGE = "page"
SKIPPED_MENU = "menu"
SKIPPED_CUSTOM_POST_TYPE = "custom post type"
SKIPPED_TRASH = "item in the trash"
SKIPPED_AUTO_DRAFT = "auto-draft"
SKIPPED_UNKNOWN_STATUS = "post of an unknown status"
SKIPPED_PINGBACK = "pingback"
SKIPPED_TRACKBACK = "trackback"
SKIPPED_OTHER_COMMENT = "comment of another type"
SKIPPED_OTHER_TERM = "term of another taxonomy"
SKIPPED_ATTACHMENT_COMMENTS = "comments on an attachment"


@dataclass(frozen=True)
class WordPressSite:
    """The export's channel: `title`, `link` (the site's home address), `description`,
    `language` ("en-US", "ko-KR"), `wxr_version` ("1.2"), `base_site_url` and `base_blog_url`
    (WordPress's own addresses, "" in WXR 1.0 files that lack them), `line` of `<channel>`'s first field."""

    title: str
    link: str
    description: str
    language: str
    wxr_version: str
    base_site_url: str
    base_blog_url: str
    line: int


@dataclass(frozen=True)
class Author:
    """A WordPress user who wrote posts (`wp:author`, WXR 1.1 and later)."""

    id: int | None
    login: str
    display_name: str
    email: str
    first_name: str
    last_name: str
    line: int

    @property
    def byline(self):
        """The name readers saw: the display name, else first and last name, else the login."""
        return self.display_name or " ".join(filter(None, (self.first_name, self.last_name))) or self.login


@dataclass(frozen=True)
class Category:
    """A category (`wp:category`): `slug` (the nicename, percent-decoded: "국제"), `name` (plain
    text), `parent` (the parent's slug, "" at the top), `description`."""

    term_id: int | None
    slug: str
    name: str
    parent: str
    description: str
    line: int


@dataclass(frozen=True)
class Tag:
    """A tag (`wp:tag`): `slug` percent-decoded, `name` as written ("우크라이나", plain text)."""

    term_id: int | None
    slug: str
    name: str
    description: str
    line: int


@dataclass(frozen=True)
class TermRef:
    """A post's category or tag: `slug` (decoded nicename, "" when the file gives none) and `name`."""

    slug: str
    name: str


@dataclass(frozen=True)
class Comment:
    """A comment (`wp:comment`) on an imported post.

    `parent_id` is the WordPress id of the comment replied to (None at the top; it may name a
    comment that was skipped or is absent: treat the reply as top-level then). `status` is
    "approved", "pending", "spam" or "removed" (Comment.Status values; `approved` holds WordPress's
    own value). `published_at` is aware UTC (from `wp:comment_date_gmt`, else `wp:comment_date` in
    the site's zone; None when both are empty). `content` is as WordPress stores it (text with
    newlines, perhaps some HTML): `articles.wordpress.plain_text` makes it our text.
    """

    id: int
    post_id: int
    parent_id: int | None
    author: str
    author_email: str
    author_url: str
    author_ip: str
    published_at: dt.datetime | None
    status: str
    approved: str
    type: str
    content: str
    user_id: int | None
    line: int


@dataclass(frozen=True)
class Post:
    """A post (`<item>` of type "post") to import as a story.

    `title` is plain text. `post_name` is WordPress's slug as stored (percent-encoded for
    non-ASCII: "%ec%9a%b0…"), `slug` the same decoded ("우크라이나-…"). `content` and `excerpt` are
    WordPress HTML as stored (convert with `convert_post_content`; `plain_text` for the excerpt).
    `published_at` is aware UTC: `wp:post_date_gmt`, or, when that is 0000-00-00 00:00:00 (drafts,
    some imports), `wp:post_date` read in the site's zone; None when both are empty. `local_date` is
    `wp:post_date` as written (naive, the site's wall clock), which WordPress uses in permalinks.
    `status` is WordPress's (publish, future, draft, pending, private); `story_status` ours.
    `postmeta` holds each meta key's first value, as WordPress's `get_post_meta($id, $key, true)`.
    """

    id: int
    title: str
    link: str
    guid: str
    post_name: str
    slug: str
    content: str
    excerpt: str
    published_at: dt.datetime | None
    local_date: dt.datetime | None
    modified_at: dt.datetime | None
    status: str
    post_type: str
    author_login: str
    categories: tuple
    tags: tuple
    other_terms: tuple
    sticky: bool
    password_protected: bool
    comments_open: bool
    parent_id: int | None
    menu_order: int
    thumbnail_id: int | None
    postmeta: dict
    comments: tuple
    line: int

    @property
    def story_status(self):
        """Ours: "published", "in_review" or "draft" (Story.Status values). Publish and future posts are
        published (a future one at its time to come: scheduled); pending posts are in review; draft
        and private posts are drafts.
        A password-protected post is a draft whatever its status: we have no passwords, and
        publishing it would show what its author hid."""
        return "draft" if self.password_protected else STORY_STATUS[self.status]

    @property
    def scheduled(self):
        """Whether WordPress had this post waiting for its publication time (status "future")."""
        return self.status == "future"


@dataclass(frozen=True)
class Attachment:
    """An uploaded file (`<item>` of type "attachment"): `url` (`wp:attachment_url`), `file` (the
    path inside the uploads folder, `_wp_attached_file`: "2024/05/harbour.jpg"), `alt`
    (`_wp_attachment_image_alt`), `caption` (the excerpt, plain text), `description` (the content,
    HTML), `parent_id` (the post it was uploaded to, None if none)."""

    id: int
    title: str
    url: str
    file: str
    alt: str
    caption: str
    description: str
    parent_id: int | None
    menu_order: int
    published_at: dt.datetime | None
    line: int

    @property
    def is_image(self):
        """Whether the file is an image, by its extension (jpg, png, webp, …)."""
        return is_image_file(self.file or self.url)


@dataclass(frozen=True)
class Skipped:
    """Something in the export that is not imported: `kind` (one of the SKIPPED_ constants),
    `detail` (the post type, taxonomy or comment type, when it says more), the WordPress id, the
    post a skipped comment belongs to, how many comments a skipped item had, and the line."""

    kind: str
    detail: str
    wordpress_id: int | None
    line: int
    post_id: int | None = None
    comment_count: int = 0


@dataclass
class ExportSummary:
    """What `check_export` counted: the site, and counts by kind."""

    site: WordPressSite | None = None
    authors: int = 0
    categories: int = 0
    tags: int = 0
    posts: Counter = field(default_factory=Counter)  # by WordPress status
    comments: Counter = field(default_factory=Counter)  # by our status, for imported posts
    attachments: int = 0
    skipped: Counter = field(default_factory=Counter)  # by Skipped.kind
    skipped_comments: int = 0  # comments of skipped items


def old_addresses(post, site):
    """The addresses (str: a path, decoded, with its query if any) readers may have for `post`:
    its permalink (`<link>`), `/?p=<id>`, the date permalinks `/YYYY/MM/DD/slug/` and
    `/YYYY/MM/slug/` (WordPress builds them from the local `post_date`), and `/slug/` (which
    WordPress answers on any site, guessing the post from its slug), under the folder of the site's
    address when WordPress lived in one (`https://example.org/blog` → `/blog/…`)."""
    try:
        prefix = unquote(urlsplit(site.link).path).rstrip("/")
    except ValueError:
        prefix = ""
    addresses = []
    try:
        link = urlsplit(post.link)
    except ValueError:
        link = None
    if link and link.path:
        addresses.append(unquote(link.path) + (f"?{link.query}" if link.query else ""))
    addresses.append(f"{prefix}/?p={post.id}")
    if post.local_date and post.slug:
        date = post.local_date
        addresses.append(f"{prefix}/{date:%Y/%m/%d}/{post.slug}/")
        addresses.append(f"{prefix}/{date:%Y/%m}/{post.slug}/")
    if post.slug:
        addresses.append(f"{prefix}/{post.slug}/")
    return list(dict.fromkeys(addresses))


def comment_feed_addresses(post, site):
    """The addresses (str, as `old_addresses`) of the feed of `post`'s comments on WordPress: each
    of its page addresses with `feed/` after it (`/2024/05/06/slug/feed/`, `/slug/feed/`), and
    `/?p=<id>&feed` for `/?p=<id>&feed=rss2` (any feed type: the stored form names none)."""
    feeds = []
    for address in old_addresses(post, site):
        path, _, query = address.partition("?")
        if query.startswith("p=") and query[2:].isdigit():
            feeds.append(f"{address}&feed")
        elif not query:
            feeds.append(f"{path.rstrip('/')}/feed/")
    return list(dict.fromkeys(feeds))
