"""The moderation policy: which status a new comment gets, and why.

Pure: `decide_comment_status` takes plain values (the candidate, what is known of
its author, the rules) and returns a `Decision`. No request, no database, no
settings lookups inside, so every rule is tested with plain values. Views read
the settings with `ModerationRules.from_settings()` and store the decision with
the comment.
"""

import datetime as dt
import ipaddress
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from articles.text import comparable_text

from .addresses import parse_address, parse_network

PENDING, APPROVED, SPAM = "pending", "approved", "spam"

# One link: from its scheme or "www." to the next white space.
URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    text: str
    author_name: str
    author_email: str
    author_url: str = ""
    ip_address: str | None = None
    honeypot: str = ""
    seconds_to_post: float | None = None
    is_staff: bool = False


@dataclass(frozen=True)
class AuthorHistory:
    has_approved_comment: bool = False


@dataclass(frozen=True)
class Decision:
    status: str
    rule: str
    reason: str


@dataclass(frozen=True)
class ModerationRules:
    min_seconds: float = 3.0
    max_links: int = 1
    moderation_keywords: tuple[str, ...] = ()
    blocked_keywords: tuple[str, ...] = ()
    blocked_emails: tuple[str, ...] = ()
    blocked_ips: tuple[str, ...] = ()
    hold_first_comments: bool = True

    @classmethod
    def from_settings(cls):
        return cls(
            min_seconds=settings.COMMENTS_MIN_SECONDS,
            max_links=settings.COMMENTS_MAX_LINKS,
            moderation_keywords=tuple(settings.COMMENTS_MODERATION_KEYWORDS),
            blocked_keywords=tuple(settings.COMMENTS_BLOCKED_KEYWORDS),
            blocked_emails=tuple(settings.COMMENTS_BLOCKED_EMAILS),
            blocked_ips=tuple(settings.COMMENTS_BLOCKED_IPS),
            hold_first_comments=settings.COMMENTS_HOLD_FIRST_COMMENTS,
        )


def decide_comment_status(candidate, history, rules):
    """The status of a new comment, the rule that set it and a reason a moderator reads."""
    if candidate.honeypot:
        return Decision(SPAM, "honeypot", "The hidden field that only robots fill in was filled in.")
    if candidate.seconds_to_post is not None and candidate.seconds_to_post < rules.min_seconds:
        return Decision(
            SPAM,
            "too_fast",
            f"Posted {candidate.seconds_to_post:.1f} s after the form was shown (minimum {rules.min_seconds:g} s).",
        )
    if candidate.is_staff:
        return Decision(APPROVED, "staff", "Posted by a logged-in member of staff.")

    email = comparable_text(candidate.author_email.strip())
    for blocked in rules.blocked_emails:
        if email_matches(email, blocked):
            return Decision(SPAM, "blocked_email", f"The e-mail address matches the blocked entry “{blocked}”.")
    if candidate.ip_address and ip_is_blocked(candidate.ip_address, rules.blocked_ips):
        return Decision(SPAM, "blocked_ip", f"The IP address {candidate.ip_address} is blocked.")

    searchable = " ".join([candidate.text, candidate.author_name, candidate.author_email, candidate.author_url])
    keyword = first_keyword_in(searchable, rules.blocked_keywords)
    if keyword:
        return Decision(SPAM, "blocked_keyword", f"Contains the blocked word “{keyword}”.")
    keyword = first_keyword_in(searchable, rules.moderation_keywords)
    if keyword:
        return Decision(PENDING, "moderation_keyword", f"Contains the word “{keyword}”, held for a moderator.")

    links = count_links(candidate.text)
    if links > rules.max_links:
        return Decision(PENDING, "links", f"Contains {links} links (more than {rules.max_links} are held).")
    if rules.hold_first_comments and not history.has_approved_comment:
        return Decision(PENDING, "first_comment", "First comment with this e-mail address.")
    return Decision(APPROVED, "known_commenter", "This e-mail address has approved comments.")


def comments_are_open(enabled, published_at, close_after_days, now):
    """Open unless closed on the story, or older than `close_after_days` (0: never closes)."""
    if not enabled or published_at is None:
        return False
    return not close_after_days or now - published_at <= dt.timedelta(days=close_after_days)


def comments_state(story_row):
    """'open' or 'closed' now, for the page cache's key."""
    is_open = comments_are_open(
        story_row.comments_enabled, story_row.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS, timezone.now()
    )
    return "open" if is_open else "closed"


def levels_to_climb(parent_depth, max_depth):
    """How far above its parent a reply goes, so that it stays within `max_depth` levels.

    Depths count from 0 (top level). With 5 levels, a reply to depth 4 climbs 1 and sits
    beside its parent; with 1 level, every reply becomes a top-level comment.
    """
    return max(0, parent_depth + 2 - max(max_depth, 1))


def normalise(text):
    """Text as keyword rules compare it: `articles.text.comparable_text` (invisible characters
    gone, NFKC, case-folded), so `ca\u200bsino` and `ca\u00adsino` are `casino`."""
    return comparable_text(text)


def keyword_pattern(keyword):
    """A regex for one configured word.

    Latin words match whole words only ("press" is not in "WordPress"); a `*` at
    either end allows more letters there ("press*" matches "pressing"). The word
    edges look at Latin letters and digits only, not at `\\b`, which counts Hangul
    as word characters and would miss "press광고". Words in other scripts (Korean)
    match anywhere, since Korean attaches particles to the word ("광고를").
    """
    word = normalise(keyword.strip())
    prefix = word.startswith("*")
    suffix = word.endswith("*")
    core = word.strip("*")
    if not core:
        return None
    pattern = re.escape(core)
    if is_latin(core):
        if not prefix:
            pattern = rf"(?<![{LATIN_WORD}])" + pattern
        if not suffix:
            pattern += rf"(?![{LATIN_WORD}])"
    return re.compile(pattern)


LATIN_WORD = "0-9a-z\u00df-\u024f"


def is_latin(word):
    letters = [char for char in word if char.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(char, "") for char in letters)


def first_keyword_in(text, keywords):
    haystack = normalise(text)
    for keyword in keywords:
        pattern = keyword_pattern(keyword)
        if pattern and pattern.search(haystack):
            return keyword.strip()
    return None


def count_links(text):
    return len(URL_PATTERN.findall(text))


def email_matches(email, blocked):
    """True when `email` (a str, as `comparable_text` gives it) matches the `blocked` entry (a str).

    An entry is an address, or `@domain` for the domain and every subdomain of it (`@spam.example`
    blocks `x@spam.example` and `x@sub.spam.example`, not `x@notspam.example`): a newsroom that
    blocks a spam domain means its hosts too. The entry is compared as `comparable_text` gives it,
    like the address, so invisible characters, full-width letters and case do not hide a match.
    """
    blocked = comparable_text(blocked.strip())
    if not blocked:
        return False
    if blocked.startswith("@"):
        domain = email.rpartition("@")[2]
        return domain == blocked[1:] or domain.endswith("." + blocked[1:])
    return email == blocked


def ip_is_blocked(address, blocked):
    """True when `address` (str) falls in one of the `blocked` entries (addresses or CIDR blocks).

    Both sides are canonical (`addresses`): `::ffff:198.51.100.7` is 198.51.100.7, and so is
    an entry written that way. Entries that are not addresses are skipped.
    """
    canonical = parse_address(address)
    if canonical is None:
        return False
    ip = ipaddress.ip_address(canonical)
    for entry in blocked:
        network = parse_network(entry)
        if network is not None and ip in network:
            return True
    return False
