"""Comments of imported WordPress posts: saved in the post's transaction, once each.

`import_post_comments` answers the `articles.signals.wordpress_post_imported` signal (the story
app never imports this one). Each WordPress comment is matched by its site and comment id
(`ImportedComment`); on a re-run a comment still as the import left it takes WordPress's changes,
one edited or moderated here since is kept (unless `--overwrite`), one whose author had it erased
here is never written again (`comments.erasure`), and nothing is added twice.

- Threads from `wp:comment_parent`: a reply deeper than NEWSROOM_COMMENTS_MAX_DEPTH goes beside its
  parent as a posted reply does (`imports.reply_parent`); a reply to a comment that is not in the
  export (a pingback, one deleted) is a top-level comment.
- Status from WordPress (approved, pending, spam, removed), stored with the moderation log's reason
  "imported", and no e-mail to the moderators: a held comment of an old site is in the queue, not news.
- Text: WordPress's comment HTML as plain text (`articles.wordpress.plain_text`). Name, e-mail,
  website, IP address and time (GMT; the story's time when WordPress gives none), cleaned as
  `comments.imports` says, with what every import of comments shares.
"""

from django.dispatch import receiver
from django.utils import timezone

from articles.models import clean_text_fields
from articles.signals import wordpress_post_imported
from articles.wordpress import plain_text
from articles.wordpress.tally import COMMENT, IMPORTED

from .addresses import parse_address
from .imports import (
    ANONYMOUS,
    IMPORTED_RULE,
    LOG_REASON,
    NAME_LENGTH,
    SKIP_EMPTY,
    SKIP_REPEATED,
    comment_fingerprint,
    count_shortened_name,
    import_known,
    refuse_too_long,
    reply_parent,
    thread_order,
    valid_email,
    valid_url,
)
from .models import Comment, ImportedComment, text_fingerprint
from .status import record_new_comments

SKIP_NO_STORY = "its story was not imported"


def comment_values(item, story):
    """An unsaved Comment with what the WordPress comment `item` (items.Comment) says, cleaned as a
    save would clean it (so that its fingerprint is the stored comment's)."""
    comment = Comment(
        story=story if story is not None and story.pk else None,
        author_name=(item.author.strip() or ANONYMOUS)[:NAME_LENGTH],
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
        if refuse_too_long(values, item, tally):
            continue
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
        count_shortened_name(item.author, tally)
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
