"""The first pass over an export: everything is read (so a malformed file fails before anything is
written) and what posts refer to is kept: authors, categories, tags, attachments, and the counts.

Pure, like the reader: `index_export(source, site_zone)` returns an `ExportIndex`. WordPress writes
attachments wherever their id falls, often after the posts that show them; with the index made
first, the save step has every attachment at hand when it reaches a post. Memory grows with the
number of attachments (about 300 bytes each, without their descriptions) and terms, never with
posts or comments.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .export import read_export
from .items import Attachment, Author, Category, Post, Skipped, Tag, WordPressSite

# A resized copy WordPress made of an upload: "harbour-1024x683.jpg" of "harbour.jpg".
RESIZED_COPY = re.compile(r"-\d{1,5}x\d{1,5}(?=\.[A-Za-z0-9]+$)")


@dataclass(frozen=True)
class AttachmentInfo:
    """What the save step needs of an attachment: `id`, `file` (inside the uploads folder:
    "2024/05/quay.jpg"), `url`, `alt`, `caption`, `title`, `parent_id`, `menu_order`, `is_image`.

    It has what `convert_post_content` reads of an `Attachment` for a [gallery], so the index's
    `attachments` can be given to it as they are."""

    id: int
    file: str
    url: str
    alt: str
    caption: str
    title: str
    parent_id: int | None
    menu_order: int
    is_image: bool

    @classmethod
    def of(cls, attachment):
        return cls(
            id=attachment.id,
            file=attachment.file,
            url=attachment.url,
            alt=attachment.alt,
            caption=attachment.caption,
            title=attachment.title,
            parent_id=attachment.parent_id,
            menu_order=attachment.menu_order,
            is_image=attachment.is_image,
        )


@dataclass
class ExportIndex:
    """One export read through: `path`, the `site` (a `WordPressSite`), `authors` by login,
    `categories` and `tags` by slug, `attachments` by id and `attachments_by_file` by their file
    inside the uploads folder, the number of `posts` and of their `comments`, and what is skipped
    (`skipped`: Counter by `Skipped.kind`, `skipped_comments`: comments of skipped items)."""

    path: str
    site: WordPressSite | None = None
    authors: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    attachments: dict = field(default_factory=dict)
    attachments_by_file: dict = field(default_factory=dict)
    posts: int = 0
    comments: int = 0
    # The path of each post's permalink (`<link>`, decoded, with its query), to recognise a site
    # imported before under another home address (`moved_from`).
    post_paths: set = field(default_factory=set)
    skipped: Counter = field(default_factory=Counter)
    skipped_comments: int = 0

    def attachment_for(self, reference):
        """The `AttachmentInfo` an image in a post's body (`content.ImageReference`) shows, or None.

        By the editor's attachment id (`wp-image-N`) when the export has it, else by the file the
        address names inside the uploads folder, or the original of a resized copy.
        """
        if reference.attachment_id in self.attachments:
            return self.attachments[reference.attachment_id]
        path = reference.uploads_path
        if not path:
            return None
        return self.attachments_by_file.get(path) or self.attachments_by_file.get(RESIZED_COPY.sub("", path))


def permalink_path(link):
    """The path of a post's permalink (str) as OldAddress keeps it (decoded, with its query), or ""
    for a plain permalink (`/?p=12`), which every WordPress site has and so tells no site apart."""
    try:
        parts = urlsplit(link or "")
    except ValueError:
        return ""
    if parts.path.rstrip("/") == "":
        return ""
    return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def index_export(source, site_zone="UTC"):
    """Read the whole export `source` (a path or binary file object) into an `ExportIndex`.

    Raises what `read_export` raises (`WordPressExportError` for a malformed file, `OSError`).
    """
    index = ExportIndex(path=str(getattr(source, "name", source)))
    for item in read_export(source, site_zone):
        if isinstance(item, Post):
            index.posts += 1
            index.comments += len(item.comments)
            if path := permalink_path(item.link):
                index.post_paths.add(path)
        elif isinstance(item, Attachment):
            info = AttachmentInfo.of(item)
            index.attachments[item.id] = info
            if item.file:
                index.attachments_by_file.setdefault(item.file, info)
        elif isinstance(item, Skipped):
            index.skipped[item.kind] += 1
            index.skipped_comments += item.comment_count
        elif isinstance(item, WordPressSite):
            index.site = item
        elif isinstance(item, Author):
            index.authors[item.login] = item
        elif isinstance(item, Category):
            index.categories[item.slug] = item
        elif isinstance(item, Tag):
            index.tags[item.slug] = item
    return index
