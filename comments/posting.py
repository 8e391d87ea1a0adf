"""Storing a new comment: refusals, the flood limit and the moderation decision.

`submit_comment` is the one way a visitor's comment enters the database. It either
stores the comment (approved, pending or spam, through `comments.status`, which also
logs it and has the moderators e-mailed about a held one) or raises `Refusal`, which
the view shows next to the form with the visitor's text intact. A visitor who ticked
"Tell me when someone replies" is handed to `comments.subscriptions` in the same
transaction (unless the rules called the comment spam).
A comment that a rule
with a reason for its author marks as spam is both: stored for the moderators, and
refused to its author with that reason.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .addresses import client_ip, client_network  # noqa: F401 - views import client_ip from here
from .commenters import history_for_post
from .lists import posting_rules
from .models import Comment, PostingGate, StoryModeration, text_fingerprint
from .moderation import SPAM, Candidate, comments_are_open, decide_comment_status, levels_to_climb
from .quiet_hours import closed_for_quiet_hours, quiet_hours_message
from .status import record_new_comment
from .subscriptions import request_notifications

PUBLIC_REASON_LENGTH = Comment._meta.get_field("public_reason").max_length


class Refusal(Exception):
    """A post that is not stored (or, with code "refused", stored as spam), with the message and
    field to show it at, and the HTTP status of the page that shows it."""

    def __init__(self, message, *, field=None, status=400, code=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.code = code


NOT_AVAILABLE = gettext_lazy(
    "The comment you are replying to is not available. Your text is kept below: "
    "send it again to post it as a new comment."
)


def find_parent(story, parent_id):
    """The comment a reply goes under: approved, not erased, on the same story, within the depth limit.

    A reply to the deepest level goes beside its parent (climbing as many levels as
    `levels_to_climb` says, up to a top-level comment); the comment it lands under
    must be public and not erased too.
    """
    if not parent_id:
        return None
    fields = ("id", "story_id", "status", "thread_id", "depth", "parent_id", "erased_at")
    parent = Comment.objects.filter(pk=parent_id).only(*fields).first()
    if parent is None or parent.story_id != story.pk or not may_be_answered(parent):
        raise Refusal(str(NOT_AVAILABLE), field="text", code="parent")
    for _level in range(levels_to_climb(parent.depth, settings.COMMENTS_MAX_DEPTH)):
        if parent.parent_id is None:
            return None
        parent = Comment.objects.only(*fields).get(pk=parent.parent_id)
        if not may_be_answered(parent):
            raise Refusal(str(NOT_AVAILABLE), field="text", code="parent")
    return parent


def may_be_answered(comment):
    """True when a reply may go under `comment`: approved and not erased at its author's request."""
    return comment.status == Comment.Status.APPROVED and comment.erased_at is None


def claim_posting_slot(key, now, seconds):
    """True when this client may post now; closes its gate for `seconds`. Safe across processes."""
    if seconds <= 0:
        return True
    until = now + dt.timedelta(seconds=seconds)
    if PostingGate.objects.filter(key=key, closed_until__lte=now).update(closed_until=until):
        return True
    try:
        with transaction.atomic():
            PostingGate.objects.create(key=key, closed_until=until)
    except IntegrityError:
        return False
    return True


def client_key(purpose, ip_address):
    """A keyed hash of the client's network: an IPv4 address, or the /64 of an IPv6 one
    (one subscriber holds a whole /64; an IPv4-mapped address counts as its IPv4 address).
    Not reversible without SECRET_KEY."""
    network = client_network(ip_address) if ip_address else "unknown"
    return salted_hmac(f"comments.{purpose}", network).hexdigest()


def story_is_premoderated(story):
    """True when an editor switched on pre-moderation for `story` (a Story)."""
    return StoryModeration.objects.filter(story=story, premoderate=True).exists()


def submit_comment(*, story, form, ip_address, user_agent, user=None, now=None, edit_key=""):
    """Store the comment a valid form describes and return it, or raise Refusal.

    `story` is a Story with its outlet loaded (its zone reads the staffed hours); `now` aware;
    `edit_key` what the comment keeps of the secret in its browser's edit cookie (`cookies.edit_key_for`).
    Raises Refusal with code "refused" after storing the comment as spam when the rule that
    caught it has a reason for its author (a block list entry, a blocked commenter).
    """
    now = now or timezone.now()
    data = form.cleaned_data
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    if not comments_are_open(story.comments_enabled, story.published_at, settings.COMMENTS_CLOSE_AFTER_DAYS, now):
        raise Refusal(_("Comments are closed."), status=403)
    if not is_staff and closed_for_quiet_hours(story.outlet.zone, now):
        raise Refusal(quiet_hours_message(story.outlet.zone, now), status=403, code="quiet_hours")

    email = data["author_email"].strip().lower()
    # What the rules read is read before the write transaction: on SQLite it holds the one write
    # lock from BEGIN, and every query inside it makes concurrent posts wait longer.
    commenter, history = history_for_post(email)
    decision = decide_comment_status(
        Candidate(
            text=data["text"],
            author_name=data["author_name"],
            author_email=email,
            author_url=data.get("author_url", ""),
            ip_address=ip_address,
            honeypot=data.get("fax_number", ""),
            seconds_to_post=form.seconds_to_post(now.timestamp()),
            is_staff=is_staff,
            posted_at=now,
            zone=story.outlet.zone,
            story_premoderated=not is_staff and story_is_premoderated(story),
        ),
        history,
        posting_rules(),
    )
    with transaction.atomic():
        parent = find_parent(story, data.get("parent"))
        fingerprint = text_fingerprint(data["text"])
        if Comment.objects.filter(story=story, author_email=email, fingerprint=fingerprint).exists():
            raise Refusal(_("You have already posted this comment on this story."), field="text", status=409)
        if (
            not is_staff
            and ip_address
            and not claim_posting_slot(client_key("post", ip_address), now, settings.COMMENTS_FLOOD_SECONDS)
        ):
            raise Refusal(
                _("You are posting too quickly. Wait %(seconds)d seconds, then send your comment again.")
                % {"seconds": settings.COMMENTS_FLOOD_SECONDS},
                status=429,
            )

        comment = Comment(
            story=story,
            parent=parent,
            thread_id=parent.thread_id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author_name=data["author_name"],
            author_email=email,
            author_url=data.get("author_url", ""),
            text=data["text"],
            status=decision.status,
            rule=decision.rule,
            reason=decision.reason,
            created_at=now,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:500],
            user=user if is_staff else None,
            notify_author=bool(data.get("notify")),
            commenter=commenter,
            public_reason=decision.public_reason[:PUBLIC_REASON_LENGTH],
            edit_key=edit_key,
        )
        try:
            with transaction.atomic():
                record_new_comment(comment, reason=f"{decision.rule}: {decision.reason}")
                # Spam asks for nothing: whoever typed the address would have it mailed.
                if comment.notify_author and comment.status != Comment.Status.SPAM:
                    request_notifications(comment)
        except IntegrityError:
            raise Refusal(_("You have already posted this comment on this story."), field="text", status=409) from None
    if decision.status == SPAM and decision.public_reason:
        raise Refusal(decision.public_reason, status=403, code="refused")
    return comment
