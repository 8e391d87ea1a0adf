"""Every change of a comment's status, written in one place.

The moderation policy (`comments.moderation`) decides and stays pure; this module writes. A
change of status is: the comment's row, one entry in the append-only moderation log (who, from,
to, why), the story's `page_version` (so no cached page shows the old status) and what follows
it: a comment that the rules (not a moderator) put in the queue is e-mailed to the moderators
when the transaction commits; an approved comment is announced to the readers who asked
(`comments.subscriptions.after_approval`: replies to a thread's followers, "your comment is
published" to its author). Its callers: posting (a new comment's first status), the import of
a story page's comments, the admin's actions, the links in the moderators' e-mail (the admin's
moderate view) and the readers' reports; `record_new_comments`, the WordPress import's.
"""

from django.db import transaction
from django.db.models import F

from .models import Comment, ModerationLogEntry, text_fingerprint
from .notifications import notify_moderators
from .subscriptions import after_approval

REASON_LENGTH = 300


def record_new_comment(comment, *, reason, actor=None):
    """Insert `comment` (an unsaved Comment whose status the rules or the importer set) with its
    first log entry (from no status; `reason` a str, `actor` the user or None for the rules).

    Returns the comment. Raises IntegrityError when a database constraint refuses it (posting
    runs it in a savepoint and turns the same text twice into a refusal). The insert moves the
    story's `page_version` (`Comment.save`), as every save of a comment does.
    """
    comment.save()
    ModerationLogEntry.objects.create(
        comment=comment, actor=actor, from_status="", to_status=comment.status, reason=reason[:REASON_LENGTH]
    )
    after_status_change(comment, actor=actor)
    return comment


def record_new_comments(comments, *, reason):
    """Insert `comments` (unsaved Comments with their status, text cleaned, each parent saved or
    None) in a few statements, each with its first log entry (`reason`, no actor): an import of
    another site's comments. As `Comment.save` does, each gets its fingerprint, thread and depth;
    the stories' `page_version` moves with the inserts (`CommentQuerySet.bulk_create`). No e-mail:
    a held comment of an old site is in the queue, not news. Returns `comments`, saved. Raises
    IntegrityError as `record_new_comment` does.
    """
    if not comments:
        return comments
    for comment in comments:
        comment.fingerprint = text_fingerprint(comment.text)
        if comment.parent is not None:
            comment.thread_id = comment.parent.thread_id or comment.parent.pk
            comment.depth = comment.parent.depth + 1
        else:
            comment.thread_id, comment.depth = None, 0
    Comment.objects.bulk_create(comments)
    stories = {comment.story_id for comment in comments}
    # Top-level comments are their own thread; only those just inserted have none yet (save() sets it).
    Comment.objects.filter(story_id__in=stories, parent__isnull=True, thread__isnull=True).update(thread=F("pk"))
    for comment in comments:
        if comment.thread_id is None:
            comment.thread_id = comment.pk
    ModerationLogEntry.objects.bulk_create(
        ModerationLogEntry(comment=comment, from_status="", to_status=comment.status, reason=reason[:REASON_LENGTH])
        for comment in comments
    )
    return comments


def change_status(comment, to_status, *, actor=None, reason=""):
    """Move `comment` (a stored Comment) to `to_status` (a Comment.Status) and log it.

    `actor` is the moderator (a user), or None when a rule moved it (readers' reports). Returns
    False, writing nothing, when the comment had that status already. Approval also answers the
    reports so far (`report_count` back to 0: new ones count afresh). The row is locked while it
    is read and written, so two moderators acting at once log one change, not two.
    """
    with transaction.atomic():
        current = Comment.objects.select_for_update().only("status").get(pk=comment.pk)
        comment.status = to_status
        if current.status == to_status:
            return False
        changes = {"status": to_status}
        if to_status == Comment.Status.APPROVED:
            changes["report_count"] = 0
        # update() moves the story's page version (CommentQuerySet), in this transaction.
        Comment.objects.filter(pk=comment.pk).update(**changes)
        ModerationLogEntry.objects.create(
            comment=comment,
            actor=actor,
            from_status=current.status,
            to_status=to_status,
            reason=reason[:REASON_LENGTH],
        )
        after_status_change(comment, actor=actor)
    return True


def after_status_change(comment, *, actor):
    """What follows a new status of `comment`, inside the transaction that wrote it.

    Held by a rule (no `actor`): the moderators get an e-mail, enqueued with this transaction and
    sent by a worker once it commits. A moderator who holds a comment knows already. Approved, by
    anyone: the readers who asked for it are e-mailed in the same way (`after_approval`; at the
    comment's first approval only). Spam and removed comments announce nothing.
    """
    if comment.status == Comment.Status.PENDING and actor is None:
        notify_moderators(comment)
    elif comment.status == Comment.Status.APPROVED:
        after_approval(comment)
