"""Comments of imported WordPress posts: saved in the post's transaction, once each.

`import_post_comments` answers the `articles.signals.wordpress_post_imported` signal (the story
app never imports this one). Each WordPress comment is matched by its site and comment id
(`ImportedComment`); on a re-run a comment still as the import left it takes WordPress's changes,
one edited or moderated here since is kept (unless `--overwrite`), one whose author had it erased
here is never written again (`comments.erasure`), and nothing is added twice.

- Threads from `wp:comment_parent`: a reply deeper than NEWSROOM_COMMENTS_MAX_DEPTH goes beside its
  parent as a posted reply does (`moderation.levels_to_climb`); a reply to a comment that is not in
  the export (a pingback, one deleted) is a top-level comment.
- Status from WordPress (approved, pending, spam, removed), stored through `status.record_new_comments`
  with the moderation log's reason "imported", and no e-mail to the moderators: a held comment of an
  old site is in the queue, not news. A later change of status goes through `status.change_status`.
- Text: WordPress's comment HTML as plain text (`articles.wordpress.plain_text`); an empty one is
  left out. Name, e-mail (kept only if valid), website (http(s) only), IP address (canonical,
  `addresses.parse_address`) and time (GMT; the story's time when WordPress gives none).
- The same text twice from the same e-mail address on one story is stored once (the rule posted
  comments follow: `one_copy_of_a_comment_per_author`).
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.dispatch import receiver
from django.utils import timezone

from articles.models import HTTP_URL, clean_text_fields
from articles.signals import wordpress_post_imported
from articles.wordpress import plain_text
from articles.wordpress.tally import COMMENT, IMPORTED, UNCHANGED, UPDATED

from .addresses import parse_address
from .models import Comment, ImportedComment, text_fingerprint
from .moderation import levels_to_climb
from .status import change_status, record_new_comments

IMPORTED_RULE = "imported"
LOG_REASON = "imported"
ANONYMOUS = "Anonymous"
SKIP_EMPTY = "empty comment"
SKIP_REPEATED = "the same text twice from one e-mail address on the story"
SKIP_EDITED = "edited or moderated here since the last import (kept; --overwrite replaces it)"
SKIP_DELETED = "deleted here since the last import"
SKIP_ERASED = "erased here at its author's request"
SKIP_NO_STORY = "its story was not imported"
EMAIL = EmailValidator()
# The fields an import writes, in the fingerprint's order.
FIELDS = ("author_name", "author_email", "author_url", "text", "status", "created_at")


def comment_fingerprint(comment):
    """A hex SHA-256 of what the import writes of `comment` (a Comment, saved or not, its text cleaned)."""
    values = [getattr(comment, name) for name in FIELDS]
    values[-1] = values[-1].isoformat() if values[-1] else None
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def valid_email(address):
    address = (address or "").strip().lower()
    try:
        EMAIL(address)
    except ValidationError:
        return ""
    return address if len(address) <= 254 else ""


def valid_url(address):
    address = (address or "").strip()
    try:
        HTTP_URL(address)
    except ValidationError:
        return ""
    return address if len(address) <= 200 else ""


def comment_values(item, story):
    """An unsaved Comment with what the WordPress comment `item` (items.Comment) says, cleaned as a
    save would clean it (so that its fingerprint is the stored comment's)."""
    comment = Comment(
        story=story if story is not None and story.pk else None,
        author_name=(item.author.strip() or ANONYMOUS)[:100],
        author_email=valid_email(item.author_email),
        author_url=valid_url(item.author_url),
        text=plain_text(item.content).strip(),
        status=item.status,
        created_at=item.published_at or (story.published_at if story is not None else None) or timezone.now(),
        ip_address=parse_address(item.author_ip),
        rule=IMPORTED_RULE,
    )
    clean_text_fields(comment)
    return comment


def thread_order(items):
    """`items` (items.Comment of one post) with every parent before its replies, else in file order."""
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


@receiver(wordpress_post_imported)
def import_post_comments(sender, story, post, site, tally, dry_run, overwrite, **kwargs):
    """Import the comments of `post` (articles.wordpress.Post) onto `story`, counting into `tally`.

    New comments are inserted a level of the thread at a time (`status.record_new_comments`: a
    few statements per level, whatever the number of comments), parents before their replies.
    """
    items = list(post.comments)
    if not items:
        return
    if story is None and not dry_run:
        tally.skip(COMMENT, SKIP_NO_STORY, len(items))
        return
    known = {}
    if site is not None and story is not None:
        rows = ImportedComment.objects.filter(site=site, wordpress_id__in=[item.id for item in items])
        known = {row.wordpress_id: row for row in rows.select_related("comment")}
    copies = set()
    if story is not None and story.pk:
        copies = set(
            Comment.objects.filter(story=story).exclude(author_email="").values_list("author_email", "fingerprint")
        )
    comments = {}  # WordPress comment id -> our Comment (stored, or new in this post)
    levels = {}  # id() of a new Comment -> its level among the new ones (0: its parent is stored, or none)
    by_level = {}
    for item in thread_order(items):
        row = known.get(item.id)
        values = comment_values(item, story)
        if row is not None:
            import_known(row, item, values, comments, tally, dry_run=dry_run, overwrite=overwrite)
            continue
        if not values.text:
            tally.skip(COMMENT, SKIP_EMPTY)
            continue
        copy = (values.author_email, text_fingerprint(values.text))
        if values.author_email and copy in copies:
            tally.skip(COMMENT, SKIP_REPEATED)
            continue
        copies.add(copy)
        parent = comments.get(item.parent_id)
        values.parent = reply_parent(parent) if parent is not None else None
        values.depth = values.parent.depth + 1 if values.parent is not None else 0
        values.reason = f"WordPress comment {item.id} on post {post.id}"[:300]
        # A reply to a comment new in this post waits for the level of its parent to be stored.
        level = levels.get(id(values.parent), -1) + 1
        levels[id(values)] = level
        by_level.setdefault(level, []).append((item.id, values))
        comments[item.id] = values
        tally.add(COMMENT, IMPORTED)
    if dry_run:
        return
    for level in sorted(by_level):
        batch = by_level[level]
        record_new_comments([values for _number, values in batch], reason=LOG_REASON)
        ImportedComment.objects.bulk_create(
            ImportedComment(site=site, wordpress_id=number, comment=values, fingerprint=comment_fingerprint(values))
            for number, values in batch
        )


def import_known(row, item, values, comments, tally, *, dry_run, overwrite):
    """A comment imported before (`row`, an ImportedComment): unchanged, updated or kept."""
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
