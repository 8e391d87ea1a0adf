"""Moving a WordPress site's posts into stories (issue 10): the pure half, reading and converting.

- `export`: a WXR file (WordPress's Tools → Export) read as a stream of dataclasses
  (`read_export`, `check_export`), errors as `WordPressExportError`.
- `items`: those dataclasses, the status mappings, the kinds of things skipped, `old_addresses`.
- `content`: a post's HTML converted into our body subset (`convert_post_content`), with what was
  dropped counted; `body` holds the body as it is built and writes it.
- `shortcodes` and `html_tree`: the two stages `content` runs first (text-level shortcodes and
  auto-embeds; a forgiving HTML tree, and `plain_line`/`plain_text` for titles, names, excerpts
  and comments).

Nothing here touches the database; the step that saves stories, photos and comments comes with
the `import_wordpress` command.
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
    "convert_post_content",
    "old_addresses",
    "plain_line",
    "plain_text",
    "read_export",
]
