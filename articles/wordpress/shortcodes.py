"""WordPress shortcodes and auto-embedded addresses, at the text level, before the HTML is parsed.

WordPress expands shortcodes (`[caption]…[/caption]`, `[gallery ids="1,2"]`, `[embed]URL[/embed]`)
and turns a video address alone on its line into a player when it shows a post. The export holds
the text before that, so `expand_shortcodes` does the same work into plain HTML the converter
(`articles.wordpress.content`) reads afterwards:

- `[caption]` → `<figure>` with the image and a `<figcaption>` (the text after the image, or the
  older `caption="…"` attribute);
- `[gallery]` → one `<figure>` per image, looked up among the export's attachments (the shortcode
  names attachment ids, or none: then the images attached to the post);
- `[embed]URL[/embed]`, `[video src=URL]` and a bare address alone on its line → an embed marker
  (`<newsroom-embed data-url="…">`) when it is a YouTube or Vimeo video (`articles.video`), a link
  otherwise;
- `[audio]`, `[playlist]`, `[video]` of a file, and shortcodes of plugins → removed and counted;
  an enclosing one keeps the text between its tags.

Only registered shortcodes are expanded by WordPress; we cannot know which plugins a site had, so
a bracketed word is taken for a shortcode only when it is one of WordPress's own, has attributes
(`name=value`), closes itself (`[x /]`) or has a closing tag (`[/x]`) in the post. `[sic]`, `[1]`,
`[AP Photo]` and `[toc]` stay as text. `[[name]]` is WordPress's escape for the literal `[name]`.
"""

import bisect
import html
import re
from urllib.parse import urlsplit

from ..video import VIMEO_HOSTS, VIMEO_PLAYER_HOSTS, YOUTU_BE_HOSTS, YOUTUBE_HOSTS, VideoAddressError, parse_video_url

EMBED_TAG = "newsroom-embed"

# [ then an optional escaping [, an optional / (closing tag), the name, attributes (no brackets;
# a / only when not closing the tag), an optional / (self-closing), ] and an optional escaping ].
SHORTCODE = re.compile(r"\[(\[?)(/?)([A-Za-z][A-Za-z0-9_-]*)(?=[\s/\]])((?:[^\[\]/]|/(?!\]))*)(/?)\](\]?)")
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
# An address alone on its line (perhaps alone in a <p> on that line), as WordPress auto-embeds it.
OWN_LINE_URL = re.compile(r"^([ \t]*(?:<p>[ \t]*)?)(https?://[^\s<>\"'\[\]]+)([ \t]*(?:</p>[ \t]*)?)$", re.M | re.I)
# [caption]'s image: an <img>, perhaps inside a link; the text after it is the caption.
CAPTION_IMAGE = re.compile(r"<img\s[^>]*>", re.I)
CAPTION_LINK_OPENING = re.compile(r"<a\s[^>]*>\s*", re.I)
CAPTION_LINK_CLOSING = re.compile(r"\s*</a>", re.I)

KNOWN = frozenset({"caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist"})
MAX_NESTING = 3
# Sites WordPress embeds by their address alone (oEmbed providers it knows): their posts showed a
# player or a card where we show the address as a link.
OEMBED_SITES = frozenset(
    {
        "twitter.com",
        "x.com",
        "instagram.com",
        "facebook.com",
        "tiktok.com",
        "soundcloud.com",
        "open.spotify.com",
        "flickr.com",
        "flic.kr",
        "dailymotion.com",
        "reddit.com",
        "tumblr.com",
        "imgur.com",
        "ted.com",
        "slideshare.net",
        "scribd.com",
        "issuu.com",
        "pinterest.com",
        "mixcloud.com",
    }
)
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "webp", "avif", "bmp", "tif", "tiff", "heic", "heif"})

# What `dropped` counts (keys are what an editor reads in the import's report).
DROPPED_AUDIO = "audio file ([audio] shortcode)"
DROPPED_PLAYLIST = "playlist ([playlist] shortcode)"
DROPPED_VIDEO_FILE = "video file ([video] shortcode)"
DROPPED_GALLERY_IMAGE = "gallery image not among the export's attachments"
DROPPED_EMPTY_GALLERY = "gallery without images in the export"


def shortcode_key(name):
    return f"shortcode [{name}] (its text kept)"


def oembed_key(host):
    return f"embed from {host} (kept as a link)"


def parse_attributes(text):
    """Shortcode attributes: {name (lower case): value}; values without a name get the keys 0, 1, …"""
    attributes, position = {}, 0
    for match in ATTRIBUTE.finditer(text.strip()):
        groups = match.groups()
        for name_index in (0, 2, 4):
            if groups[name_index] is not None:
                attributes[groups[name_index].lower()] = groups[name_index + 1]
                break
        else:
            attributes[position] = next(value for value in groups[6:] if value is not None)
            position += 1
    return attributes


VIDEO_HOSTS = YOUTUBE_HOSTS | YOUTU_BE_HOSTS | VIMEO_HOSTS | VIMEO_PLAYER_HOSTS


def video_at(address):
    """The `articles.video.Video` at `address` (str), None when it is not a YouTube or Vimeo video."""
    try:
        host = (urlsplit(address.strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    if host not in VIDEO_HOSTS:
        return None  # saves building the refusal's translated message, for every other address
    try:
        return parse_video_url(address)
    except VideoAddressError:
        return None


def embed_html(address, dropped):
    """The marker for a video, a link for another http(s) address, the text otherwise."""
    address = html.unescape(address).strip()
    video = video_at(address)
    if video:
        return f'<{EMBED_TAG} data-url="{html.escape(video.page_url)}"></{EMBED_TAG}>'
    try:
        parts = urlsplit(address)
    except ValueError:
        return html.escape(address)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return html.escape(address)
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    if host in OEMBED_SITES:
        dropped[oembed_key(host)] += 1
    escaped = html.escape(address)
    return f'<a href="{escaped}">{escaped}</a>'


def mark_own_line_urls(text, dropped):
    """`text` with each address alone on its line made an embed marker (a video, in place of the
    line) or a link (another address, in its paragraph)."""

    def replace(match):
        marked = embed_html(match.group(2), dropped)
        if marked.startswith(f"<{EMBED_TAG}"):
            return marked
        return f"{match.group(1)}{marked}{match.group(3)}"

    return OWN_LINE_URL.sub(replace, text)


def is_image_file(name):
    """Whether a file name or address (str) ends with an image extension (jpg, png, webp, …)."""
    file_name = (urlsplit(name).path if "://" in name else name).rsplit("/", 1)[-1]
    stem, dot, extension = file_name.rpartition(".")
    return bool(stem and dot) and extension.lower() in IMAGE_EXTENSIONS


def caption_html(attributes, content, dropped, context, depth):
    if depth < MAX_NESTING:
        content = expand_shortcodes(content, dropped, depth=depth + 1, **context)
    match = CAPTION_IMAGE.search(content)
    if match:
        end = match.end()
        link_start = content.lower().rfind("<a", 0, match.start())
        if link_start >= 0 and CAPTION_LINK_OPENING.fullmatch(content, link_start, match.start()):
            closing = CAPTION_LINK_CLOSING.match(content, end)
            end = closing.end() if closing else end
        image, caption = content[:end], content[end:]
    else:
        image, caption = content, ""
    caption = attributes.get("caption", caption).strip()
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>"


def gallery_html(attributes, dropped, attachments, post_id):
    """One figure per image of a [gallery]; see `expand_shortcodes` for `attachments`."""
    attachments = attachments or {}
    ids = [int(value) for value in re.findall(r"\d+", attributes.get("ids") or attributes.get("include") or "")]
    if ids:
        chosen = []
        for attachment_id in ids:
            if attachment_id in attachments:
                chosen.append(attachments[attachment_id])
            else:
                dropped[DROPPED_GALLERY_IMAGE] += 1
    else:
        parent = int(attributes["id"]) if str(attributes.get("id", "")).isdigit() else post_id
        excluded = {int(value) for value in re.findall(r"\d+", attributes.get("exclude") or "")}
        chosen = sorted(
            (
                attachment
                for attachment in attachments.values()
                if attachment.parent_id == parent and attachment.id not in excluded and attachment.is_image
            ),
            key=lambda attachment: (attachment.menu_order, attachment.id),
        )
        if not chosen:
            dropped[DROPPED_EMPTY_GALLERY] += 1
    figures = []
    for attachment in chosen:
        if not attachment.url:
            dropped[DROPPED_GALLERY_IMAGE] += 1
            continue
        figures.append(
            f'<figure><img src="{html.escape(attachment.url)}" alt="{html.escape(attachment.alt)}" '
            f'class="wp-image-{attachment.id}"><figcaption>{html.escape(attachment.caption)}</figcaption></figure>'
        )
    return "".join(figures)


def known_shortcode_html(name, attributes, content, dropped, context, depth):
    if name in ("caption", "wp_caption"):
        return caption_html(attributes, content or "", dropped, context, depth) if content else ""
    if name == "gallery":
        return gallery_html(attributes, dropped, context["attachments"], context["post_id"])
    if name == "embed":
        return embed_html(content, dropped) if content and content.strip() else ""
    if name == "video":
        address = attributes.get("src") or attributes.get(0) or ""
        if not video_at(html.unescape(address)):
            dropped[DROPPED_VIDEO_FILE] += 1
            return ""
        return embed_html(address, dropped)
    dropped[DROPPED_AUDIO if name == "audio" else DROPPED_PLAYLIST] += 1
    return ""


def expand_shortcodes(text, dropped, *, attachments=None, post_id=None, depth=0):
    """`text` (str, a post's HTML) with its shortcodes replaced as the module docstring says.

    `dropped` (a Counter) is incremented for what is removed, by reason. `attachments` maps
    attachment ids to objects with `id`, `url`, `alt`, `caption`, `parent_id`, `menu_order` and
    `is_image` (`articles.wordpress.export.Attachment`), for [gallery]; None counts every gallery
    image as missing. `post_id` is the post's WordPress id, for a [gallery] without ids.
    """
    tokens = list(SHORTCODE.finditer(text))
    if not tokens:
        return text
    context = {"attachments": attachments, "post_id": post_id}
    # Where each name's closing tags are, by token index.
    closing = {}
    for index, match in enumerate(tokens):
        if match.group(2) and not (match.group(1) and match.group(6)):
            closing.setdefault(match.group(3), []).append(index)
    out, position, index, unclosed = [], 0, 0, {}
    while index < len(tokens):
        match = tokens[index]
        index += 1
        if match.start() < position:
            continue  # inside an enclosing shortcode already replaced
        out.append(text[position : match.start()])
        position = match.end()
        lead, is_closing, name, raw_attributes, self_closing, trail = match.groups()
        if lead and trail:
            out.append(match.group(0)[1:-1])
            continue
        out.append(lead)
        known = name.lower() in KNOWN
        if is_closing:
            if unclosed.get(name):
                unclosed[name] -= 1
            elif known:
                pass  # a stray [/caption] or [/embed]: nothing to show
            else:
                dropped[shortcode_key(name)] += 1
            out.append(trail)
            continue
        content = None
        closers = closing.get(name, [])
        following = bisect.bisect_right(closers, index - 1)
        if not self_closing and following < len(closers):
            if known:
                end = tokens[closers[following]]
                content = text[match.end() : end.start()]
                position = end.end()
            else:
                unclosed[name] = unclosed.get(name, 0) + 1
        if known:
            attributes = parse_attributes(raw_attributes)
            out.append(known_shortcode_html(name.lower(), attributes, content, dropped, context, depth))
        elif "=" in raw_attributes or self_closing or name in closing:
            dropped[shortcode_key(name)] += 1
        else:
            out.append(match.group(0)[len(lead) : len(match.group(0)) - len(trail)])
        out.append(trail)
    out.append(text[position:])
    return "".join(out)
