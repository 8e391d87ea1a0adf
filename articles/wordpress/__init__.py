"""Moving a WordPress site's posts into stories (issue 10): the pure half, reading and converting.

- `export`: a WXR file (WordPress's Tools → Export) read as a stream of dataclasses
  (`read_export`, `check_export`, `old_addresses`), errors as `WordPressExportError`.
- `content`: a post's HTML converted into our body subset (`convert_post_content`), with what was
  dropped counted; `plain_line`/`plain_text` for titles, names, excerpts and comments.
- `shortcodes` and `html_tree`: the two stages `content` runs (text-level shortcodes and
  auto-embeds; a forgiving HTML tree).

Nothing here touches the database; the step that saves stories, photos and comments comes with
the `import_wordpress` command.
"""

from .content import (
    ContentConversionError,
    ConvertedContent,
    ImageReference,
    convert_post_content,
    plain_line,
    plain_text,
)
from .export import (
    Attachment,
    Author,
    Category,
    Comment,
    ExportSummary,
    Post,
    Skipped,
    Tag,
    TermRef,
    WordPressExportError,
    WordPressSite,
    check_export,
    old_addresses,
    read_export,
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
