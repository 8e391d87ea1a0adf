"""A story's video: the address an editor pastes, read into (host, id, start).

`parse_video_url(address)` is pure: it returns a `Video` or raises `VideoAddressError` with a
message for the editor. Only YouTube and Vimeo are accepted, in the shapes their share
buttons, address bars and embed codes give:

    https://www.youtube.com/watch?v=ID[&t=1m30s]     https://youtu.be/ID[?t=90]
    https://www.youtube.com/shorts/ID                https://www.youtube.com/embed/ID[?start=90]
    https://m.youtube.com/watch?v=ID                 https://www.youtube-nocookie.com/embed/ID
    https://vimeo.com/ID[#t=90s]                     https://vimeo.com/channels/NAME/ID
    https://player.vimeo.com/video/ID[?h=HASH]       https://vimeo.com/ID/HASH (a private link)

The host must be one of these names exactly (no `youtube.com.evil.example`), with no user
name, password or port in the address, over http or https. A `Video` knows the privacy-enhanced
player's address (youtube-nocookie.com; Vimeo with `dnt=1`: neither sets tracking cookies,
per each host's embed documentation) and the video's own page on its host.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

YOUTUBE = "youtube"
VIMEO = "vimeo"
HOST_NAMES = {YOUTUBE: "YouTube", VIMEO: "Vimeo"}

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
YOUTU_BE_HOSTS = {"youtu.be", "www.youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}
VIMEO_PLAYER_HOSTS = {"player.vimeo.com"}

# A YouTube video id is 11 characters of the URL-safe base64 alphabet.
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
VIMEO_ID = re.compile(r"[0-9]{1,12}")
VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
# Start times as the hosts write them: 90, 90s, 1m30s, 1h2m3s.
START_TIME = re.compile(r"(?:(?P<h>\d{1,2})h)?(?:(?P<m>\d{1,4})m)?(?:(?P<s>\d{1,6})s?)?")
LONGEST_START = 24 * 3600

PLAYER_URLS = {
    YOUTUBE: "https://www.youtube-nocookie.com/embed/{id}",
    VIMEO: "https://player.vimeo.com/video/{id}",
}


class VideoAddressError(ValueError):
    """An address that is not a YouTube or Vimeo video; `message` says why, for the editor."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Video:
    """A YouTube or Vimeo video: `host` ("youtube", "vimeo"), its `id`, `start` in seconds (0: the beginning).

    `private_hash` is the `h` of a Vimeo private link ("" otherwise): its player needs it.
    """

    host: str
    id: str
    start: int = 0
    private_hash: str = ""

    @property
    def host_name(self):
        """As readers know it: YouTube, Vimeo."""
        return HOST_NAMES[self.host]

    @property
    def page_url(self):
        """The video on its host's own site: the no-script link, and the JSON-LD `url`."""
        if self.host == YOUTUBE:
            query = {"v": self.id}
            if self.start:
                query["t"] = f"{self.start}s"
            return f"https://www.youtube.com/watch?{urlencode(query)}"
        address = f"https://vimeo.com/{self.id}"
        if self.private_hash:
            address += f"/{self.private_hash}"
        if self.start:
            address += f"#t={self.start}s"
        return address

    def player_url(self, *, autoplay=True):
        """The privacy-enhanced player (`embedUrl`; the iframe's `src` with autoplay, after the click)."""
        query = {}
        if self.host == YOUTUBE:
            if autoplay:
                query["autoplay"] = 1
            if self.start:
                query["start"] = self.start
        else:
            if self.private_hash:
                query["h"] = self.private_hash
            query["dnt"] = 1
            if autoplay:
                query["autoplay"] = 1
        address = PLAYER_URLS[self.host].format(id=quote(self.id))
        if query:
            address += f"?{urlencode(query)}"
        if self.host == VIMEO and self.start:
            address += f"#t={self.start}s"
        return address


def refuse(address):
    return VideoAddressError(
        _("Only YouTube and Vimeo videos can be embedded: “%(address)s” is not the address of one.")
        % {"address": address}
    )


def parse_start(value):
    """Seconds from a `t`/`start` value (`90`, `90s`, `1m30s`, `1h2m3s`); 0 when absent or unreadable."""
    match = START_TIME.fullmatch(value or "")
    if not value or not match:
        return 0
    seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    return min(seconds, LONGEST_START)


def parse_video_url(address):
    """The `Video` at `address` (str: a YouTube or Vimeo address as pasted; spaces around are ignored).

    Raises `VideoAddressError` for anything else: other hosts, lookalike hosts, addresses
    with credentials or a port, schemes other than http(s), a missing or malformed id.
    """
    text = (address or "").strip()
    if not text.lower().startswith(("http://", "https://")):
        if re.match(r"^[a-z0-9.-]+\.[a-z]{2,}/", text, re.IGNORECASE):
            text = f"https://{text}"
        else:
            raise refuse(address)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise refuse(address) from None
    if any(char.isspace() or ord(char) < 32 for char in text) or "\\" in text:
        raise refuse(address)
    if parts.username is not None or parts.password is not None or port is not None or "@" in parts.netloc:
        raise refuse(address)
    host = (parts.hostname or "").rstrip(".")
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    fragment = parse_qs(parts.fragment)

    def first(values, name):
        return (values.get(name) or [""])[0]

    start = parse_start(first(query, "t") or first(query, "start") or first(fragment, "t"))
    video = None
    if host in YOUTUBE_HOSTS:
        if segments == ["watch"]:
            video = youtube(first(query, "v"), start)
        elif len(segments) == 2 and segments[0] in ("shorts", "embed", "live", "v"):
            video = youtube(segments[1], start)
    elif host in YOUTU_BE_HOSTS and len(segments) == 1:
        video = youtube(segments[0], start)
    elif host in VIMEO_HOSTS:
        if segments and segments[0] == "channels" and len(segments) == 3:
            segments = segments[2:]
        if len(segments) in (1, 2):
            video = vimeo(segments[0], segments[1] if len(segments) == 2 else first(query, "h"), start)
    elif host in VIMEO_PLAYER_HOSTS and len(segments) == 2 and segments[0] == "video":
        video = vimeo(segments[1], first(query, "h"), start)
    if video is None:
        raise refuse(address)
    return video


def youtube(video_id, start):
    return Video(YOUTUBE, video_id, start) if YOUTUBE_ID.fullmatch(video_id) else None


def vimeo(video_id, private_hash, start):
    if not VIMEO_ID.fullmatch(video_id) or (private_hash and not VIMEO_HASH.fullmatch(private_hash)):
        return None
    return Video(VIMEO, video_id, start, private_hash)


def validate_video_url(value):
    """Model field validator: Django's ValidationError with the parser's message."""
    try:
        parse_video_url(value)
    except VideoAddressError as error:
        raise ValidationError(error.message, code="video_host") from None
