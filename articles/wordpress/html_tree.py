"""A forgiving HTML tree of WordPress post content, from the standard library's tokenizer.

`html.parser.HTMLParser` only tokenizes; `parse_html(text)` builds the tree the way browsers
would for the markup WordPress editors write, with the few rules that matter for it (from the
HTML standard's tree construction): a block element closes an open `<p>`, a new `<li>` closes the
previous one, `<td>`/`<tr>` close their open siblings, an end tag closes the elements opened
inside it, an end tag with nothing to close is ignored.

The tree is never deeper than `MAX_DEPTH` elements: deeper start tags are not opened (their
text stays in the enclosing element) and counted in `HtmlTree.flattened`, so the code walking the
tree may recurse without meeting Python's recursion limit, whatever the input.

Markup the standard library cannot read as a declaration (`<![` not followed by a marked section
it knows, such as `<![ `, `<![1]>`, `<![foo[`) is text, as it is written: its `_markupbase` raises
AssertionError for those, which `parse_html` never lets out.

HTML comments are not in the tree; they are kept in `HtmlTree.comments` (block markers of the
WordPress editor, `<!--more-->`).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_DEPTH = 64


def tag_names(text):
    """A frozenset of the tag names in `text`, separated by spaces."""
    return frozenset(text.split())


VOID_ELEMENTS = tag_names("area base br col embed hr img input link meta param source track wbr")
# Start tags that close an open <p> (the HTML standard lists them under "in body" insertion).
CLOSE_P = tag_names(
    "address article aside blockquote center details dialog dir div dl dd dt fieldset figcaption figure footer form h1 "
    "h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table ul"
)
# An open <p> is not closed across these (the standard's "button scope").
P_SCOPE = tag_names("button table td th caption object template html")
# For each element a new sibling closes: the elements it closes, and where the search stops.
SIBLINGS = {
    "li": ({"li"}, {"ul", "ol", "table"}),
    "dt": ({"dt", "dd"}, {"dl", "table"}),
    "dd": ({"dt", "dd"}, {"dl", "table"}),
    "tr": ({"tr", "td", "th"}, {"table"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "option": ({"option"}, {"select"}),
}


class Element:
    """An element: `tag` (lower case), `attrs` (name → value, the first of repeated names; a
    value-less attribute is ""), `children` (str for text, with entities decoded, or Element)."""

    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = attrs
        self.children = []

    def __repr__(self):
        return f"<{self.tag} {self.attrs!r}: {len(self.children)} children>"


@dataclass
class HtmlTree:
    """`root` (an Element named "#root"), the text of each HTML comment in order, and how many
    start tags were not opened because the tree was already `MAX_DEPTH` deep."""

    root: Element
    comments: list = field(default_factory=list)
    flattened: int = 0


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tree = HtmlTree(Element("#root", {}))
        self.stack = [self.tree.root]
        # End tags still to come for start tags that were not opened (too deep), by tag.
        self.unopened = {}
        # Text arrives in pieces (one per stray "<", entity…): joined once, not string by string.
        self.text = []

    def handle_starttag(self, tag, attrs):
        attributes = {}
        for name, value in attrs:
            attributes.setdefault(name, value or "")
        element = Element(tag, attributes)
        self.close_implied_by(tag)
        if tag in VOID_ELEMENTS:
            self.flush_text()
            self.stack[-1].children.append(element)
        elif len(self.stack) > MAX_DEPTH:
            # The text around it continues the enclosing element's text.
            self.unopened[tag] = self.unopened.get(tag, 0) + 1
            self.tree.flattened += 1
        else:
            self.flush_text()
            self.stack[-1].children.append(element)
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        # <br />, <img … />: a void element has no end; <div /> is read as <div></div>.
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.unopened.get(tag):
            self.unopened[tag] -= 1
            return
        if tag in VOID_ELEMENTS:
            if tag == "br":
                # Browsers read a stray </br> as <br>.
                self.flush_text()
                self.stack[-1].children.append(Element("br", {}))
            return
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                self.flush_text()
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.text.append(data)

    def flush_text(self):
        """Put the text read since the last change of the tree into the current element."""
        if self.text:
            children = self.stack[-1].children
            text = "".join(self.text)
            self.text = []
            if children and isinstance(children[-1], str):
                children[-1] += text
            else:
                children.append(text)

    def handle_comment(self, data):
        self.tree.comments.append(data)

    def parse_marked_section(self, i, report=1):
        # `<![CDATA[…]]>`, `<![if …]>`: as the standard library reads them. Anything else after
        # `<![` makes `_markupbase` raise AssertionError ("expected name token", "unknown status
        # keyword"): the three characters are text, and reading goes on after them.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data("<![")
            return i + 3

    def close_implied_by(self, tag):
        if tag in CLOSE_P:
            self.close_nearest({"p"}, P_SCOPE)
        if tag in SIBLINGS:
            closes, scope = SIBLINGS[tag]
            self.close_nearest(closes, scope)

    def close_nearest(self, tags, scope):
        for index in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[index].tag
            if open_tag in tags:
                self.flush_text()
                del self.stack[index:]
                return
            if open_tag in scope:
                return


def parse_html(text):
    """The `HtmlTree` of `text` (str: an HTML fragment, any markup; never raises on bad HTML)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    builder.flush_text()
    return builder.tree


def text_content(element):
    """The text inside `element` (an Element or str), tags removed, as written (not collapsed)."""
    if isinstance(element, str):
        return element
    parts, pending = [], [element]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            parts.append(node)
        elif node.tag not in ("script", "style"):
            pending.extend(reversed(node.children))
    return "".join(parts)


# Plain text, for titles, names, excerpts and comments.

TEXT_BLOCKS = tag_names(
    "p div li ul ol blockquote h1 h2 h3 h4 h5 h6 pre table tr figure figcaption section article dd dt hr"
)


def plain_line(markup):
    """`markup` (str: a title, a name, a caption, perhaps with tags and entities) as one line of
    plain text: tags removed, entities decoded, white space collapsed."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    return " ".join(text_content(parse_html(markup).root).split())


def plain_text(markup):
    """`markup` (str: a comment or an excerpt as WordPress stores it: text with newlines, perhaps
    some HTML) as plain text: paragraphs separated by one blank line, line breaks kept (newlines
    and `<br>`), a link's address after its text in parentheses unless the text is the address."""
    parts, pending = [], [parse_html(markup.replace("\r\n", "\n")).root]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            parts.append(node)
        elif node.tag == "#end-link":
            parts.append(node.attrs["text"])
        elif node.tag == "br":
            parts.append("\n")
        elif node.tag in ("script", "style"):
            continue
        else:
            if node.tag in TEXT_BLOCKS:
                parts.append("\n\n")
                pending.append("\n\n")
            href = node.attrs.get("href", "").strip() if node.tag == "a" else ""
            if href.lower().startswith(("http://", "https://")) and href not in text_content(node):
                pending.append(Element("#end-link", {"text": f" ({href})"}))
            pending.extend(reversed(node.children))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
