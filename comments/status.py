"""Every change of a comment's status, and of its being an editor's pick, written in one place.

The moderation policy (`comments.moderation`) decides and stays pure; this module writes. A
change of status is: the comment's row, one entry in the append-only moderation log (who, from,
to, why), the story's `page_version` (so no cached page shows the old status) and what follows
it: a comment that the rules (not a moderator) put in the queue is e-mailed to the moderators
when the transaction commits; an approved comment is announced to the readers who asked
(`comments.subscriptions.after_approval`: replies to a thread's followers, "your comment is
published" to its author). Its callers: posting (a new comment's first status), the import of
a story page's comments, the admin's actions, the links in the moderators' e-mail (the admin's
moderate view) and the readers' reports; `record_new_comments`, the WordPress import's; and its
author's edits and withdrawal within the edit window (`record_edit`, `record_withdrawal`, called
by `comments.editing`). Any other change of status ends that window: it empties the comment's
`edit_key`, so its author cannot edit a comment a moderator (or the readers' reports) acted on.

Editor's picks (`set_pick`) live here too, because they hang on the status: only an approved
comment can be picked (a database constraint says so as well), and a picked comment that leaves
approved status stops being a pick in the same write, with its own line in the log. Both read the
status under the same row lock, so a pick and a removal at once cannot leave a removed comment picked.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Comment, Commenter, CommentVersion, ModerationLogEntry, text_fingerprint
from .notifications import notify_moderators
from .subscriptions import after_approval

REASON_LENGTH = 300
PUBLIC_REASON_LENGTH = Comment._meta.get_field("public_reason").max_length
WITHDRAWN = "withdrawn by its author"
# How the log's reason of an edit begins: its author's (comments/editing.py) or a moderator's (admin).
EDITED_BY_AUTHOR = "edited by its author"
EDITED_IN_ADMIN = "edited in admin"


class StaleComment(Exception):
    """Its author's change was refused: the comment's status or edit key changed since it was read
    (a moderator acted, or another tab of the same browser edited or withdrew it first)."""


# The moderation log's lines for picks: a pick is no change of status (from and to are the same).
PICKED = "marked as editor's pick"
UNPICKED = "no longer an editor's pick"
UNPICKED_WITH_STATUS = "no longer an editor's pick: it is not approved any more"


class ErasedComment(Exception):
    """Its author had the comment erased (`Comment.erased_at`): it is never approved again, nor
    made an editor's pick (its place in its thread is all that is left of it)."""

    def __init__(self, pk):
        super().__init__(f"Comment {pk} was erased at its author's request: it cannot be approved or picked.")
        self.pk = pk


class NotPickable(Exception):
    """Only an approved comment can be an editor's pick; this one has `status` (a Comment.Status)."""

    def __init__(self, status):
        super().__init__(f"Only an approved comment can be an editor's pick (this one is {status}).")
        self.status = status


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
    another site's comments. As `Comment.save` does, each gets its fingerprint, thread, depth and
    Commenter (`CommenterQuerySet.for_addresses`); the stories' `page_version` moves with the inserts
    (`CommentQuerySet.bulk_create`). No e-mail: a held comment of an old site is in the queue, not
    news. Returns `comments`, saved. Raises IntegrityError as `record_new_comment` does.
    """
    if not comments:
        return comments
    unlinked = [comment for comment in comments if comment.commenter_id is None and comment.author_email]
    commenters = Commenter.objects.for_addresses(comment.author_email for comment in unlinked)
    for comment in unlinked:
        comment.commenter = commenters[Commenter.key_for(comment.author_email)]
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

    `actor` is the moderator (a user), or None when a rule moved it (readers' reports) or its author
    withdrew it. Returns False, writing nothing, when the comment had that status already. Approval
    also answers the reports so far (`report_count` back to 0: new ones count afresh). Every change
    empties `edit_key`: its author can no longer edit or withdraw it. The row is locked while it is
    read and written, so two moderators acting at once log one change, not two. A comment that
    leaves approved status stops being an editor's pick in the same write, logged on a line of its own.
    Raises ErasedComment, writing nothing, when asked to approve an erased comment that is not
    approved already.
    """
    with transaction.atomic():
        current = Comment.objects.select_for_update().only("status", "picked_at", "erased_at").get(pk=comment.pk)
        if current.status == to_status:
            comment.status = to_status
            return False
        if to_status == Comment.Status.APPROVED and current.erased_at is not None:
            raise ErasedComment(comment.pk)
        comment.status = to_status
        comment.edit_key = ""
        changes = {"status": to_status, "edit_key": ""}
        if to_status == Comment.Status.APPROVED:
            changes["report_count"] = 0
        unpicked = current.picked_at is not None and to_status != Comment.Status.APPROVED
        if unpicked:
            changes.update(picked_at=None, picked_by=None)
            comment.picked_at, comment.picked_by = None, None
        # update() moves the story's page version (CommentQuerySet), in this transaction.
        Comment.objects.filter(pk=comment.pk).update(**changes)
        ModerationLogEntry.objects.create(
            comment=comment,
            actor=actor,
            from_status=current.status,
            to_status=to_status,
            reason=reason[:REASON_LENGTH],
        )
        if unpicked:
            ModerationLogEntry.objects.create(
                comment=comment, actor=actor, from_status=to_status, to_status=to_status, reason=UNPICKED_WITH_STATUS
            )
        after_status_change(comment, actor=actor)
    return True


def record_edit(comment, *, text, status, decision, now=None):
    """Replace the text of `comment` (a stored Comment, as its author's browser was shown it) with
    `text` (str, cleaned by the form), at `status` (never looser than its own: `status_after_edit`),
    and log it; returns the comment.

    `decision` is the moderation Decision for the new text; its rule and reasons become the
    comment's when they set the status (an approved comment that goes back to the queue says why),
    and go into the log entry either way. The text it had is kept as a CommentVersion. A comment
    that goes back to the queue has the moderators e-mailed, as a new held comment does; the
    story's `page_version` moves (`receivers.comment_changed`), so no cached page keeps the old
    text. The row is locked while it is read and written: raises StaleComment when its status or
    `edit_key` changed since `comment` was read, and IntegrityError when the author has posted
    the new text on the story already (run it in a savepoint to go on after that).
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Comment.objects.select_for_update()
            .only("status", "edit_key", "text", "created_at", "edited_at")
            .get(pk=comment.pk)
        )
        if current.status != comment.status or current.edit_key != comment.edit_key or not current.edit_key:
            raise StaleComment(comment.pk)
        CommentVersion.objects.create(
            comment=comment, text=current.text, written_at=current.edited_at or current.created_at, replaced_at=now
        )
        fields = ["text", "fingerprint", "edited_at", "status"]
        comment.text, comment.edited_at, comment.status = text, now, status
        if decision.status == status:
            comment.rule, comment.reason = decision.rule, decision.reason
            comment.public_reason = decision.public_reason[:PUBLIC_REASON_LENGTH]
            fields += ["rule", "reason", "public_reason"]
        comment.save(update_fields=fields)
        ModerationLogEntry.objects.create(
            comment=comment,
            from_status=current.status,
            to_status=status,
            reason=f"{EDITED_BY_AUTHOR}; {decision.rule}: {decision.reason}"[:REASON_LENGTH],
        )
        if status != current.status:
            after_status_change(comment, actor=None)
    return comment


def record_withdrawal(comment):
    """Remove `comment` (a stored Comment, as its author's browser was shown it) at its author's
    request, logged as "withdrawn by its author". Its replies by others stay, under "This comment
    is not available." Raises StaleComment when its status or `edit_key` changed since it was read.
    """
    with transaction.atomic():
        current = Comment.objects.select_for_update().only("status", "edit_key").get(pk=comment.pk)
        if current.status != comment.status or current.edit_key != comment.edit_key or not current.edit_key:
            raise StaleComment(comment.pk)
        change_status(comment, Comment.Status.REMOVED, reason=WITHDRAWN)


def set_pick(comment, picked, *, actor):
    """Make `comment` (a stored Comment) an editor's pick (`picked` True) or not, and log it.

    `actor`: the editor (a user), kept as `picked_by` with the time (`picked_at`, now). Returns
    False, writing nothing, when it was so already. Raises NotPickable when asked to pick a comment
    that is not approved, ErasedComment one that was erased (both read under the row's lock).
    Moves the story's `page_version`: the story page lists its picks first. Who may call it is the
    caller's check (`comments.pick_comment`).
    """
    with transaction.atomic():
        current = Comment.objects.select_for_update().only("status", "picked_at", "erased_at").get(pk=comment.pk)
        comment.status = current.status
        if picked and current.erased_at is not None:
            raise ErasedComment(comment.pk)
        if picked and current.status != Comment.Status.APPROVED:
            raise NotPickable(current.status)
        if (current.picked_at is not None) == picked:
            return False
        comment.picked_at, comment.picked_by = (timezone.now(), actor) if picked else (None, None)
        # update() moves the story's page version (CommentQuerySet): its page lists its picks first.
        Comment.objects.filter(pk=comment.pk).update(picked_at=comment.picked_at, picked_by=comment.picked_by)
        ModerationLogEntry.objects.create(
            comment=comment,
            actor=actor,
            from_status=current.status,
            to_status=current.status,
            reason=PICKED if picked else UNPICKED,
        )
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
