"""A commenter's standing: read for the rules on each post, changed by a moderator and logged.

A commenter is an e-mail address as the rules compare it (`Commenter.key_for`, see
`comments.emails`). `history_for_post` gives the rules what they know of one in two queries;
`set_standing` is the one way a standing changes, each change a row of the append-only
StandingChange log (who, when, what, until when, why).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, When
from django.utils import timezone

from .emails import email_key
from .models import Comment, Commenter, StandingChange
from .moderation import AuthorHistory


def is_staff_address(address):
    """True when `address` (str, as typed) is, as `comments.emails.email_key` compares addresses,
    the e-mail of an active member of staff. One query (staff are few: their addresses are keyed
    here, in Python, as the database cannot)."""
    key = email_key(address)
    staff_emails = (
        get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="").values_list("email", flat=True)
    )
    return any(email_key(email) == key for email in staff_emails)


def history_for_post(address):
    """(Commenter or None, AuthorHistory) for the e-mail `address` (str, as typed), in two queries.

    None when the address has never commented (posting makes its Commenter with the comment), or
    when its data was erased (then the history holds the standing kept for it). Only approved
    comments posted without a staff account count as its approved comments: a member of staff's
    own posts never make their address "known" to an anonymous visitor typing it.
    """
    key = Commenter.key_for(address)
    approved_anonymous = Comment.objects.approved().filter(commenter=OuterRef("pk"), user__isnull=True)
    staff_address = is_staff_address(address)
    found = (
        Commenter.objects.filter(email__in=[key, Commenter.erased_key_for(key)])
        .annotate(has_approved=Exists(approved_anonymous))
        # The key's own row first (both exist only when two posts raced to take the erased row back).
        .order_by(Case(When(email=key, then=0), default=1))
    )
    commenter = found.first()
    if commenter is None:
        return None, AuthorHistory(staff_address=staff_address)
    history = AuthorHistory(
        staff_address=staff_address,
        has_approved_comment=commenter.has_approved,
        standing=commenter.standing,
        standing_until=commenter.standing_until,
        public_reason=commenter.public_reason,
    )
    # An erased address's kept standing applies; its row becomes the address's own again when the
    # comment is saved (`CommenterQuerySet.for_address`), not in this read.
    return (None if commenter.is_erased else commenter), history


def set_standing(commenter, standing, *, actor, reason, until=None, public_reason="", now=None):
    """Give `commenter` the `standing` (a Commenter.Standing) until `until` (aware or None) and log it.

    `reason` (str) is for the moderators, `public_reason` (str) is told to the commenter when a
    comment of theirs is refused or held by it; `actor` is the moderator (a user). A standing of
    NONE clears the end date and the reasons told. Returns False, writing nothing, when nothing
    would change. The row is locked while it is read and written, so two moderators acting at
    once log two changes in order, never one over the other.
    """
    now = now or timezone.now()
    if standing == Commenter.Standing.NONE:
        until, public_reason = None, ""
    with transaction.atomic():
        current = Commenter.objects.select_for_update().get(pk=commenter.pk)
        unchanged = (current.standing, current.standing_until, current.standing_reason, current.public_reason) == (
            standing,
            until,
            reason,
            public_reason,
        )
        if unchanged:
            return False
        changes = {
            "standing": standing,
            "standing_until": until,
            "standing_reason": reason,
            "public_reason": public_reason,
            "standing_changed_at": now,
            "standing_changed_by": actor,
        }
        Commenter.objects.filter(pk=commenter.pk).update(**changes)
        for name, value in changes.items():
            setattr(commenter, name, value)
        StandingChange.objects.create(
            commenter=commenter,
            actor=actor,
            standing=standing,
            standing_until=until,
            reason=reason,
            public_reason=public_reason,
        )
    return True
