"""A story's body: a small subset of HTML, cleaned when it is saved and again when it is shown.

The one home of the body format (README "Story bodies"). A body is HTML made of

    blocks   <p> <h2> <h3> <ul>/<ol> with <li> <blockquote>
    inline   <strong> <em> <a href title> <br>
    photos   <img data-photo src alt>, a block of its own (in the body, a quote or a list item)

with links to http, https and mailto addresses only (external ones get `rel="noopener noreferrer"`).
A photo is a reference to a photo of our library: `data-photo` is its id (digits only); `src` (only
under MEDIA_URL) and `alt` are what the editor showed when it was placed, for the editor alone: the
page draws the photo from its row (`place_photos`, articles/body_photos.py). No other tag,
attribute, style, class, event handler or comment survives.

- `clean_body_html(value)` makes any value (what the editor posts, a plain-text body from before
  the rich format, hostile HTML) into that subset; the story's save and the page both call it.
- `paragraphs_to_html(text)` and `html_to_paragraphs(html)` convert plain paragraphs (blank lines
  between paragraphs, single line breaks inside one) to the format and back (data migration 0019,
  the story-page importer).
- `body_text(value)` is the body as plain text, blocks separated by blank lines: what feeds, search,
  summaries, JSON-LD and the revisions diff read. Photos have no text there (the diff names them).
- `photo_ids(value)` are the ids of the photos a body places; `place_photos(cleaned, figure)` puts
  markup of the caller's (the figure) where each one stands.

Cleaning is nh3 (the Rust `ammonia` sanitiser over the html5ever parser, the browsers' own parsing
algorithm) twice around a small tree pass of ours: nh3 first reads whatever came in into well-formed
HTML of a few more tags than the subset; our pass maps those onto the subset (h1 → h2, div → block),
wraps loose text in paragraphs, moves a photo out of the paragraph (heading, link…) it stands in,
drops empty blocks, images that are no photo of the library and links without an address, and sets
`rel`; nh3 then has the last word with the subset alone.
"""

import functools
import html
import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .text import is_invisible

# The format: block elements, and inline (phrasing) elements.
BLOCK_TAGS = frozenset({"p", "h2", "h3", "ul", "ol", "li", "blockquote"})
INLINE_TAGS = frozenset({"strong", "em", "a", "br"})
# A photo placed in the body: a block of its own, so that its figure never ends up inside a <p>.
PHOTO_TAG = "img"
ALLOWED_TAGS = BLOCK_TAGS | INLINE_TAGS | {PHOTO_TAG}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# The one value `rel` may have, set by us on links that leave the site (see `is_external_link`).
EXTERNAL_REL = "noopener noreferrer"

# Tags read in and mapped onto the subset: other heading levels and the old bold and italic tags.
RENAMED_TAGS = {"h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3", "b": "strong", "i": "em"}
# Containers whose own tag goes but which end a paragraph: text in two <div>s stays two paragraphs.
BREAKING_TAGS = frozenset(
    {
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "nav",
        "figure",
        "figcaption",
        "pre",
        "address",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "hr",
    }
)
VOID_TAGS = frozenset({"br", "img", "hr"})

# What each element may hold directly: "flow" (blocks; loose text is wrapped in a paragraph, as the
# editor does), "phrasing" (text and inline elements), "list" (list items only).
CONTENT_MODEL = {
    None: "flow",  # the body itself
    "blockquote": "flow",
    "li": "flow",
    "p": "phrasing",
    "h2": "phrasing",
    "h3": "phrasing",
    "strong": "phrasing",
    "em": "phrasing",
    "a": "phrasing",
    "ul": "list",
    "ol": "list",
}
FLOW_CHILDREN = frozenset({"p", "h2", "h3", "ul", "ol", "blockquote"})

# The html5ever parser behind nh3 takes time quadratic in the nesting depth (4,000 nested list items:
# 0.2 s; 50,000: minutes). Nothing a story needs comes near this many elements that can nest (p, br
# and img cannot nest, so converted plain bodies never count): a body with more is refused by the
# form and shown as plain text.
MAX_NESTABLE_TAGS = 10_000
NESTABLE_START_TAG = re.compile(r"<(?!(?:p|br|img)[\s/>])[a-zA-Z]", re.IGNORECASE)

# A value that starts with one of these tags is HTML; anything else is a plain-text body (paragraphs
# separated by blank lines), as every body was before the rich format: old revisions, the shell.
HTML_START = re.compile(
    r"\s*<(?:" + "|".join(sorted(ALLOWED_TAGS | set(RENAMED_TAGS) | BREAKING_TAGS)) + r")[\s/>]",
    re.IGNORECASE,
)

# HTML's white space (the space characters of the HTML standard), which a browser shows as one space.
HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
# Tab and line breaks, which browsers take out of a URL (WHATWG URL parser; they read a backslash as a slash).
URL_IGNORED = re.compile(r"[\t\n\r]")
# Elements that go with everything inside them: scripts and styles, and what holds no story text
# (a pasted page's <noscript> would otherwise leave its markup behind as text).
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "textarea",
    "select",
    "title",
    "svg",
    "math",
}

# A photo's id in `data-photo`: ASCII digits only (`\d` would take other scripts' digits too), no more
# than a 64-bit primary key holds.
PHOTO_ID = re.compile(r"[0-9]{1,18}")
# A photo of a cleaned body, as this module writes it: `data-photo` first (nh3 keeps the order).
PLACED_PHOTO = re.compile(r'<img data-photo="([0-9]+)"[^>]*>')

_READER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS | set(RENAMED_TAGS) | BREAKING_TAGS),
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes={"a": {"href", "title"}, "img": {"data-photo", "src", "alt"}},
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)
_FINISHER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes={"a": {"href", "title"}, "img": {"data-photo", "src", "alt"}},
    tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)


def split_paragraphs(text):
    """Blank-line separated blocks of `text` (str), each a list of its stripped, non-empty lines.

    The plain-text body format (before the rich format, and what the story-page importer reads).
    """
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks if block.strip()]


def paragraphs_to_html(text):
    """Plain paragraphs (str: blank lines between paragraphs, line breaks inside one) as body HTML (str).

    Each block becomes a `<p>`, each single line break a `<br>`, the text escaped. Lossless:
    `html_to_paragraphs` gives the text back as `split_paragraphs` reads it (lines stripped, runs
    of blank lines as one). "" for text with no paragraph.
    """
    blocks = [[line for line in block if shows_something(line)] for block in split_paragraphs(text)]
    raw = "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in block) + "</p>" for block in blocks if block
    )
    # Serialised by nh3 like every cleaned body (&nbsp; and the like), so that cleaning it again changes nothing.
    return _FINISHER.clean(raw)


def is_plain_text_body(value):
    """True when `value` (str) is a plain-text body rather than HTML: it does not start with a tag of the format.

    Every cleaned body starts with a block tag (loose text is wrapped in a paragraph), so this
    only says "plain" of text that never went through `clean_body_html`: bodies stored before the
    rich format (old revisions), or written in a shell or a test.
    """
    return not HTML_START.match(value)


# The longest body a story may have, in characters of HTML as sent (or stored). A long feature is about
# 60,000; this leaves room for three of them. Cleaning time grows faster than the length (one paragraph
# of 1 MB: 6.4 s, long enough for SQLite's write lock to time out the task worker), 200,000 characters
# clean in about 0.1 s. Checked before cleaning, by the form field (so also by autosave) and the model.
MAX_BODY_CHARACTERS = 200_000


def validate_body_length(value):
    """Raise ValidationError (code "body_too_long") when `value` (str or None) is longer than
    `MAX_BODY_CHARACTERS`; return None otherwise. The model's validator on both bodies, and the story
    form's field calls it before cleaning (articles.forms.StoryBodyFormField)."""
    length = len(value or "")
    if length > MAX_BODY_CHARACTERS:
        raise ValidationError(
            _("This text is too long: %(length)s characters, at most %(limit)s.")
            % {"length": f"{length:,}", "limit": f"{MAX_BODY_CHARACTERS:,}"},
            code="body_too_long",
        )


def has_too_much_markup(value):
    """True when `value` (str) holds more elements that can nest than `MAX_NESTABLE_TAGS` (see there)."""
    return len(NESTABLE_START_TAG.findall(value)) > MAX_NESTABLE_TAGS


def clean_body_html(value):
    """Any body value (str; None counts as "") as the body format: a str of safe HTML, or "".

    Plain text (`is_plain_text_body`) is converted with `paragraphs_to_html`; HTML is cleaned to
    the subset of this module's docstring. "" when nothing visible is left (the editor's empty
    `<p></p>`). Idempotent: cleaning a cleaned body gives it back unchanged. Reads MEDIA_URL
    (images) and NEWSROOM_SITE_URL (which links are external) from the settings. Raises nothing.
    """
    return _clean(value or "", settings.MEDIA_URL or "", _own_host())


def _own_host():
    return (urlsplit(settings.SITE_URL).hostname or "") if settings.SITE_URL else ""


@functools.lru_cache(maxsize=512)
def _clean(value, media_url, own_host):
    # Cached: a page asks for the same body (and its text) several times, a list page for many summaries.
    if is_plain_text_body(value):
        return paragraphs_to_html(value)
    if has_too_much_markup(value):
        return paragraphs_to_html(html.unescape(re.sub(r"<[^>]*>", " ", value)))
    builder = _BodyBuilder(media_url, own_host)
    builder.feed(_READER.clean(value))
    return _FINISHER.clean(builder.result())


def shows_something(text):
    """True when `text` (str) holds a character a reader sees: not white space, not invisible
    (`articles.text.is_invisible`). Stops at the first one, which is nearly always the first character."""
    return any(not char.isspace() and not is_invisible(char) for char in text)


def is_library_image(src, media_url):
    """True when `src` (an img's address, str) is a file of our photo library: under `media_url`.

    `media_url` is settings.MEDIA_URL: a path (`/media/`: `src` must be a path below it, on our own
    host) or an absolute URL (a separate media host: `src` must start with it). No query, fragment,
    `..` or `.` segment, doubled slash or backslash (which browsers read as a slash), also not
    percent-encoded. An empty MEDIA_URL (which Django reads as "/") allows no image at all: the
    whole site is no photo library.
    """
    if media_url in ("", "/") or not src or URL_IGNORED.search(src) or "\\" in src or src != src.strip():
        return False
    parts, media = urlsplit(src), urlsplit(media_url)
    if parts.query or parts.fragment or "?" in src or "#" in src:
        return False
    if (parts.scheme.lower(), (parts.netloc or "").lower()) != (media.scheme.lower(), (media.netloc or "").lower()):
        return False
    if not media.netloc and (src.startswith("//") or not src.startswith("/")):
        return False
    path = unquote(parts.path)
    base = media.path if media.path.endswith("/") else media.path + "/"
    return path.startswith(base) and len(path) > len(base) and posixpath.normpath(path) == path and "\\" not in path


def photo_id_of(value):
    """The photo id (int) a `data-photo` value (str or None) names, or None when it names none.

    1 to 18 ASCII digits, not all zeros: "12" and "012" are photo 12; "1e3", "١٢", " 12", "-1" are none.
    """
    if value is None or not PHOTO_ID.fullmatch(value) or int(value) == 0:
        return None
    return int(value)


def is_external_link(href, own_host):
    """True when a link to `href` (str) leaves the site whose host name is `own_host` (str, lower case).

    Relative addresses and absolute ones on `own_host` are ours; mailto: opens a mail program and
    is no page (False); every other address, `//elsewhere` included, is external.
    """
    cleaned = URL_IGNORED.sub("", href).strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return False
    if not scheme and not parts.netloc:
        return False
    return not own_host or (parts.hostname or "") != own_host


# nh3's output, the only HTML the passes below read, is serialised by html5ever: attribute values in
# double quotes with `"`, `&`, `<` and `>` escaped, and `<` escaped in text. So a `<` always starts a
# tag and a `>` always ends one, and a regular expression tokenises it exactly (three times faster
# than html.parser: 1.6 ms against 4.8 ms for a 5,000-word body).
TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+|<)")
ATTRIBUTE = re.compile(r'([^\s="/]+)(?:="([^"]*)")?')


class _SerialisedReader:
    """Reads HTML serialised by nh3 (see TOKEN) as start tags, end tags and text, for a subclass to handle."""

    def feed(self, serialised):
        for match in TOKEN.finditer(serialised):
            closing, tag, attributes, text = match.groups()
            if text is not None:
                self.handle_data(html.unescape(text))
            elif closing:
                self.handle_endtag(tag.lower())
            else:
                pairs = [(name.lower(), html.unescape(value or "")) for name, value in ATTRIBUTE.findall(attributes)]
                self.handle_starttag(tag.lower(), pairs)


class _Frame:
    """An element being built: its tag (None for the body), attributes HTML, parts, and whether it shows anything."""

    __slots__ = ("tag", "attributes", "parts", "visible", "implicit")

    def __init__(self, tag, attributes="", implicit=False):
        self.tag, self.attributes, self.parts, self.visible, self.implicit = tag, attributes, [], False, implicit


class _BodyBuilder(_SerialisedReader):
    """Rebuilds nh3's well-formed output as the format: see the module docstring.

    nh3 has already parsed (and made well-formed) what it reads, so tags come properly nested and
    attribute values as nh3 allowed them. Attributes and text are escaped again on the way out.
    """

    def __init__(self, media_url, own_host):
        self.media_url, self.own_host = media_url, own_host
        self.stack = [_Frame(None)]
        # For each start tag seen and not yet ended: the frame it opened, or None (ignored, or breaking).
        self.opened = []

    # --- placing content ---------------------------------------------------------------------

    def model(self):
        return CONTENT_MODEL[self.stack[-1].tag]

    def fits(self, tag):
        model = self.model()
        if model == "flow":
            return tag in FLOW_CHILDREN
        if model == "list":
            return tag == "li"
        return tag in INLINE_TAGS

    def make_room(self, tag):
        """Close implicit elements that cannot hold `tag` and open the implicit ones it needs.

        Returns False when `tag` is a block inside an element that holds phrasing only (a <p> in a
        heading): its tag is then dropped and its content joins the surrounding text.
        """
        while not self.fits(tag):
            top, model = self.stack[-1], self.model()
            # An implicit element ends where something comes that it cannot hold; an implicit list
            # item holds paragraphs and lists, so only the next item ends it.
            if top.implicit and (top.tag != "li" or tag == "li"):
                self.close_frame()
            elif model == "flow":
                self.push(_Frame("ul" if tag == "li" else "p", implicit=True))
            elif model == "list":
                self.push(_Frame("li", implicit=True))
            else:
                return False
        return True

    def push(self, frame):
        self.stack.append(frame)
        return frame

    def close_frame(self):
        frame = self.stack.pop()
        parent = self.stack[-1]
        inner = "".join(frame.parts)
        if frame.tag == "a" and not frame.attributes:
            parent.parts.append(inner)  # a link whose address nh3 refused: its text stays
        elif not frame.visible and frame.tag in BLOCK_TAGS:
            return  # an empty paragraph, heading, item or list
        elif not frame.visible and frame.tag in INLINE_TAGS:
            parent.parts.append(inner)
        else:
            parent.parts.append(f"<{frame.tag}{frame.attributes}>{inner}</{frame.tag}>")
        parent.visible = parent.visible or frame.visible

    def break_block(self):
        """A container of ours ended or began (div, td…): close the implicit paragraph it was in."""
        while self.stack[-1].implicit:
            self.close_frame()
        if self.model() == "phrasing" and self.stack[-1].parts:
            self.stack[-1].parts.append(" ")

    def emit_inline(self, markup, visible):
        if self.make_room("br"):  # "br": any inline content goes where a line break may
            self.stack[-1].parts.append(markup)
            self.stack[-1].visible = self.stack[-1].visible or visible

    def place_photo(self, attributes):
        """A photo of the library (`data-photo`), as a block: the paragraph, heading, link or emphasis it
        stands in ends before it and goes on after it. An image naming no photo is dropped."""
        photo_id = photo_id_of(attributes.get("data-photo"))
        if photo_id is None:
            return
        src = attributes.get("src") or ""
        markup = photo_reference(
            photo_id, src if is_library_image(src, self.media_url) else "", attributes.get("alt") or ""
        )
        left = []  # the elements the photo stood in, innermost first, to open again after it
        while self.model() != "flow":
            if not self.stack[-1].implicit:
                left.append(self.stack[-1])
            self.close_frame()
        self.stack[-1].parts.append(markup)
        self.stack[-1].visible = True
        for frame in reversed(left):
            # Emphasis that stood in an implicit paragraph opens a new one (make_room).
            again = self.push(_Frame(frame.tag, frame.attributes)) if self.make_room(frame.tag) else None
            # Its end tag, still to come, now ends the part after the photo.
            self.opened = [again if item is frame else item for item in self.opened]

    # --- the serialised HTML's events ----------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        tag = RENAMED_TAGS.get(tag, tag)
        attributes = dict(attrs)
        if tag in BREAKING_TAGS:
            self.break_block()
            if tag not in VOID_TAGS:
                self.opened.append(None)
            return
        if tag == "br":
            self.emit_inline("<br>", False)
            return
        if tag == PHOTO_TAG:
            self.place_photo(attributes)
            return
        # A link inside a link (the parser builds one around a misplaced table): its text joins the outer link.
        nested_link = tag == "a" and any(frame.tag == "a" for frame in self.stack)
        if tag not in ALLOWED_TAGS or nested_link or not self.make_room(tag):
            self.opened.append(None)
            return
        markup = ""
        if tag == "a" and attributes.get("href"):
            href = attributes["href"]
            markup = f' href="{html.escape(href, quote=True)}"'
            if attributes.get("title"):
                markup += f' title="{html.escape(attributes["title"], quote=True)}"'
            if is_external_link(href, self.own_host):
                markup += f' rel="{EXTERNAL_REL}"'
        self.opened.append(self.push(_Frame(tag, markup)))

    def handle_endtag(self, tag):
        if RENAMED_TAGS.get(tag, tag) in VOID_TAGS or not self.opened:
            return
        frame = self.opened.pop()
        if frame is None:
            if RENAMED_TAGS.get(tag, tag) in BREAKING_TAGS:
                self.break_block()
            return
        while frame in self.stack:
            self.close_frame()

    def handle_data(self, data):
        if not HTML_SPACE.sub("", data):
            if self.model() == "phrasing":
                self.stack[-1].parts.append(html.escape(data, quote=False))
            return  # white space between blocks
        self.emit_inline(html.escape(data, quote=False), shows_something(data))

    def result(self):
        while len(self.stack) > 1:
            self.close_frame()
        return "".join(self.stack[0].parts)


# --- the body as plain text -------------------------------------------------------------------


class _TextExtractor(_SerialisedReader):
    """The text of a cleaned body: blocks, and the lines of each block (see `body_text`)."""

    def __init__(self, collapse, photo_label, photo_words=()):
        # photo_label: None for plain text; the word shown for a photo when showing markup.
        # photo_words: (photo id, what names it) pairs, for those shown.
        self.collapse, self.show_markup, self.photo_label = collapse, photo_label is not None, photo_label
        self.photo_words = dict(photo_words)
        self.blocks, self.lines, self.line = [], [], []
        self.prefixes = []  # what each open list or quote puts before its lines, when showing markup
        self.numbers = []  # the next number of each open ordered list (None for a bullet list)
        self.link = None
        self.marker = ""  # a list item's bullet or number, or a heading's #: put before its first line

    def end_line(self):
        text = "".join(self.line)
        if self.collapse:
            text = HTML_SPACE.sub(" ", text)
        text = text.strip()
        if text and self.marker:
            text, self.marker = self.marker + text, ""
        self.lines.append(text)
        self.line = []

    def end_block(self):
        if self.line:
            self.end_line()
        lines = [line for line in self.lines if line]
        if lines:
            prefix = "".join(self.prefixes)
            self.blocks.append("\n".join(prefix + line for line in lines))
        self.lines = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "br":
            self.end_line()
        elif tag in BLOCK_TAGS:
            self.end_block()
            if not self.show_markup:
                return
            if tag in ("ul", "ol"):
                self.numbers.append(1 if tag == "ol" else None)
            elif tag == "blockquote":
                self.prefixes.append("> ")
            elif tag == "li":
                number = self.numbers[-1] if self.numbers else None
                self.marker = f"{number}. " if number else "• "
                if number:
                    self.numbers[-1] += 1
            elif tag in ("h2", "h3"):
                self.marker = "#" * int(tag[1]) + " "
        elif tag == "a" and self.show_markup:
            self.link = attributes.get("href")
        elif tag == PHOTO_TAG and self.show_markup:
            photo_id = photo_id_of(attributes.get("data-photo"))
            words = self.photo_words.get(photo_id) or attributes.get("alt") or ""
            self.end_block()  # a block of its own
            self.line.append(
                f"[{self.photo_label} {photo_id}: {words}]" if words else f"[{self.photo_label} {photo_id}]"
            )
            self.end_block()

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.end_block()
            if self.show_markup and tag in ("ul", "ol") and self.numbers:
                self.numbers.pop()
            elif self.show_markup and tag == "blockquote" and self.prefixes:
                self.prefixes.pop()
        elif tag == "a" and self.link:
            self.line.append(f" <{self.link}>")
            self.link = None

    def handle_data(self, data):
        self.line.append(data)

    def text(self):
        self.end_block()
        return "\n\n".join(self.blocks)


@functools.lru_cache(maxsize=512)
def _text(cleaned, collapse, photo_label, photo_words=()):
    extractor = _TextExtractor(collapse, photo_label, photo_words)
    extractor.feed(cleaned)
    return extractor.text()


def body_text(value, show_markup=False, photo_words=None):
    """The body `value` (any body value, as `clean_body_html` takes) as plain text (str).

    Blocks (paragraphs, subheadings, list items, quoted paragraphs) are separated by a blank line,
    line breaks kept; white space runs as one space, as a browser shows it; no markup, and nothing
    of its photos. What feeds, search, excerpts, summaries and JSON-LD read. With `show_markup` (the
    revisions diff, read by editors), subheadings start with `## ` / `### `, list items with `• ` or
    their number, quoted lines with `> `, a link's address follows its text in <…>, and a photo is a
    block "[photo 12: words]": `photo_words` ({photo id: str}, e.g. its caption) names it, else the
    alternative text it was placed with.
    """
    if not show_markup:
        return _text(clean_body_html(value), True, None)
    words = tuple(sorted((photo_words or {}).items()))
    return _text(clean_body_html(value), True, _("photo"), words)


def html_to_paragraphs(value):
    """The body `value` as plain paragraphs (str), the inverse of `paragraphs_to_html`.

    Each block is a paragraph and each `<br>` a line break; the text's own spaces are kept, so
    `html_to_paragraphs(paragraphs_to_html(text))` is `text` as `split_paragraphs` reads it.
    Markup (links, emphasis, subheadings as such) is lost: for migrating back to plain bodies.
    """
    return _text(clean_body_html(value), False, None)


def has_body_text(value):
    """True when the body `value` shows some text to a reader (str or None)."""
    return bool(value and value.strip()) and bool(body_text(value).strip())


def body_problems(value):
    """What the story form refuses in a submitted body (str): a list of messages, [] when it is fine.

    Images that are not a photo of our library placed with the editor's "Insert photo" (cleaning would
    drop them silently: one from elsewhere, one copied from a page of ours), and more markup than
    `MAX_NESTABLE_TAGS`. Plain text is never refused. Whether each photo is still in the library
    is the form's question (it needs the database).
    """
    if not value or is_plain_text_body(value):
        return []
    if has_too_much_markup(value):
        return [_("This text has too much markup (more than %(count)d elements).") % {"count": MAX_NESTABLE_TAGS}]
    media_url = settings.MEDIA_URL or ""
    problems = []
    for src, photo in images_as_sent(value):
        if photo_id_of(photo) is not None:
            continue  # a photo of the library: the page draws it from its row, whatever `src` says
        if not is_library_image(src, media_url):
            problems.append(
                _("Only photos from our photo library can be in a story: %(address)s is not one of them.")
                % {"address": src}
            )
        else:
            problems.append(
                _("The image %(address)s is not placed from the photo library: remove it and use “Insert photo”.")
                % {"address": src}
            )
    return problems


def images_as_sent(value):
    """(`src`, `data-photo`) of every image in `value` (HTML as sent, str), "" for a missing one: for messages only.

    Python's own tokeniser (html.parser) on the text as sent: nh3 would drop the addresses worth
    naming (`data:`, `javascript:`).
    """
    images = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                attributes = dict(attrs)
                images.append((attributes.get("src") or "", attributes.get("data-photo") or ""))

    finder = Finder(convert_charrefs=True)
    finder.feed(value)
    finder.close()
    return images


def photo_ids(value):
    """The ids (int) of the photos the body `value` (any body value) places, in body order, repeats included."""
    return [int(found) for found in PLACED_PHOTO.findall(clean_body_html(value))]


def place_photos(cleaned, figure):
    """The cleaned body `cleaned` (str, from `clean_body_html`) with each photo replaced by `figure(photo_id)`.

    `figure` takes the photo's id (int) and returns the markup to put there (str; "" to put nothing),
    or None to leave that photo's reference as it is. nh3 escapes `<` and `>` in text and attribute
    values, so the pattern meets the body's own photos only. Returns a str: whoever marks it safe
    answers for what `figure` returned.
    """

    def replaced(match):
        markup = figure(int(match.group(1)))
        return match.group(0) if markup is None else markup

    return PLACED_PHOTO.sub(replaced, cleaned)


def photo_reference(photo_id, src="", alt=""):
    """The body format's reference to photo `photo_id` (int): `<img data-photo src alt>` (str), `src`
    left out when empty, values escaped. What the editor inserts; `clean_body_html` keeps it as it is."""
    source = f' src="{html.escape(src, quote=True)}"' if src else ""
    return f'<{PHOTO_TAG} data-photo="{int(photo_id)}"{source} alt="{html.escape(alt, quote=True)}">'


HEADING_TAG = re.compile(r"<(/?)h([23])>")


def demote_headings(cleaned):
    """A cleaned body (str) with its subheadings one level down (h2 → h3, h3 → h4).

    For a body shown under a heading of its own (the Korean body on an English page, under
    "The story in Korean"). Headings of a cleaned body carry no attribute, and nh3 escapes `<`
    in text and attribute values, so the pattern can only meet real heading tags.
    """
    return HEADING_TAG.sub(lambda match: f"<{match.group(1)}h{int(match.group(2)) + 1}>", cleaned)
