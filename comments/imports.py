"""What every import of another site's comments shares (`comments.wordpress`, `comments.disqus`):
the cleaning of what the old site stored, the fingerprint that tells a comment edited or moderated
here since its import, threads (parents before replies, the depth limit) and the rules for a
comment imported before.

- Text is plain text; an empty comment is left out, and so is one longer than a posted comment
  may be (`TEXT_LENGTH`, the comment form's limit), listed by line. Name (else "Anonymous";
  shortened to the model's `NAME_LENGTH`, counted), e-mail (kept only if
  valid), website (http(s) only), IP address (canonical, `addresses.parse_address`).
- Status as the old site had it, stored through `status.record_new_comments` with the moderation
  log's reason "imported" and no e-mail to the moderators. A later change goes through
  `status.change_status`.
- The same text twice from the same e-mail address on one story is stored once (the rule posted
  comments follow: `one_copy_of_a_comment_per_author`).
- On a re-run, a comment still as the import left it takes the old site's changes; one edited or
  moderated here since is kept (unless `--overwrite`); one deleted here stays deleted.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from articles.models import HTTP_URL
from articles.wordpress.tally import COMMENT, UNCHANGED, UPDATED

from .models import Comment
from .moderation import levels_to_climb
from .status import change_status

IMPORTED_RULE = "imported"
LOG_REASON = "imported"
ANONYMOUS = "Anonymous"
SKIP_EMPTY = "empty comment"
SKIP_REPEATED = "the same text twice from one e-mail address on the story"
SKIP_EDITED = "edited or moderated here since the last import (kept; --overwrite replaces it)"
SKIP_DELETED = "deleted here since the last import"
SKIP_ERASED = "erased here at its author's request"
EMAIL = EmailValidator()
# The limits posted comments have (the comment form takes the text's from the model too).
TEXT_LENGTH = Comment._meta.get_field("text").max_length
NAME_LENGTH = Comment._meta.get_field("author_name").max_length
SKIP_TOO_LONG = f"longer than the {TEXT_LENGTH:,} characters a posted comment may have"
NAME_SHORTENED = f"comment author name shortened to {NAME_LENGTH} characters"
# The fields an import writes, in the fingerprint's order.
FIELDS = ("author_name", "author_email", "author_url", "text", "status", "created_at")


def comment_fingerprint(comment):
    """A hex SHA-256 of what the import writes of `comment` (a Comment, saved or not, its text cleaned)."""
    values = [getattr(comment, name) for name in FIELDS]
    values[-1] = values[-1].isoformat() if values[-1] else None
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def valid_email(address):
    """`address` in lower case when it is a valid e-mail address of at most 254 characters, else ""."""
    address = (address or "").strip().lower()
    try:
        EMAIL(address)
    except ValidationError:
        return ""
    return address if len(address) <= 254 else ""


def valid_url(address):
    """`address` when it is an http(s) address of at most 200 characters, else ""."""
    address = (address or "").strip()
    try:
        HTTP_URL(address)
    except ValidationError:
        return ""
    return address if len(address) <= 200 else ""


def count_shortened_name(name, tally):
    """Count into `tally` a new comment's author `name` (str, as the old site gave it) that is
    longer than NAME_LENGTH: the comment keeps its first NAME_LENGTH characters."""
    if len(name.strip()) > NAME_LENGTH:
        tally.dropped[NAME_SHORTENED] += 1


def refuse_too_long(values, item, tally):
    """Whether the comment `values` (an unsaved Comment, its text cleaned) of `item` (with `id`
    and `line`) is too long to store: then skipped, counted and noted in `tally`."""
    if len(values.text) <= TEXT_LENGTH:
        return False
    tally.skip(COMMENT, SKIP_TOO_LONG)
    tally.note(item.line, f"comment {item.id}", f"{len(values.text):,} characters, {SKIP_TOO_LONG}")
    return True


def thread_order(items):
    """`items` (anything with `id` and `parent_id`) with every parent before its replies, else in their order."""
    by_id = {item.id: item for item in items}
    placed, ordered = set(), []

    def place(item, trail=()):
        if item.id in placed or item.id in trail:
            return
        parent = by_id.get(item.parent_id)
        if parent is not None:
            place(parent, (*trail, item.id))
        placed.add(item.id)
        ordered.append(item)

    for item in items:
        place(item)
    return ordered


def reply_parent(parent):
    """Where a reply to `parent` (a Comment) goes: under it, or above as the depth limit asks (None: top level)."""
    for _level in range(levels_to_climb(parent.depth, settings.COMMENTS_MAX_DEPTH)):
        # `parent`, not `parent_id`: in a dry run the comments are unsaved stand-ins.
        if parent.parent is None:
            return None
        parent = parent.parent
    return parent


def import_known(row, item, values, comments, tally, *, dry_run, overwrite):
    """A comment imported before (`row`, an ImportedComment or ImportedDisqusComment; `item` what the
    old site says now, with its `id`; `values` the unsaved Comment it gives): unchanged, updated or
    kept, counted into `tally`. The stored comment goes into `comments` by `item.id`, for its replies."""
    comment = row.comment
    if comment is None:
        tally.skip(COMMENT, SKIP_DELETED)
        return
    comments[item.id] = comment
    if comment.erased_at is not None:
        # Its author had it erased here: no re-run brings it back, --overwrite included.
        tally.skip(COMMENT, SKIP_ERASED)
        return
    wanted = comment_fingerprint(values)
    if wanted == row.fingerprint and (not overwrite or comment_fingerprint(comment) == wanted):
        tally.add(COMMENT, UNCHANGED)
        return
    if not overwrite and comment_fingerprint(comment) != row.fingerprint:
        tally.skip(COMMENT, SKIP_EDITED)
        return
    tally.add(COMMENT, UPDATED)
    if dry_run:
        return
    for name in FIELDS:
        if name != "status":
            setattr(comment, name, getattr(values, name))
    comment.save()
    change_status(comment, values.status, reason=LOG_REASON)
    row.fingerprint = comment_fingerprint(comment)
    row.save(update_fields=["fingerprint"])
