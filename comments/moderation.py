"""The moderation policy: which status a new comment gets, and why; who may edit one, until when,
and what status an edit leaves it with.

Pure: `decide_comment_status` takes plain values (the candidate, what is known of
its author, the rules) and returns a `Decision`. No request, no database, no
settings lookups inside, so every rule is tested with plain values. The posting
code gathers those values (`comments.lists` reads the block and hold lists and the
site's switches from the database, `comments.commenters` the author's standing) and
stores the decision with the comment.
"""

import datetime as dt
import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from articles.text import comparable_text

from .addresses import parse_address, parse_network
from .emails import email_key, email_matches

PENDING, APPROVED, SPAM, REMOVED = "pending", "approved", "spam", "removed"
# A commenter's standing, set by a moderator (comments.models.Commenter.Standing).
TRUSTED, HELD, BLOCKED = "trusted", "held", "blocked"
# What happens outside the staffed hours: new comments are held, or the form is closed.
HOLD, CLOSE = "hold", "close"

# One link: from its scheme or "www." to the next white space.
URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """The comment being posted. `posted_at` is aware (UTC or any zone), `zone` the story's outlet's
    `tzinfo` (staffed hours are read in it); `story_premoderated` is the story's own switch."""

    text: str
    author_name: str
    author_email: str
    author_url: str = ""
    ip_address: str | None = None
    honeypot: str = ""
    seconds_to_post: float | None = None
    is_staff: bool = False
    posted_at: dt.datetime | None = None
    zone: dt.tzinfo | None = None
    story_premoderated: bool = False


@dataclass(frozen=True)
class AuthorHistory:
    """What is known of the author's e-mail address: an approved comment, and the standing a
    moderator gave it (`standing` one of TRUSTED, HELD, BLOCKED or ""; `standing_until` aware or
    None for no end; `public_reason` what the author may be told, or ""); `staff_address` whether
    it is the address of an active member of staff (a post without a staff account using it)."""

    has_approved_comment: bool = False
    staff_address: bool = False
    standing: str = ""
    standing_until: dt.datetime | None = None
    public_reason: str = ""

    def standing_at(self, moment):
        """The standing in force at `moment` (aware, or None for "whatever the end date")."""
        return standing_in_force(self.standing, self.standing_until, moment)


def standing_in_force(standing, until, moment):
    """`standing` (str) while `moment` (aware, or None: no end applies) is before `until` (aware or
    None for no end), else "": a standing ends by itself at its end date, with no one to act."""
    if standing and until is not None and moment is not None and moment >= until:
        return ""
    return standing


@dataclass(frozen=True)
class ListEntry:
    """One entry of a block or hold list: a keyword, an e-mail address or `@domain`, or an IP address
    or network. `public_reason` is told to the author of a comment it refuses or holds ("" for
    nothing); `subdomains` says whether `@domain` also covers its subdomains."""

    value: str
    public_reason: str = ""
    subdomains: bool = True


def as_entries(values):
    """A tuple of ListEntry from strings (the environment's lists) or ListEntry values."""
    return tuple(value if isinstance(value, ListEntry) else ListEntry(value) for value in values)


LIST_FIELDS = ("moderation_keywords", "blocked_keywords", "blocked_emails", "held_emails", "blocked_ips", "held_ips")


@dataclass(frozen=True)
class ModerationRules:
    """Every setting the rules read. Lists take strings or `ListEntry` values (stored as ListEntry).

    `staffed_hours` is (start, end) as `datetime.time` in the story outlet's zone, or None for
    "always staffed"; an end before the start spans midnight. `outside_hours` is HOLD or CLOSE.
    """

    min_seconds: float = 3.0
    max_links: int = 1
    moderation_keywords: tuple = ()
    blocked_keywords: tuple = ()
    blocked_emails: tuple = ()
    held_emails: tuple = ()
    blocked_ips: tuple = ()
    held_ips: tuple = ()
    hold_first_comments: bool = True
    premoderate_all: bool = False
    staffed_hours: tuple[dt.time, dt.time] | None = None
    outside_hours: str = HOLD

    def __post_init__(self):
        for name in LIST_FIELDS:
            object.__setattr__(self, name, as_entries(getattr(self, name)))

    @classmethod
    def from_settings(cls, **more):
        """The rules of the environment (`NEWSROOM_COMMENTS_*`), with `more` fields added or replaced."""
        values = {
            "min_seconds": settings.COMMENTS_MIN_SECONDS,
            "max_links": settings.COMMENTS_MAX_LINKS,
            "moderation_keywords": tuple(settings.COMMENTS_MODERATION_KEYWORDS),
            "blocked_keywords": tuple(settings.COMMENTS_BLOCKED_KEYWORDS),
            "blocked_emails": tuple(settings.COMMENTS_BLOCKED_EMAILS),
            "blocked_ips": tuple(settings.COMMENTS_BLOCKED_IPS),
            "hold_first_comments": settings.COMMENTS_HOLD_FIRST_COMMENTS,
            "staffed_hours": staffed_hours_setting(settings.COMMENTS_STAFFED_HOURS),
            "outside_hours": settings.COMMENTS_OUTSIDE_HOURS,
        }
        values.update(more)
        return cls(**values)


@dataclass(frozen=True)
class Decision:
    """The status (PENDING, APPROVED, SPAM), the rule's name, the reason a moderator reads (English,
    stored with the comment) and the reason its author is told ("" for none: the rules that catch
    robots say nothing, and a list entry says only what a moderator wrote for it)."""

    status: str
    rule: str
    reason: str
    public_reason: str = ""


def decide_comment_status(candidate, history, rules):
    """The Decision for a new comment: `candidate` (Candidate), `history` (AuthorHistory), `rules`
    (ModerationRules). The first rule that applies decides, in this order:

    robots (honeypot, too fast) → spam; staff → approved; a blocked commenter → spam; blocked
    e-mail, IP or keyword → spam; pre-moderation (site-wide, then the story's) → held; a staff
    member's address typed by a visitor who is not logged in as staff → held; then a trusted
    commenter: held IP → held, outside the staffed hours → held, otherwise approved; a
    commenter on hold → held; held e-mail, IP or keyword → held; too many links → held; outside the
    staffed hours → held; a first comment → held; otherwise approved.

    A standing belongs to an e-mail address, which anyone may type: trust skips only the rules about
    the author's words (held keywords, links, a first comment), never the block lists, the held IP
    networks or the staffed hours, which do not depend on who the author says they are.
    """
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

    standing = history.standing_at(candidate.posted_at)
    if standing == BLOCKED:
        return Decision(SPAM, "commenter_blocked", "A moderator blocked this commenter.", history.public_reason)
    decision = list_decision(candidate, rules, action=SPAM)
    if decision:
        return decision
    premoderation = premoderation_decision(candidate, rules)
    if premoderation:
        return premoderation
    if history.staff_address:
        return Decision(
            PENDING,
            "staff_address",
            "Uses the e-mail address of a member of staff without being logged in as staff.",
        )
    if standing == TRUSTED:
        decision = network_decision(candidate, rules.held_ips, action=PENDING)
        if decision:
            return decision
        if rules.staffed_hours and rules.outside_hours == HOLD and not is_staffed(candidate, rules.staffed_hours):
            return quiet_hours_decision(candidate, rules.staffed_hours)
        return Decision(APPROVED, "commenter_trusted", "A moderator trusts this commenter.")
    if standing == HELD:
        return Decision(
            PENDING, "commenter_held", "A moderator holds every comment of this commenter.", history.public_reason
        )
    decision = list_decision(candidate, rules, action=PENDING)
    if decision:
        return decision

    links = count_links(candidate.text)
    if links > rules.max_links:
        return Decision(PENDING, "links", f"Contains {links} links (more than {rules.max_links} are held).")
    if rules.staffed_hours and rules.outside_hours == HOLD and not is_staffed(candidate, rules.staffed_hours):
        return quiet_hours_decision(candidate, rules.staffed_hours)
    if rules.hold_first_comments and not history.has_approved_comment:
        return Decision(PENDING, "first_comment", "First comment with this e-mail address.")
    return Decision(APPROVED, "known_commenter", "This e-mail address has approved comments.")


def premoderation_decision(candidate, rules):
    """The held Decision when the site or the story is pre-moderated, else None."""
    if rules.premoderate_all:
        return Decision(
            PENDING,
            "premoderation",
            "Every comment on the site is pre-moderated.",
            _("For now, every comment appears once a moderator has read it."),
        )
    if candidate.story_premoderated:
        return Decision(
            PENDING,
            "story_premoderation",
            "Comments on this story are pre-moderated.",
            _("Comments on this story appear once a moderator has read them."),
        )
    return None


def list_decision(candidate, rules, *, action):
    """The Decision of the first block (`action` SPAM) or hold (PENDING) list entry that matches, or None.

    E-mail first, then IP address, then keywords in the text, name, e-mail and website.
    """
    blocking = action == SPAM
    emails, ips = (rules.blocked_emails, rules.blocked_ips) if blocking else (rules.held_emails, rules.held_ips)
    keywords = rules.blocked_keywords if blocking else rules.moderation_keywords
    prefix = "blocked" if blocking else "held"
    key = email_key(candidate.author_email)
    for entry in emails:
        if email_matches(key, entry.value, subdomains=entry.subdomains):
            return Decision(
                action,
                f"{prefix}_email",
                f"The e-mail address matches the {prefix} entry “{entry.value.strip()}”.",
                entry.public_reason,
            )
    decision = network_decision(candidate, ips, action=action)
    if decision:
        return decision
    searchable = " ".join([candidate.text, candidate.author_name, candidate.author_email, candidate.author_url])
    entry = first_entry_in(searchable, keywords)
    if entry is None:
        return None
    if blocking:
        return Decision(
            SPAM, "blocked_keyword", f"Contains the blocked word “{entry.value.strip()}”.", entry.public_reason
        )
    return Decision(
        PENDING,
        "moderation_keyword",
        f"Contains the word “{entry.value.strip()}”, held for a moderator.",
        entry.public_reason,
    )


def network_decision(candidate, entries, *, action):
    """The Decision (`action` SPAM for a block list, PENDING for a hold list) of the first of
    `entries` (ListEntry: addresses or networks) that holds `candidate.ip_address`, or None."""
    if not candidate.ip_address:
        return None
    entry = first_network_with(candidate.ip_address, entries)
    if entry is None:
        return None
    prefix = "blocked" if action == SPAM else "held"
    return Decision(
        action,
        f"{prefix}_ip",
        f"The IP address {candidate.ip_address} is in the {prefix} entry “{entry.value.strip()}”.",
        entry.public_reason,
    )


def staffed_hours_setting(value):
    """(start, end) as `datetime.time` from NEWSROOM_COMMENTS_STAFFED_HOURS (`"07:00-23:00"`), or None
    when it is empty. The settings module has checked the format already."""
    if not value:
        return None
    start, end = value.split("-")
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


def is_staffed(candidate, hours):
    """True when `candidate.posted_at`, read in `candidate.zone`, falls within `hours` (start, end).

    Start included, end excluded; an end before the start spans midnight (`22:00-06:00`); equal
    start and end mean all day. Without a time or a zone, the rule cannot tell: staffed.
    """
    if candidate.posted_at is None or candidate.zone is None:
        return True
    return time_is_staffed(candidate.posted_at.astimezone(candidate.zone).time(), hours)


def time_is_staffed(local_time, hours):
    """True when `local_time` (a naive `datetime.time`) is within `hours`: see `is_staffed`."""
    start, end = hours
    local_time = local_time.replace(tzinfo=None)
    if start == end:
        return True
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def quiet_hours_decision(candidate, hours):
    """The held Decision of a comment posted outside `hours` (start, end): the local time and the hours."""
    local = candidate.posted_at.astimezone(candidate.zone)
    start, end = (f"{moment:%H:%M}" for moment in hours)
    return Decision(
        PENDING,
        "quiet_hours",
        f"Posted at {local:%H:%M} {local.tzname()}, outside the staffed hours {start}–{end}.",
        _("Moderators read comments from %(start)s to %(end)s (%(zone)s): yours appears once one has read it.")
        % {"start": start, "end": end, "zone": local.tzname()},
    )


def comments_are_open(enabled, published_at, close_after_days, now):
    """Open unless closed on the story, or older than `close_after_days` (0: never closes)."""
    if not enabled or published_at is None:
        return False
    return not close_after_days or now - published_at <= dt.timedelta(days=close_after_days)


def comments_close_at(enabled, published_at, close_after_days):
    """When an open comment section closes by itself (aware datetime: `close_after_days` after
    `published_at`), or None when it never does (or is closed already by its story)."""
    if not enabled or published_at is None or not close_after_days:
        return None
    return published_at + dt.timedelta(days=close_after_days)


def levels_to_climb(parent_depth, max_depth):
    """How far above its parent a reply goes, so that it stays within `max_depth` levels.

    Depths count from 0 (top level). With 5 levels, a reply to depth 4 climbs 1 and sits
    beside its parent; with 1 level, every reply becomes a top-level comment.
    """
    return max(0, parent_depth + 2 - max(max_depth, 1))


# Why its author may not edit or withdraw a comment (comments/editing.py says each in words).
NOT_AUTHOR, GONE, NOT_EDITABLE, MODERATED, TIME_UP = "not_author", "gone", "not_editable", "moderated", "time_up"
# An edit never makes a comment less strict than it is: held stays held, spam stays spam.
STRICTNESS = {APPROVED: 0, PENDING: 1, SPAM: 2}


def edit_seconds_left(posted_at, now, minutes):
    """Seconds (a float, never below 0) left for its author to edit a comment posted at `posted_at`
    (aware), at `now` (aware), with an edit window of `minutes` (0 or less: no window at all)."""
    if minutes <= 0:
        return 0.0
    return max(0.0, (posted_at + dt.timedelta(minutes=minutes) - now).total_seconds())


def why_not_editable(status, *, is_author, moderated, posted_at, now, minutes):
    """None when the author may still edit or withdraw a comment, else why not: NOT_AUTHOR, GONE,
    NOT_EDITABLE, MODERATED or TIME_UP, the first that applies in that order.

    `status` is the comment's (a Comment.Status value); `is_author` whether the request proves it
    comes from its author; `moderated` whether anyone but its author changed its status since it
    was posted (a moderator, readers' reports); `posted_at`, `now` aware; `minutes` the window.
    Spam is not editable (its author is shown it as held, but an edit would only feed the rule
    that caught it); a removed comment is gone, withdrawn by its author or removed by a moderator.
    """
    if not is_author:
        return NOT_AUTHOR
    if status == REMOVED:
        return GONE
    if status not in (APPROVED, PENDING):
        return NOT_EDITABLE
    if moderated:
        return MODERATED
    if edit_seconds_left(posted_at, now, minutes) <= 0:
        return TIME_UP
    return None


def status_after_edit(current, decided):
    """The status of a comment after an edit: `decided` (what the rules say of the new text) when it
    is stricter than `current`, else `current`. An approved comment whose edit adds a link goes back
    to the queue; a held one stays held whatever its edit says, for the moderator to read."""
    return decided if STRICTNESS.get(decided, 0) > STRICTNESS.get(current, 0) else current


def normalise(text):
    """Text as keyword rules compare it: `articles.text.comparable_text` (invisible characters
    gone, NFKC, case-folded), so `ca\u200bsino` and `ca\u00adsino` are `casino`."""
    return comparable_text(text)


@functools.lru_cache(maxsize=4096)
def keyword_pattern(keyword):
    """A regex for one configured word (compiled once per process: the lists are read on every post).

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


def first_entry_in(text, entries):
    """The first ListEntry (of `entries`, ListEntry or str) whose keyword is in `text`, or None."""
    haystack = normalise(text)
    for entry in as_entries(entries):
        pattern = keyword_pattern(entry.value)
        if pattern and pattern.search(haystack):
            return entry
    return None


def first_keyword_in(text, keywords):
    """The first of `keywords` (str) found in `text`, stripped, or None."""
    entry = first_entry_in(text, keywords)
    return entry.value.strip() if entry else None


def count_links(text):
    return len(URL_PATTERN.findall(text))


def first_network_with(address, entries):
    """The first ListEntry (of `entries`, ListEntry or str: addresses or CIDR blocks) that `address`
    (str) falls in, or None.

    Both sides are canonical (`addresses`): `::ffff:198.51.100.7` is 198.51.100.7, and so is
    an entry written that way. Entries that are not addresses are skipped.
    """
    canonical = parse_address(address)
    if canonical is None:
        return None
    ip = ipaddress.ip_address(canonical)
    for entry in as_entries(entries):
        network = parse_network(entry.value)
        if network is not None and ip in network:
            return entry
    return None


def ip_is_blocked(address, blocked):
    """True when `address` (str) falls in one of the `blocked` entries (addresses or CIDR blocks)."""
    return first_network_with(address, blocked) is not None
