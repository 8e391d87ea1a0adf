"""Its author edits or withdraws a comment, from the browser it was posted from, within the edit window.

`COMMENTS_EDIT_MINUTES` (15) after posting, the browser that holds the comment's edit secret
(`comments.cookies`; a logged-in member of staff who posted it, too) may change its text or withdraw
it. Who may and until when is `moderation.why_not_editable` (pure); the refusals it names are told
here in words, with the HTTP status of the page that says them. An edit is checked by the same
rules as a new comment (`decide_comment_status`, with the commenter's standing, the lists,
pre-moderation and the staffed hours at the time of the edit), and never loosens the comment's
status (`status_after_edit`): an approved comment whose edit adds a link or a held word goes back to
the queue, a held one stays held. The writes are `status.record_edit` and `status.record_withdrawal`;
every earlier text is kept (CommentVersion) and every edit is in the moderation log.
"""

import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .commenters import history_for_post
from .cookies import edit_key_for
from .lists import posting_rules
from .models import Comment, text_fingerprint
from .moderation import (
    GONE,
    MODERATED,
    NOT_AUTHOR,
    SPAM,
    TIME_UP,
    Candidate,
    comments_are_open,
    decide_comment_status,
    edit_seconds_left,
    status_after_edit,
    why_not_editable,
)
from .posting import Refusal, claim_posting_slot, client_key, story_is_premoderated
from .quiet_hours import closed_for_quiet_hours, quiet_hours_message
from .status import StaleComment, record_edit, record_withdrawal

# The HTTP status of the page that refuses: not yours, or too late, is forbidden; a comment that
# someone else changed meanwhile is a conflict.
REFUSAL_STATUS = {NOT_AUTHOR: 403, TIME_UP: 403, GONE: 409, MODERATED: 409}
NOT_EDITABLE_STATUS = 409
# Refusals that leave the form open, said at its field or at its top: the author can send again.
DUPLICATE, FLOOD = "duplicate", "flood"
FORM_PROBLEMS = {DUPLICATE, FLOOD}


def is_staff_author(comment, user):
    """True when `user` is the logged-in member of staff who posted `comment`."""
    return bool(comment.user_id and user and user.is_authenticated and user.is_staff and user.pk == comment.user_id)


def author_check(comment, secret, user):
    """(is_author, moderated) for `comment`, from the browser's edit `secret` (str or None) and `user`.

    A browser whose signed cookie names the comment posted it, even once the comment's key is gone
    (someone else changed its status): it is then told so, not that the comment is not its own.
    """
    moderated = not comment.edit_key
    holds_key = bool(secret) and (moderated or constant_time_compare(edit_key_for(secret), comment.edit_key))
    return holds_key or is_staff_author(comment, user), moderated


def edit_refusal(comment, *, secret, user, now=None):
    """None when this browser (`secret`, str or None; `user`) may edit or withdraw `comment` now, else
    the Refusal that says why (its `code` one of the `moderation.why_not_editable` reasons)."""
    now = now or timezone.now()
    is_author, moderated = author_check(comment, secret, user)
    reason = why_not_editable(
        comment.status,
        is_author=is_author,
        moderated=moderated,
        posted_at=comment.created_at,
        now=now,
        minutes=settings.COMMENTS_EDIT_MINUTES,
    )
    if reason is None:
        return None
    return Refusal(refusal_message(reason), status=REFUSAL_STATUS.get(reason, NOT_EDITABLE_STATUS), code=reason)


def refusal_message(reason):
    """What the author is told for a `why_not_editable` reason (str)."""
    minutes = settings.COMMENTS_EDIT_MINUTES
    if reason == NOT_AUTHOR:
        return ngettext(
            "A comment can be edited or withdrawn only from the browser it was posted from, "
            "for %(minutes)d minute after posting.",
            "A comment can be edited or withdrawn only from the browser it was posted from, "
            "for %(minutes)d minutes after posting.",
            minutes,
        ) % {"minutes": minutes}
    if reason == TIME_UP:
        return ngettext(
            "The %(minutes)d minute for changing this comment is over: it can no longer be edited or withdrawn.",
            "The %(minutes)d minutes for changing this comment are over: it can no longer be edited or withdrawn.",
            minutes,
        ) % {"minutes": minutes}
    if reason == GONE:
        return _("This comment is no longer shown: it cannot be edited or withdrawn.")
    if reason == MODERATED:
        return _("This comment has been moderated since you posted it: it can no longer be edited or withdrawn.")
    return _("This comment can no longer be edited or withdrawn.")


def minutes_left(comment, now=None):
    """Whole minutes (int, rounded up) left of the edit window of `comment`, at `now` (aware)."""
    seconds = edit_seconds_left(comment.created_at, now or timezone.now(), settings.COMMENTS_EDIT_MINUTES)
    return math.ceil(seconds / 60)


def mark_editable(nodes, *, secrets, user, now=None):
    """Set `minutes_to_edit` on each visible node (threads.CommentNode, replies included) of `nodes`
    whose comment this browser (`secrets`, {id: secret} of its edit cookie; `user`) may still edit
    or withdraw: no query, only what the comments loaded for the page carry."""
    now = now or timezone.now()
    for node in nodes:
        comment = node.comment
        secret = secrets.get(comment.pk)
        may_be_own = node.visible and (secret or comment.user_id)
        if may_be_own and edit_refusal(comment, secret=secret, user=user, now=now) is None:
            node.minutes_to_edit = minutes_left(comment, now)
        mark_editable(node.replies, secrets=secrets, user=user, now=now)


def editing_closed(story, user, now):
    """The Refusal of any edit on `story` now (comments closed, or the form closed for the night), or None.

    A withdrawal is never refused for these: taking one's comment down needs no moderator awake.
    """
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    if not comments_are_open(story.comments_enabled, story.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS, now):
        return Refusal(
            _("Comments on this story are closed: comments can no longer be edited."), status=403, code="closed"
        )
    if not is_staff and closed_for_quiet_hours(story.outlet.zone, now):
        return Refusal(quiet_hours_message(story.outlet.zone, now), status=403, code="quiet_hours")
    return None


def edit_comment(comment, *, text, secret, ip_address, user=None, now=None):
    """Give `comment` (with its story and outlet loaded) the new `text` (str, cleaned by the form) and
    return it; or raise Refusal, storing nothing (the form shows the visitor's text again).

    `secret` is the browser's edit secret for it (or None), `user` the request's user, `ip_address`
    the client's (str or None: the rules' IP lists and the flood limit read it), `now` aware. One
    edit per client per COMMENTS_FLOOD_SECONDS (staff exempt), counted apart from posts, so that
    fixing a typo just after posting is not "too quickly". The same text again changes nothing.
    An edit the rules call spam (a blocked word, address or network) is refused and stored nowhere:
    the comment stays as it was, published or waiting, rather than taking its earlier text down with
    it; its author is told the entry's reason when it has one (Refusal code "refused", 403).
    """
    now = now or timezone.now()
    refusal = edit_refusal(comment, secret=secret, user=user, now=now) or editing_closed(comment.story, user, now)
    if refusal:
        raise refusal
    if text == comment.text:
        return comment
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    story = comment.story
    _commenter, history = history_for_post(comment.author_email)
    decision = decide_comment_status(
        Candidate(
            text=text,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_url=comment.author_url,
            ip_address=ip_address,
            is_staff=is_staff,
            posted_at=now,
            zone=story.outlet.zone,
            story_premoderated=not is_staff and story_is_premoderated(story),
        ),
        history,
        posting_rules(),
    )
    if decision.status == SPAM:
        message = decision.public_reason or _(
            "This edit breaks the site's comment rules and was not saved: your comment stays as it was."
        )
        raise Refusal(message, status=403, code="refused")
    status = status_after_edit(comment.status, decision.status)
    already_posted = Refusal(
        _("You have already posted this text on this story."), field="text", status=409, code=DUPLICATE
    )
    with transaction.atomic():
        others = Comment.objects.filter(story=story, author_email=comment.author_email).exclude(pk=comment.pk)
        if comment.author_email and others.filter(fingerprint=text_fingerprint(text)).exists():
            raise already_posted
        if (
            not is_staff
            and ip_address
            and not claim_posting_slot(client_key("edit", ip_address), now, settings.COMMENTS_FLOOD_SECONDS)
        ):
            raise Refusal(
                _("You are editing too quickly. Wait %(seconds)d seconds, then send your edit again.")
                % {"seconds": settings.COMMENTS_FLOOD_SECONDS},
                status=429,
                code=FLOOD,
            )
        try:
            with transaction.atomic():
                record_edit(comment, text=text, status=status, decision=decision, now=now)
        except IntegrityError:
            raise already_posted from None
        except StaleComment:
            comment.refresh_from_db()
            raise edit_refusal(comment, secret=secret, user=user, now=now) or Refusal(
                refusal_message(MODERATED), status=409, code=MODERATED
            ) from None
    return comment


def withdraw_comment(comment, *, secret, user=None, now=None):
    """Remove `comment` at its author's request (logged "withdrawn by its author"), or raise Refusal."""
    now = now or timezone.now()
    refusal = edit_refusal(comment, secret=secret, user=user, now=now)
    if refusal:
        raise refusal
    try:
        record_withdrawal(comment)
    except StaleComment:
        comment.refresh_from_db()
        raise edit_refusal(comment, secret=secret, user=user, now=now) or Refusal(
            refusal_message(MODERATED), status=409, code=MODERATED
        ) from None
