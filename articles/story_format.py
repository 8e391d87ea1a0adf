"""The story-page format: the text of a saved story page to plain dataclasses.

`parse_story_page(text)` is pure: it returns a `ParsedStory` (dataclasses that
remember their line numbers) or raises `StoryFormatError` naming the line at
fault. Saving is `articles.importing.save_story`.

The format, top to bottom (blank lines separate blocks)::

    English headline
    Korean headline                      (a line with Hangul; optional)
    intro block                          (the standfirst)
    body blocks                          (English; blocks mostly in Hangul are the Korean body)
    Reporter Name, Outlet Name.          (sign-off)
    #Hashtag #해시태그 ...
    📣 Label : https://...               (social links; "Homepage" is the outlet's site)
    YYYY-MM-DD, HH:MM (KST)              (dateline, in the zone the abbreviation names)
    source                               (optionally "source: https://...")
    N thoughts on “headline”             (then numbered comments, each ending with "Reply")
    Leave a Comment
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .datelines import DATELINE, DatelineError, parse_dateline
from .models import HTTP_URL, Hashtag, Outlet, SocialLink, Story, has_hangul, hashtag_slug, mostly_hangul
from .text import clean_control_characters

# A line that is meant as a dateline, well-formed or not; the strict form follows.
DATELINE_LIKE = re.compile(r"^\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}\b.*\(.*\)$")
SOCIAL_LINE = re.compile(r"^📣\s*(?P<label>[^:]+?)\s*:\s*(?P<url>\S+)$")
HASHTAG_LINE = re.compile(r"^#\S+(?:\s+#\S+)*$")
SIGN_OFF = re.compile(r"^(?P<reporter>[^,]+?),\s*(?P<outlet>[^,]+?)\.?$")
SOURCE_LINE = re.compile(r"^source(?:\s*:?\s*(?P<url>\S+))?$", re.IGNORECASE)
THOUGHTS_LINE = re.compile(r"^(?P<count>\d+|One) thoughts? on [“\"](?P<headline>.*)[”\"]$")
COMMENT_START = re.compile(r"^(?P<number>\d+)\.\s+(?P<text>.*)$")
REPLY_LINE = re.compile(r"^Reply$")
LEAVE_COMMENT = re.compile(r"^Leave a (?:Comment|Reply)$", re.IGNORECASE)
HOMEPAGE_LABELS = {"homepage", "website", "home page", "web"}

MAX_FILE_BYTES = 2 * 1024 * 1024
# Field lengths come from the models, so a page that parses also fits the database.
LONGEST_FIELD = {
    "headline": Story._meta.get_field("headline").max_length,
    "headline_ko": Story._meta.get_field("headline_ko").max_length,
    "reporter": Story._meta.get_field("reporter").max_length,
    "outlet": Outlet._meta.get_field("name").max_length,
    "hashtag": Hashtag._meta.get_field("slug").max_length,
    "social link label": SocialLink._meta.get_field("label").max_length,
    "social link": SocialLink._meta.get_field("url").max_length,
    "homepage": Outlet._meta.get_field("homepage").max_length,
    "source": Story._meta.get_field("source_url").max_length,
}
# Characters that some tools take for line breaks (VT and FF too, pasted from PDF and Word
# copies; the forms make them LF): kept as spaces, so line numbers match an editor's.
LINE_SEPARATORS = str.maketrans({"\u2028": " ", "\u2029": " ", "\x85": " ", "\x0b": " ", "\x0c": " "})


class StoryFormatError(Exception):
    """A story page that cannot be imported, with the line that shows why."""

    def __init__(self, line, reason, path=None):
        self.line = line
        self.reason = reason
        self.path = path
        super().__init__(str(self))

    def __str__(self):
        return f"{self.path or '<text>'}:{self.line}: {self.reason}"


@dataclass
class Line:
    number: int
    text: str


@dataclass
class ParsedSocialLink:
    label: str
    url: str
    line: int


@dataclass
class ParsedComment:
    number: int
    text: str
    line: int


@dataclass
class ParsedStory:
    headline: str
    headline_ko: str
    intro: str
    body: str  # plain paragraphs, as on the page (the importer makes them the story's rich text)
    body_ko: str
    reporter: str
    outlet: str
    hashtags: list[str]
    social_links: list[ParsedSocialLink]
    homepage: str
    published_at: dt.datetime
    time_zone: str
    source_url: str = ""
    thoughts_count: int | None = None
    comments: list[ParsedComment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def slug(self):
        return slugify(self.headline)[:200].strip("-")


def decode_story_page(data):
    """Bytes of a file to text, refusing what is not UTF-8 text."""
    if not data.strip():
        raise StoryFormatError(1, "empty file: expected a story page")
    if len(data) > MAX_FILE_BYTES:
        raise StoryFormatError(1, f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB: not a story page")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise StoryFormatError(line, "binary file (NUL byte): expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise StoryFormatError(
            line, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(LINE_SEPARATORS)
    for number, raw in enumerate(text.split("\n"), start=1):
        # The other controls (and U+FFFE/U+FFFF) are what `clean_control_characters` removes: a page
        # holding them is damaged or binary, and the editor who can fix it gets the line.
        if clean_control_characters(raw) != raw:
            raise StoryFormatError(number, "control characters in the text: is this a binary file?")
    return text


def parse_story_page(text):
    """Parse one story page; raises StoryFormatError(line, reason)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(LINE_SEPARATORS)
    lines = [Line(n, unicodedata.normalize("NFC", raw).strip()) for n, raw in enumerate(text.split("\n"), start=1)]
    if not any(line.text for line in lines):
        raise StoryFormatError(1, "empty file: expected a story page")

    dateline_index = find_dateline(lines)
    published_at, time_zone = parse_dateline_line(lines[dateline_index])
    head = lines[:dateline_index]
    tail = lines[dateline_index + 1 :]

    head, social_links = take_social_links(head)
    head, hashtags = take_hashtags(head)
    head, reporter, outlet = take_sign_off(head)
    headline, headline_ko, intro, body, body_ko = split_head(head)

    homepage = ""
    other_links = []
    for link in social_links:
        if link.label.casefold() in HOMEPAGE_LABELS and not homepage:
            homepage = link.url
        else:
            other_links.append(link)

    parsed = ParsedStory(
        headline=headline,
        headline_ko=headline_ko,
        intro=intro,
        body=body,
        body_ko=body_ko,
        reporter=reporter,
        outlet=outlet,
        hashtags=hashtags,
        social_links=other_links,
        homepage=homepage,
        published_at=published_at,
        time_zone=time_zone,
    )
    parse_tail(tail, parsed)
    return parsed


def find_dateline(lines):
    """The first well-formed dateline; else the first line that tries to be one, to report it."""
    for index, line in enumerate(lines):
        if DATELINE.match(line.text):
            return index
    for index, line in enumerate(lines):
        if DATELINE_LIKE.match(line.text):
            return index
    last = max((line.number for line in lines if line.text), default=1)
    raise StoryFormatError(last, "no dateline: expected a line like “2024-11-04, 20:00 (KST)” after the social links")


def parse_dateline_line(line):
    try:
        return parse_dateline(line.text)
    except DatelineError as error:
        raise StoryFormatError(line.number, str(error)) from None


def take_social_links(head):
    """Social lines sit at the end of the head, just above the dateline."""
    links = []
    end = last_text_index(head)
    while end >= 0 and (head[end].text.startswith("📣") or not head[end].text):
        line = head[end]
        if line.text:
            match = SOCIAL_LINE.match(line.text)
            if not match:
                raise StoryFormatError(line.number, "bad social link: expected “📣 Label : https://…”")
            url = match["url"]
            label = match["label"]
            check_url(url, line.number, "homepage" if label.casefold() in HOMEPAGE_LABELS else "social link")
            check_length(label, LONGEST_FIELD["social link label"], line.number, "social link label")
            links.append(ParsedSocialLink(match["label"], url, line.number))
        end -= 1
    links.reverse()
    labels = [link.label.casefold() for link in links]
    for link in links:
        if labels.count(link.label.casefold()) > 1:
            raise StoryFormatError(link.line, f"social link “{link.label}” appears twice")
    return head[: end + 1], links


def take_hashtags(head):
    end = last_text_index(head)
    if end < 0 or not head[end].text.startswith("#"):
        return head, []
    line = head[end]
    if not HASHTAG_LINE.match(line.text):
        raise StoryFormatError(line.number, "bad hashtag line: expected hashtags like “#Ukraine #우크라이나”")
    names = []
    seen = set()
    for token in line.text.split():
        name = token[1:]
        if not re.fullmatch(r"\w+", name):
            raise StoryFormatError(line.number, f"bad hashtag “{token}”: letters, digits and underscores only")
        check_length(hashtag_slug(name), LONGEST_FIELD["hashtag"], line.number, "hashtag")
        if hashtag_slug(name) not in seen:
            seen.add(hashtag_slug(name))
            names.append(name)
    return head[:end], names


def take_sign_off(head):
    end = last_text_index(head)
    if end < 0:
        raise StoryFormatError(1, "no headline: the page has nothing before its hashtags and dateline")
    line = head[end]
    match = SIGN_OFF.match(line.text)
    if not match or len(line.text) > 200 or not line.text.endswith("."):
        raise StoryFormatError(
            line.number,
            f"no sign-off: expected “Reporter Name, Outlet Name.” before the hashtags, found “{line.text[:60]}”",
        )
    check_length(match["reporter"], LONGEST_FIELD["reporter"], line.number, "reporter")
    check_length(match["outlet"], LONGEST_FIELD["outlet"], line.number, "outlet")
    return head[:end], match["reporter"].strip(), match["outlet"].strip()


def split_head(head):
    blocks = blocks_of(head)
    if not blocks:
        raise StoryFormatError(1, "no headline: the page has nothing before the sign-off")
    first = blocks.pop(0)
    headline_line = first[0]
    if has_hangul(headline_line.text) and mostly_hangul(headline_line.text):
        raise StoryFormatError(headline_line.number, "no headline: the first line must be the English headline")
    if headline_line.text.startswith(("#", "📣")):
        raise StoryFormatError(headline_line.number, "no headline: the page starts with hashtags or links")
    if len(first) > 1:
        raise StoryFormatError(first[1].number, "the headline must be one line, followed by a blank line")
    headline = headline_line.text
    check_length(headline, LONGEST_FIELD["headline"], headline_line.number, "headline")
    if not slugify(headline):
        raise StoryFormatError(headline_line.number, "no headline: the headline has no letters or digits")

    headline_ko = ""
    if blocks and len(blocks[0]) == 1 and has_hangul(blocks[0][0].text):
        korean = blocks.pop(0)[0]
        check_length(korean.text, LONGEST_FIELD["headline_ko"], korean.number, "Korean headline")
        headline_ko = korean.text
    if not blocks:
        raise StoryFormatError(headline_line.number, "no body: expected the intro and body after the headlines")

    intro = ""
    if len(blocks) > 1 and not mostly_hangul(" ".join(line.text for line in blocks[0])):
        intro = "\n".join(line.text for line in blocks.pop(0))
    english, korean = [], []
    for block in blocks:
        text = "\n".join(line.text for line in block)
        (korean if mostly_hangul(text) else english).append(text)
    if not english:
        raise StoryFormatError(blocks[0][0].number, "no English body: only Korean paragraphs were found")
    return headline, headline_ko, intro, "\n\n".join(english), "\n\n".join(korean)


def parse_tail(tail, parsed):
    """What follows the dateline: source, comment count, comments, the form's title."""
    index = 0
    texts = [line for line in tail if line.text]
    comment = None
    comment_lines = []
    reply_seen = False

    def finish_comment():
        if comment is not None:
            parsed.comments.append(ParsedComment(comment[0], "\n".join(comment_lines).strip(), comment[1]))

    state = "source"
    while index < len(texts):
        line = texts[index]
        index += 1
        if state == "source":
            match = SOURCE_LINE.match(line.text)
            if match:
                if match["url"]:
                    check_url(match["url"], line.number, "source")
                    parsed.source_url = match["url"]
                state = "thoughts"
                continue
            state = "thoughts"
        if state == "thoughts":
            match = THOUGHTS_LINE.match(line.text)
            if match:
                parsed.thoughts_count = 1 if match["count"] == "One" else int(match["count"])
                state = "comments"
                continue
            if LEAVE_COMMENT.match(line.text):
                state = "end"
                continue
            raise StoryFormatError(line.number, f"unexpected text after the dateline: “{line.text[:60]}”")
        if state == "comments":
            start = COMMENT_START.match(line.text)
            if start and (comment is None or comment_lines == [] or reply_seen):
                finish_comment()
                comment = (int(start["number"]), line.number)
                comment_lines = [start["text"]]
                reply_seen = False
            elif REPLY_LINE.match(line.text) and comment is not None:
                reply_seen = True
            elif LEAVE_COMMENT.match(line.text):
                finish_comment()
                comment = None
                state = "end"
            elif comment is not None and not reply_seen:
                comment_lines.append(line.text)
            else:
                raise StoryFormatError(line.number, f"unexpected text among the comments: “{line.text[:60]}”")
        elif state == "end":
            raise StoryFormatError(line.number, f"unexpected text after “Leave a Comment”: “{line.text[:60]}”")
    if state == "comments":
        finish_comment()

    for expected, parsed_comment in enumerate(parsed.comments, start=1):
        if parsed_comment.number != expected:
            raise StoryFormatError(
                parsed_comment.line, f"comment numbered {parsed_comment.number}, expected {expected}"
            )
    if parsed.thoughts_count is not None and parsed.thoughts_count != len(parsed.comments):
        parsed.warnings.append(
            f"the page says {parsed.thoughts_count} thoughts but holds {len(parsed.comments)} comments"
        )


def blocks_of(lines):
    blocks, current = [], []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def last_text_index(lines):
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].text:
            return index
    return -1


def check_url(url, line, what):
    try:
        HTTP_URL(url)
    except ValidationError:
        raise StoryFormatError(line, f"{what} “{url[:80]}” is not an http(s) URL") from None
    check_length(url, LONGEST_FIELD[what], line, what)


def check_length(value, limit, line, what):
    if len(value) > limit:
        raise StoryFormatError(line, f"{what} is {len(value)} characters long; at most {limit} are allowed")
