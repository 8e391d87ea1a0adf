"""WordPress post HTML → a story body in our HTML subset, with a count of what did not fit.

`convert_post_content(html)` is pure: it returns a `ConvertedContent` (the body, what was dropped
and why, the images and the videos the body shows) or raises `ContentConversionError`.

The body uses only `p`, `br`, `strong`, `em`, `a href`, `h2`, `h3`, `ul`, `ol`, `li`,
`blockquote` and `img src alt`: `<h1>` becomes `<h2>`, `<h4>`–`<h6>` become `<h3>`, `<b>`/`<i>`
become `<strong>`/`<em>`. Every tag of the output is written here from scratch (text escaped,
attributes chosen), so nothing of the input's markup passes through. The site's nh3 cleaner runs
on save all the same (`articles.rich_text`, a later step).

What WordPress does to content when it shows a post, and we do here:

- Editor blocks (`<!-- wp:paragraph -->`…) are HTML comments around ordinary HTML: the comments go,
  the HTML stays; a self-closing block (`<!-- wp:latest-posts /-->`) is made by WordPress on
  display, so the export has nothing to show for it: counted. `<!--more-->` goes.
- wpautop: in a post without blocks (the classic editor), a blank line starts a new paragraph and
  a single newline is a line break, except inside `<pre>` and where a block element begins or
  ends. WordPress skips wpautop for posts with blocks (do_blocks removes the filter), so do we.
- Shortcodes and addresses alone on their line: `articles.wordpress.shortcodes`.

A captioned image (`[caption]`, `<figure>` with `<figcaption>`) is written as the `<img>` and,
after it, the caption as `<p><em>…</em></p>`; its `ImageReference` carries the same caption. A
YouTube or Vimeo video is written as a paragraph linking to the video's page
(`<p><a href="https://www.youtube.com/watch?v=…">…</a></p>`) and listed in `embeds` in the same
order. Images are blocks of their own: an image inside a paragraph splits it; images inside a
list item or a heading follow the list or heading. Tables become one paragraph per row (cells
separated by " | "), preformatted text plain paragraphs: both counted. Scripts, styles, forms,
frames other than YouTube/Vimeo players, and formatting we have no tag for (`<sup>`, `<code>`,
`<del>`…, their text kept) are counted in `dropped`, keyed by what an editor reads in a report.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from ..text import clean_control_characters
from .body import (
    EM,
    STRONG,
    Blocks,
    EmbedBlock,
    Heading,
    ImageBlock,
    Inline,
    ListBlock,
    Paragraph,
    Quote,
    collapse,
    has_text,
    link_of,
    render_blocks,
    run_text,
    with_mark,
)
from .html_tree import MAX_DEPTH, Element, parse_html, tag_names
from .shortcodes import EMBED_TAG, expand_shortcodes, is_image_file, mark_own_line_urls, video_at

MAX_CONTENT_CHARS = 5_000_000

BLOCK_MARKER = re.compile(r"<!--\s*/?wp:")
# The text of a self-closing block comment: " wp:latest-posts {…} /".
SELF_CLOSING_BLOCK = re.compile(r"^\s*wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)(?:\s.*)?/\s*$", re.S)
BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
WP_IMAGE_CLASS = re.compile(r"(?:^|\s)wp-image-(\d+)(?:\s|$)")
UPLOADS_FOLDER = "/wp-content/uploads/"

# Elements that hold blocks and mean nothing themselves: their content continues in place, as
# its own paragraphs.
BLOCK_CONTAINERS = tag_names(
    "p div section article header footer main aside nav "
    "center address hgroup details summary dl fieldset legend body html"
)
# Inline elements that carry no meaning we lose by unwrapping them.
TRANSPARENT = tag_names("span font abbr acronym time bdi bdo label nobr data cite picture source wbr param")
# Formatting we have no tag for: unwrapped, the text kept, counted.
FORMATTING = tag_names("u s strike del ins sub sup code kbd samp tt var mark small big q dfn blink marquee")
# Removed with everything inside, counted: "what (<tag>)".
DROPPED_ELEMENTS = {
    "script": "script",
    "style": "style sheet",
    "noscript": "content for browsers without scripts",
    "template": "template",
    "video": "video file",
    "audio": "audio file",
    "canvas": "drawing",
    "svg": "drawing",
    "math": "formula",
    "form": "form",
    "input": "form field",
    "select": "form field",
    "textarea": "form field",
    "button": "button",
    "map": "image map",
    "area": "image map",
    "head": "page head",
    "title": "page title",
    "meta": "page metadata",
    "link": "page metadata",
    "base": "page metadata",
    "frameset": "frames",
    "frame": "frames",
    "applet": "plugin object",
    "dialog": "dialog",
}
DROPPED_HORIZONTAL_RULE = "horizontal rule (<hr>)"
DROPPED_TABLE = "table (kept as one paragraph per row)"
DROPPED_PREFORMATTED = "preformatted text (kept as plain paragraphs)"
DROPPED_LIST_NUMBERING = "list numbering that does not start at 1"
DROPPED_ANCHOR_LINK = "link to a place in the same page (its text kept)"
DROPPED_IMAGE_LINK = "link on an image (the image kept)"
DROPPED_IMAGE_WITHOUT_ADDRESS = "image without an address"
DROPPED_DATA_IMAGE = "image stored inside the HTML (data: address)"
DROPPED_PLUGIN = "plugin object (<object>, <embed>)"


def formatting_key(tag):
    return f"<{tag}> formatting (its text kept)"


def unknown_element_key(tag):
    return f"unknown element <{tag}> (its text kept)"


def frame_key(host):
    return f"embedded frame from {host or 'an unknown address'}"


def link_scheme_key(scheme):
    return f"link to a {scheme}: address (its text kept)"


def block_key(name):
    return f"block wp:{name} (made by WordPress when the post is shown; not in the export)"


def flattened_key():
    return f"nesting deeper than {MAX_DEPTH} elements (flattened, the text kept)"


class ContentConversionError(Exception):
    """A post's content that cannot be converted; `reason` says why (for the import's report)."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason)


@dataclass
class ImageReference:
    """An image the body shows: `src` as written in the body's `<img>` (absolute when a base
    address was given), its `alt` text, its `caption` (plain text, "" when none), and the
    WordPress attachment id from the editor's `wp-image-N` class or a gallery's `data-id`
    (None when the HTML does not say)."""

    src: str
    alt: str = ""
    caption: str = ""
    attachment_id: int | None = None

    @property
    def uploads_path(self):
        """The file's path inside WordPress's uploads folder, decoded ("2024/05/harbour-1024x683.jpg"),
        when `src` is under `/wp-content/uploads/`; "" otherwise."""
        try:
            path = unquote(urlsplit(self.src).path)
        except ValueError:
            return ""
        _, found, inside = path.partition(UPLOADS_FOLDER)
        return inside if found else ""


@dataclass
class ConvertedContent:
    """`body_html` (str, our subset, blocks separated by newlines; "" for an empty post),
    `dropped` (Counter: what was left out or changed, by reason), `images` (ImageReference, in
    body order) and `embeds` (str: the YouTube/Vimeo page address of each video, in body order).

    `blocks` is the body before it was written (`articles.wordpress.body` blocks: `ImageBlock`,
    `EmbedBlock`, `Paragraph` with `caption`, `Quote`…), for a save step that puts photos of the
    library in place of the images and writes the body again with `body.render_blocks`."""

    body_html: str
    dropped: Counter = field(default_factory=Counter)
    images: list = field(default_factory=list)
    embeds: list = field(default_factory=list)
    blocks: list = field(default_factory=list)


class _Converter:
    def __init__(self, autop, dropped, base_url):
        self.autop = autop
        self.dropped = dropped
        self.base_url = base_url
        self.images = []
        self.embeds = []
        self.handlers = {
            "strong": self.strong,
            "b": self.strong,
            "em": self.emphasis,
            "i": self.emphasis,
            "a": self.link,
            "br": self.line_break,
            "h1": self.heading,
            "h2": self.heading,
            "h3": self.heading,
            "h4": self.heading,
            "h5": self.heading,
            "h6": self.heading,
            "ul": self.list,
            "ol": self.list,
            "li": self.paragraph_of,
            "dd": self.paragraph_of,
            "dt": self.term,
            "blockquote": self.quote,
            "figure": self.figure,
            "figcaption": self.caption,
            "img": self.image,
            EMBED_TAG: self.embed_marker,
            "iframe": self.frame,
            "object": self.plugin,
            "embed": self.plugin,
            "hr": self.rule,
            "pre": self.preformatted,
            "table": self.table,
        }

    # Walking the tree.

    def walk(self, element, sink, marks, pre=False):
        for child in element.children:
            if isinstance(child, str):
                self.text(child, sink, marks, pre)
            else:
                self.element(child, sink, marks, pre)

    def text(self, text, sink, marks, pre):
        if pre:
            for index, line in enumerate(text.split("\n")):
                if index:
                    sink.add_break(marks)
                sink.add_text(collapse(line), marks)
        elif not self.autop:
            sink.add_text(collapse(text), marks)
        else:
            for index, paragraph in enumerate(BLANK_LINE.split(text)):
                if index:
                    sink.end_paragraph()
                for line_index, line in enumerate(paragraph.split("\n")):
                    if line_index:
                        sink.add_break(marks, soft=True)
                    sink.add_text(collapse(line), marks)

    def element(self, element, sink, marks, pre):
        tag = element.tag
        handler = self.handlers.get(tag)
        if handler:
            handler(element, sink, marks, pre)
        elif tag in TRANSPARENT:
            self.walk(element, sink, marks, pre)
        elif tag in BLOCK_CONTAINERS:
            sink.end_paragraph()
            self.walk(element, sink, marks, pre)
            sink.end_paragraph()
        elif tag in FORMATTING:
            self.dropped[formatting_key(tag)] += 1
            self.walk(element, sink, marks, pre)
        elif tag in DROPPED_ELEMENTS:
            self.dropped[f"{DROPPED_ELEMENTS[tag]} (<{tag}>)"] += 1
        else:
            self.dropped[unknown_element_key(tag)] += 1
            self.walk(element, sink, marks, pre)

    # Inline elements.

    def strong(self, element, sink, marks, pre):
        self.walk(element, sink, with_mark(marks, STRONG), pre)

    def emphasis(self, element, sink, marks, pre):
        self.walk(element, sink, with_mark(marks, EM), pre)

    def link(self, element, sink, marks, pre):
        address = self.link_address(element.attrs.get("href", ""))
        self.walk(element, sink, with_mark(marks, ("a", address)) if address else marks, pre)

    def line_break(self, element, sink, marks, pre):
        sink.add_break(marks)

    # Blocks.

    def paragraph_of(self, element, sink, marks, pre):
        sink.end_paragraph()
        self.walk(element, sink, marks, pre)
        sink.end_paragraph()

    def term(self, element, sink, marks, pre):
        self.paragraph_of(element, sink, with_mark(marks, STRONG), pre)

    def heading(self, element, sink, marks, pre):
        line = Inline([], item=False)
        self.walk(element, line, marks, pre)
        if has_text(line.run):
            sink.add_block(Heading(2 if element.tag in ("h1", "h2") else 3, line.run))
        else:
            sink.end_paragraph()
        for block in line.deferred:
            sink.add_block(block)

    def list(self, element, sink, marks, pre):
        start = element.attrs.get("start", "").strip()
        if (start and start != "1") or "reversed" in element.attrs:
            self.dropped[DROPPED_LIST_NUMBERING] += 1
        nested = isinstance(sink, Inline)
        deferred = sink.deferred if nested else []
        block = ListBlock(element.tag == "ol", [])
        item = None
        for child in element.children:
            if isinstance(child, str) and not child.strip():
                continue
            if isinstance(child, Element) and child.tag == "li":
                item = Inline(deferred, item=True)
                block.items.append(item)
                self.walk(child, item, marks, pre)
                continue
            if item is None:
                item = Inline(deferred, item=True)
                block.items.append(item)
            if isinstance(child, str):
                self.text(child, item, marks, pre)
            else:
                self.element(child, item, marks, pre)
        if nested:
            sink.add_list(block)
            return
        sink.add_block(block)
        for later in deferred:
            sink.add_block(later)

    def quote(self, element, sink, marks, pre):
        inner = Blocks()
        self.walk(element, inner, marks, pre)
        blocks = inner.finish()
        if blocks:
            sink.add_block(Quote(blocks))
        else:
            sink.end_paragraph()

    def figure(self, element, sink, marks, pre):
        inner, caption = Blocks(), Inline([], item=False)
        for child in element.children:
            if isinstance(child, Element) and child.tag == "figcaption":
                self.walk(child, caption, marks, pre)
            elif isinstance(child, str):
                self.text(child, inner, marks, pre)
            else:
                self.element(child, inner, marks, pre)
        blocks = inner.finish() + caption.deferred
        caption_text = run_text(caption.run)
        images = [block for block in blocks if isinstance(block, ImageBlock)]
        if caption_text and len(images) == 1:
            images[0].reference.caption = caption_text
        sink.end_paragraph()
        for block in blocks:
            sink.add_block(block)
        if caption_text:
            sink.add_block(Paragraph(caption.run, caption=True))

    def caption(self, element, sink, marks, pre):
        # A <figcaption> outside a <figure>.
        line = Inline([], item=False)
        self.walk(element, line, marks, pre)
        sink.end_paragraph()
        for block in line.deferred:
            sink.add_block(block)
        if has_text(line.run):
            sink.add_block(Paragraph(line.run, caption=True))

    def rule(self, element, sink, marks, pre):
        self.dropped[DROPPED_HORIZONTAL_RULE] += 1
        sink.end_paragraph()

    def preformatted(self, element, sink, marks, pre):
        self.dropped[DROPPED_PREFORMATTED] += 1
        self.paragraph_of(element, sink, marks, True)

    def table(self, element, sink, marks, pre):
        self.dropped[DROPPED_TABLE] += 1
        sink.end_paragraph()
        self.table_part(element, sink, marks, pre)
        sink.end_paragraph()

    def table_part(self, element, sink, marks, pre):
        for child in element.children:
            if isinstance(child, str):
                if child.strip():
                    self.text(child, sink, marks, pre)
            elif child.tag in ("thead", "tbody", "tfoot"):
                self.table_part(child, sink, marks, pre)
            elif child.tag == "tr":
                self.table_row(child, sink, marks, pre)
            elif child.tag in ("col", "colgroup"):
                continue
            else:
                # <caption>, and what does not belong in a table: a paragraph of its own.
                self.paragraph_of(child, sink, marks, pre)

    def table_row(self, element, sink, marks, pre):
        sink.end_paragraph()
        first = True
        for child in element.children:
            if isinstance(child, str):
                continue
            if child.tag in ("td", "th"):
                if not first:
                    sink.add_text(" | ", marks)
                first = False
                self.walk(child, sink, with_mark(marks, STRONG) if child.tag == "th" else marks, pre)
            else:
                self.element(child, sink, marks, pre)
        sink.end_paragraph()

    # Images and videos.

    def image(self, element, sink, marks, pre):
        reference = self.image_reference(element.attrs)
        if reference is None:
            return
        around = link_of(marks)
        if around and not links_to_the_file(around):
            self.dropped[DROPPED_IMAGE_LINK] += 1
        self.images.append(reference)
        sink.add_block(ImageBlock(reference))

    def image_reference(self, attrs):
        src = attrs.get("src", "").strip()
        if not src or src.lower().startswith("data:"):
            # Lazy-loading plugins put a placeholder in src and the image in a data- attribute.
            lazy = next(
                (attrs[name].strip() for name in ("data-src", "data-lazy-src", "data-original") if attrs.get(name)),
                "",
            )
            src = lazy or src
        if not src:
            self.dropped[DROPPED_IMAGE_WITHOUT_ADDRESS] += 1
            return None
        if src.lower().startswith("data:"):
            self.dropped[DROPPED_DATA_IMAGE] += 1
            return None
        src = self.absolute(src)
        scheme = address_scheme(src)
        if scheme not in ("http", "https", ""):
            self.dropped[DROPPED_IMAGE_WITHOUT_ADDRESS] += 1
            return None
        match = WP_IMAGE_CLASS.search(attrs.get("class", ""))
        attachment_id = match.group(1) if match else attrs.get("data-id", "").strip()
        return ImageReference(
            src=src,
            alt=collapse(attrs.get("alt", "")).strip(),
            attachment_id=int(attachment_id) if attachment_id.isdigit() else None,
        )

    def add_video(self, video, sink):
        self.embeds.append(video.page_url)
        sink.add_block(EmbedBlock(video.page_url))

    def embed_marker(self, element, sink, marks, pre):
        # Written by the shortcode stage for a video; checked again, as the post's own HTML could
        # hold an element by that name.
        video = video_at(element.attrs.get("data-url", ""))
        if video:
            self.add_video(video, sink)
        else:
            self.dropped[unknown_element_key(element.tag)] += 1

    def frame(self, element, sink, marks, pre):
        src = self.absolute((element.attrs.get("src") or element.attrs.get("data-src") or "").strip())
        video = video_at(src)
        if video:
            self.add_video(video, sink)
            return
        try:
            host = urlsplit(src).hostname
        except ValueError:
            host = None
        self.dropped[frame_key(host)] += 1

    def plugin(self, element, sink, marks, pre):
        # Old YouTube embed codes: <object><param name="movie" value="…/v/ID"><embed src="…/v/ID"></object>.
        addresses, pending = [], [element]
        while pending:
            node = pending.pop()
            if isinstance(node, str):
                continue
            addresses += [node.attrs.get("src", ""), node.attrs.get("data", "")]
            if node.tag == "param" and node.attrs.get("name", "").lower() in ("movie", "src"):
                addresses.append(node.attrs.get("value", ""))
            pending.extend(node.children)
        for address in addresses:
            address = address.strip()
            if "?" not in address:
                # Flash-era codes append their options with "&" and no "?": "…/v/ID&hl=en".
                address = address.partition("&")[0]
            video = video_at(self.absolute(address))
            if video:
                self.add_video(video, sink)
                return
        self.dropped[DROPPED_PLUGIN] += 1

    # Addresses.

    def absolute(self, address):
        if address.startswith("//"):
            return f"https:{address}"
        if self.base_url and address:
            try:
                return urljoin(self.base_url, address)
            except ValueError:
                return address
        return address

    def link_address(self, href):
        """The address a link keeps (http, https, mailto, or relative), None to unwrap it."""
        href = href.strip()
        if not href:
            return None
        if href.startswith("#"):
            self.dropped[DROPPED_ANCHOR_LINK] += 1
            return None
        address = self.absolute(href)
        scheme = address_scheme(address)
        if scheme in ("http", "https", "mailto", ""):
            return address
        self.dropped[link_scheme_key(scheme or "malformed")] += 1
        return None


def address_scheme(address):
    """The scheme of `address`, lower case ("" for a relative address, None if unreadable)."""
    try:
        return urlsplit(address).scheme.lower()
    except ValueError:
        return None


def links_to_the_file(address):
    """Whether a link around an image goes to the image itself (its file or attachment page)."""
    return is_image_file(address) or "attachment_id=" in address or "/attachment/" in address


def convert_post_content(content, *, attachments=None, post_id=None, base_url=""):
    """`content` (str: a post's `content:encoded`, WordPress HTML) as a `ConvertedContent`.

    `attachments` (a mapping of attachment id → `articles.wordpress.export.Attachment`, or None)
    gives [gallery] its images; `post_id` (int) is the post's, for a [gallery] of the images
    attached to it. `base_url` (str, the site's address; "" to leave relative addresses alone)
    makes relative links and image addresses absolute.

    Raises `ContentConversionError` for content longer than `MAX_CONTENT_CHARS` characters, or
    nested beyond what can be walked. Never raises for bad HTML: browsers' rules apply.
    """
    if len(content) > MAX_CONTENT_CHARS:
        raise ContentConversionError(
            f"the content is {len(content):,} characters long; at most {MAX_CONTENT_CHARS:,} are converted"
        )
    dropped = Counter()
    # What XML cannot carry (NUL, other controls) is not text anyone wrote; CR LF become LF.
    text = clean_control_characters(content)
    autop = not BLOCK_MARKER.search(text)
    text = expand_shortcodes(text, dropped, attachments=attachments, post_id=post_id)
    text = mark_own_line_urls(text, dropped)
    tree = parse_html(text)
    for comment in tree.comments:
        match = SELF_CLOSING_BLOCK.match(comment)
        if match:
            dropped[block_key(match.group(1))] += 1
    if tree.flattened:
        dropped[flattened_key()] += tree.flattened
    converter = _Converter(autop, dropped, base_url)
    body = Blocks()
    try:
        converter.walk(tree.root, body, ())
    except RecursionError:
        raise ContentConversionError("the content is nested too deeply to convert") from None
    blocks = body.finish()
    return ConvertedContent(render_blocks(blocks), dropped, converter.images, converter.embeds, blocks)
