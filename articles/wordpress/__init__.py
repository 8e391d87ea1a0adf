"""Moving a WordPress site's posts into stories (issue 10): reading, converting, saving.

- `export`: a WXR file (WordPress's Tools → Export) read as a stream of dataclasses
  (`read_export`, `check_export`), errors as `WordPressExportError`.
- `items`: those dataclasses, the status mappings, the kinds of things skipped, `old_addresses`
  and `comment_feed_addresses`.
- `content`: a post's HTML converted into our body subset (`convert_post_content`), with what was
  dropped counted; `body` holds the body as it is built and writes it.
- `shortcodes` and `html_tree`: the two stages `content` runs first (text-level shortcodes and
  auto-embeds; a forgiving HTML tree, and `plain_line`/`plain_text` for titles, names, excerpts
  and comments).

Those are pure (no database). The save step, used by the `import_wordpress` command:

- `index`: the first pass over a file (everything read, so a malformed file fails before anything
  is written; authors, terms and attachments kept for the second pass).
- `saving`: each post saved as a story in its own transaction (`SiteImport`), with `plan` (the
  story planned and fingerprinted before writing), `photos` (files of the uploads folder into the
  photo library), `terms` (categories and tags as sections and hashtags), `tally` (the counts).
- `records`: the models the import keeps (sites, posts, old addresses), registered by
  `articles.models`. Comments are saved by the comments app (`comments.wordpress`) through the
  `articles.signals.wordpress_post_imported` signal.
"""

from .content import ContentConversionError, ConvertedContent, ImageReference, convert_post_content
from .export import WordPressExportError, check_export, read_export
from .html_tree import plain_line, plain_text
from .items import (
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
    comment_feed_addresses,
    old_addresses,
)

__all__ = [
    "Attachment",
    "Author",
    "Category",
    "Comment",
    "ContentConversionError",
    "ConvertedContent",
    "ExportSummary",
    "ImageReference",
    "Post",
    "Skipped",
    "Tag",
    "TermRef",
    "WordPressExportError",
    "WordPressSite",
    "check_export",
    "comment_feed_addresses",
    "convert_post_content",
    "old_addresses",
    "plain_line",
    "plain_text",
    "read_export",
]
