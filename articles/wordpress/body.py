"""A story body while it is built, and how it is written as HTML.

The converter (`articles.wordpress.content`) walks a post's HTML and hands text, line breaks and
blocks to a sink: `Blocks` where blocks may go (the body, a quote, a figure), `Inline` where only
one run of text may (a list item, a heading, a caption). A run is a list of pieces (text, marks):
text None is a line break, marks the formatting around it, outermost first: ("strong",),
("em",), ("a", address). Writing the blocks gives our HTML subset, escaped the way HTML
serialisers escape, so that the site's nh3 cleaner gives it back unchanged.
"""

import re
from dataclasses import dataclass

# Collapsible white space (HTML's: not the no-break space, which the text keeps).
WHITESPACE = re.compile(r"[ \t\n\r\f]+")
STRONG = ("strong",)
EM = ("em",)


@dataclass
class Paragraph:
    run: list
    caption: bool = False


@dataclass
class Heading:
    level: int
    run: list


@dataclass
class ListBlock:
    ordered: bool
    items: list


@dataclass
class Quote:
    blocks: list


@dataclass
class ImageBlock:
    reference: object  # content.ImageReference: its src and alt are written


@dataclass
class EmbedBlock:
    url: str


@dataclass
class WrittenBlock:
    """HTML written by the save step (a photo of our library in place of a post's image), as is."""

    html: str


def collapse(text):
    return WHITESPACE.sub(" ", text)


def has_text(run):
    return any(text and text.strip() for text, _ in run)


def run_text(run):
    return " ".join("".join(text if text is not None else " " for text, _ in run).split())


def append_text(run, text, marks):
    """Add collapsed `text`: a space is not doubled, nor kept at the start of a line."""
    if text.startswith(" ") and (not run or run[-1][0] is None or run[-1][0].endswith(" ")):
        text = text[1:]
    if text:
        run.append((text, marks))


class Blocks:
    """Where content in a block context goes (the body, a quote, a figure): paragraphs and blocks."""

    def __init__(self):
        self.blocks = []
        self.run = []

    def add_text(self, text, marks):
        append_text(self.run, text, marks)

    def add_break(self, marks, soft=False):
        # A break opening a paragraph shows nothing; a newline after a <br> is the same line break.
        if self.run and not (soft and self.run[-1][0] is None):
            self.run.append((None, marks))

    def end_paragraph(self):
        if has_text(self.run):
            self.blocks.append(Paragraph(self.run))
        self.run = []

    def add_block(self, block):
        self.end_paragraph()
        self.blocks.append(block)

    add_list = add_block

    def finish(self):
        self.end_paragraph()
        return self.blocks


class Inline:
    """One run of inline content: a list item (`item=True`: paragraphs inside it become line
    breaks, lists inside it nest) or a heading or caption (paragraphs become spaces). Other
    blocks met inside go to `deferred`, shown after the list or heading."""

    def __init__(self, deferred, item):
        self.run = []
        self.lists = []
        self.deferred = deferred
        self.item = item

    add_text = Blocks.add_text
    add_break = Blocks.add_break

    def end_paragraph(self):
        # (A break after nothing visible is trimmed when the run is written.)
        if self.run and self.run[-1][0] is not None:
            if self.item:
                self.run.append((None, ()))
            else:
                append_text(self.run, " ", ())

    def add_block(self, block):
        self.deferred.append(block)

    def add_list(self, block):
        (self.lists if self.item else self.deferred).append(block)


def with_mark(marks, mark):
    """`marks` with `mark` innermost; a link inside a link keeps the outer one."""
    if mark in marks or (mark[0] == "a" and any(outer[0] == "a" for outer in marks)):
        return marks
    return (*marks, mark)


def link_of(marks):
    return next((mark[1] for mark in marks if mark[0] == "a"), None)


# Escaping as the HTML standard's serialisation does it, so that the site's cleaner (nh3, which
# parses and serialises again) gives the body back unchanged.
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "\xa0": "&nbsp;", "<": "&lt;", ">": "&gt;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "\xa0": "&nbsp;", '"': "&quot;"})


def escape_text(text):
    return text.translate(TEXT_ESCAPES)


def attribute(value):
    """`value` escaped for a double-quoted attribute."""
    return value.translate(ATTRIBUTE_ESCAPES)


def opening_tag(mark):
    return f'<a href="{attribute(mark[1])}">' if mark[0] == "a" else f"<{mark[0]}>"


def closing_tag(mark):
    return f"</{mark[0]}>"


def trimmed(run):
    """`run` without line breaks or spaces at its start and end."""
    run = list(run)
    while run and (run[0][0] is None or not run[0][0].strip()):
        run.pop(0)
    while run and (run[-1][0] is None or not run[-1][0].strip()):
        run.pop()
    if run:
        run[0] = (run[0][0].lstrip(), run[0][1])
        run[-1] = (run[-1][0].rstrip(), run[-1][1])
    return run


def render_inline(run):
    out, open_marks = [], ()
    for text, marks in trimmed(run):
        if marks != open_marks:
            shared = 0
            while shared < min(len(open_marks), len(marks)) and open_marks[shared] == marks[shared]:
                shared += 1
            out.extend(closing_tag(mark) for mark in reversed(open_marks[shared:]))
            out.extend(opening_tag(mark) for mark in marks[shared:])
            open_marks = marks
        out.append("<br>" if text is None else escape_text(text))
    out.extend(closing_tag(mark) for mark in reversed(open_marks))
    return "".join(out)


def render_item(item):
    lists = "".join(render_block(block) for block in item.lists)
    if not has_text(item.run) and not lists:
        return ""
    return f"<li>{render_inline(item.run)}{lists}</li>"


def render_block(block):
    if isinstance(block, Paragraph):
        run = block.run
        if block.caption:
            # The caption in italics: emphasis outermost, around its links and bold.
            run = [(text, (EM, *(mark for mark in marks if mark != EM))) for text, marks in run]
        return f"<p>{render_inline(run)}</p>"
    if isinstance(block, Heading):
        return f"<h{block.level}>{render_inline(block.run)}</h{block.level}>"
    if isinstance(block, ListBlock):
        items = [rendered for rendered in map(render_item, block.items) if rendered]
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>\n" + "\n".join(items) + f"\n</{tag}>" if items else ""
    if isinstance(block, Quote):
        inner = render_blocks(block.blocks)
        return f"<blockquote>\n{inner}\n</blockquote>" if inner else ""
    if isinstance(block, WrittenBlock):
        return block.html
    if isinstance(block, ImageBlock):
        reference = block.reference
        return f'<img src="{attribute(reference.src)}" alt="{attribute(reference.alt)}">'
    return f'<p><a href="{attribute(block.url)}">{escape_text(block.url)}</a></p>'


def render_blocks(blocks):
    return "\n".join(rendered for rendered in map(render_block, blocks) if rendered)
