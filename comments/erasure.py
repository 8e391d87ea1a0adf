"""Erasing what is stored with one e-mail address, at its owner's request: `erase_address_data`.

The one way it is done, for the link a commenter gets by e-mail (`comments.commenter_data`) and
for the moderators' admin action (permission `comments.erase_commenter_data`). In one transaction:

- Every comment of the address (by its key, `comments.emails.email_key`: `Ann+x@Example.org` is
  `ann@example.org`) keeps its place in its thread, its story, time and status, and loses the
  rest: its text becomes ERASED_TEXT (in the request's language; pages show the sentence in
  theirs, from `erased_at`), name, e-mail, website, IP address, user agent, staff account and
  commenter are cleared, and any address, name or IP address in its reasons goes. One waiting in
  the queue leaves it (removed). Replies by others stay where they are.
- The moderation log keeps who moved which comment to which status when, and gets one entry per
  comment, ERASE_REASON, with the moderator as actor (none when the commenter erased it); the
  address, names and IP addresses are taken out of the reasons of those comments' entries.
- Every text column of the comments app, the admin's history (LogEntry) and the task results is
  searched for the address as stored (each spelling, and its key) and has it replaced by
  ADDRESS_REMOVED: a reply that quotes it, a list entry's note, a moderator's reason, an e-mail
  error. Other words of others stay as they wrote them. The admin history of the erased comments
  and of the commenter is renamed after what is left of them.
- Reply notifications: the address's Subscriber and the conversations it follows are deleted,
  and its own replies queued for others' mail are dropped. Readers' reports of its comments are
  deleted (what they were about is gone).
- The Commenter is deleted, unless moderators gave it a standing (a standing, its log of
  changes, or an entry of the block or hold list for exactly this address): then it is kept
  under a keyed hash of the address instead of the address (`Commenter.erased_key_for`), its
  reasons cleaned, so that a blocked or held address is blocked or held again when it comments
  (`CommenterQuerySet.for_address`): an erasure undoes no moderator's decision. Such a list entry
  becomes the standing it amounted to (logged) and is deleted.
- Imported WordPress comments keep their row, so no re-import writes them again, without their
  fingerprint (a hash of what was erased).
- The stories' pages: `page_version` moves and the copies kept for an outage are forgotten.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from articles import page_cache
from articles.models import Story

from .addresses import remove_addresses
from .commenter_data import comments_of
from .commenters import set_standing
from .emails import email_matches
from .models import (
    Comment,
    Commenter,
    CommentReport,
    CommentVersion,
    ImportedComment,
    ImportedDisqusComment,
    ModerationListEntry,
    ModerationLogEntry,
    QueuedReply,
    StandingChange,
    Subscriber,
    text_fingerprint,
)
from .status import UNPICKED, change_status
from .subscriptions import address_key

ERASED_TEXT = gettext_lazy("This comment was removed at its author’s request.")
ERASE_REASON = "erased at its author's request"
ADDRESS_REMOVED = "[e-mail address removed]"
NAME_REMOVED = "[name removed]"
# Names shorter than this are not searched for in reasons ("A" would take every article with it).
SHORTEST_NAME = 2
LIST_REASON = "The %(action)s list entry for this address, kept as the commenter's standing when its data was erased."

# Columns the sweep leaves alone: handled on their own (the list entry's value, the commenter's key)
# or never free text.
SWEEP_SKIPS = {
    (ModerationListEntry, "value"),
    (Commenter, "email"),
}


@dataclass(frozen=True)
class Erasure:
    """What `erase_address_data` did: counts for the page and the admin's message."""

    comments: int
    stories: int
    subscriptions: int
    commenter_kept: bool


class Needles:
    """What to take out of text: the address in each spelling it was stored in (whole addresses
    only: `ann@example.org` is not in `joann@example.org`), and, in the rows about the address
    only, the names it signed with and every IP address."""

    def __init__(self, addresses, names):
        addresses = sorted({address.strip() for address in addresses if address and address.strip()}, key=len)
        self.addresses = addresses[::-1]
        self.address_pattern = (
            re.compile(
                r"(?<![\w.+%\-])(?:" + "|".join(map(re.escape, self.addresses)) + r")(?![\w\-]|\.\w)", re.IGNORECASE
            )
            if self.addresses
            else None
        )
        names = sorted({" ".join(name.split()) for name in names if len(name.strip()) >= SHORTEST_NAME}, key=len)
        self.name_pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names[::-1])) + r")(?!\w)", re.IGNORECASE)
            if names
            else None
        )

    def from_any_text(self, text):
        """`text` (str) without the address: for anybody's text."""
        if not text or self.address_pattern is None:
            return text
        return self.address_pattern.sub(ADDRESS_REMOVED, text)

    def from_own_text(self, text):
        """`text` (str) without the address, the names and any IP address: for the rows about it."""
        text = self.from_any_text(text)
        if text and self.name_pattern is not None:
            text = self.name_pattern.sub(NAME_REMOVED, text)
        return remove_addresses(text) if text else text

    def may_be_in(self, field_name):
        """A Q of the rows whose `field_name` may hold the address (the database's case-insensitive
        search, a superset: `from_any_text` decides), or None when there is no address."""
        if not self.addresses:
            return None
        query = models.Q()
        for address in self.addresses:
            query |= models.Q(**{f"{field_name}__icontains": address})
        return query


def erase_address_data(key, *, actor=None, now=None):
    """Erase what is stored with the address key `key` (a `Commenter.key_for` value), as the module
    docstring says. `actor`: the moderator who erased it (a user), or None for the commenter's own
    request. The sentence replacing the text is in the active language. Returns an Erasure."""
    now = now or timezone.now()
    with transaction.atomic():
        commenter = Commenter.objects.select_for_update().filter(email=key).first()
        subscriber = Subscriber.objects.filter(address_key=address_key(key)).first()
        comments = list(comments_of(key).select_for_update(of=("self",)))
        needles = Needles(
            [key, *(comment.author_email for comment in comments), *([subscriber.email] if subscriber else [])],
            [comment.author_name for comment in comments],
        )
        story_ids = {comment.story_id for comment in comments}
        erase_comments(comments, needles, actor=actor, now=now)
        subscriptions = forget_subscriber(subscriber, comments)
        kept = settle_commenter(commenter, key, needles, actor=actor)
        story_ids |= sweep(needles)
        stories = Story.objects.filter(pk__in=story_ids)
        stories.bump_page_version()
        slugs = list(stories.values_list("slug", flat=True))
        transaction.on_commit(lambda: page_cache.forget_story_pages(slugs))
    return Erasure(comments=len(comments), stories=len(story_ids), subscriptions=subscriptions, commenter_kept=kept)


def erase_comments(comments, needles, *, actor, now):
    """Each comment keeps its place and loses its author's data; its log gets ERASE_REASON."""
    if not comments:
        return
    ids = [comment.pk for comment in comments]
    text = str(ERASED_TEXT)
    for comment in comments:
        reason, public_reason = needles.from_own_text(comment.reason), needles.from_own_text(comment.public_reason)
        if (reason, public_reason) != (comment.reason, comment.public_reason):
            Comment.objects.filter(pk=comment.pk).update(reason=reason[:300], public_reason=public_reason[:200])
    # An erased comment is no editor's pick any more: the picks box would show it as a live one.
    picked = set(Comment.objects.filter(pk__in=ids, picked_at__isnull=False).values_list("pk", flat=True))
    Comment.objects.filter(pk__in=ids).update(
        picked_at=None,
        picked_by=None,
        text=text,
        fingerprint=text_fingerprint(text),
        author_name="",
        author_email="",
        author_url="",
        ip_address=None,
        user_agent="",
        user=None,
        commenter=None,
        notify_author=False,
        report_count=0,
        erased_at=now,
        edit_key="",
    )
    # The texts a comment had before its edits are the author's words too: they go with it.
    CommentVersion.objects.filter(comment_id__in=ids).delete()
    # The log stays append-only for what happened (ModerationLogEntry.save refuses an update): an
    # erasure rewrites only the text of its reasons, with a queryset update, as purge_comment_data does.
    for pk, reason in ModerationLogEntry.objects.filter(comment_id__in=ids).values_list("pk", "reason"):
        cleaned = needles.from_own_text(reason)[:300]
        if cleaned != reason:
            ModerationLogEntry.objects.filter(pk=pk).update(reason=cleaned)
    for comment in comments:
        if comment.pk in picked:
            comment.picked_at, comment.picked_by = None, None
            ModerationLogEntry.objects.create(
                comment=comment, actor=actor, from_status=comment.status, to_status=comment.status, reason=UNPICKED
            )
        if comment.status == Comment.Status.PENDING:
            change_status(comment, Comment.Status.REMOVED, actor=actor, reason=ERASE_REASON)
        else:
            ModerationLogEntry.objects.create(
                comment=comment, actor=actor, from_status=comment.status, to_status=comment.status, reason=ERASE_REASON
            )
    CommentReport.objects.filter(comment_id__in=ids).delete()
    ImportedComment.objects.filter(comment_id__in=ids).update(fingerprint="")
    ImportedDisqusComment.objects.filter(comment_id__in=ids).update(fingerprint="")
    comment_type = ContentType.objects.get_for_model(Comment)
    LogEntry.objects.filter(content_type=comment_type, object_id__in=[str(pk) for pk in ids]).update(
        object_repr=_("Comment erased at its author's request")[:200]
    )


def forget_subscriber(subscriber, comments):
    """Delete the address's Subscriber (with the conversations it follows and what waits for it)
    and the address's own replies queued for others. Returns how many conversations it followed."""
    QueuedReply.objects.filter(reply_id__in=[comment.pk for comment in comments]).delete()
    if subscriber is None:
        return 0
    followed = subscriber.threads.count()
    subscriber.delete()
    return followed


def standing_from_lists(commenter, entries, now):
    """(standing, public reason) the block and hold `entries` for the address amount to for
    `commenter`, as the rules read them (`moderation.decide_comment_status`: a blocked or trusted
    standing comes before the lists; a block entry before a held standing), or None when they
    change nothing."""
    current = commenter.standing_in_force(now)
    if current in (Commenter.Standing.BLOCKED, Commenter.Standing.TRUSTED):
        return None
    block = [entry for entry in entries if entry.action == ModerationListEntry.Action.BLOCK]
    if block:
        return Commenter.Standing.BLOCKED, block[0]
    if current == Commenter.Standing.HELD and commenter.standing_until is None:
        return None
    hold = [entry for entry in entries if entry.action == ModerationListEntry.Action.HOLD]
    return (Commenter.Standing.HELD, hold[0]) if hold else None


def list_entries_for(key):
    """The block and hold list entries for exactly this address key (not a @domain)."""
    entries = ModerationListEntry.objects.filter(kind=ModerationListEntry.Kind.EMAIL).exclude(value__startswith="@")
    return [entry for entry in entries if email_matches(key, entry.value)]


def settle_commenter(commenter, key, needles, *, actor):
    """Delete the address's Commenter, or keep it under a hash of the key when moderators decided
    something about it (module docstring). Returns True when it was kept."""
    entries = list_entries_for(key)
    if commenter is None and not entries:
        return False
    if commenter is None:
        commenter = Commenter.objects.create(email=key)
    now = timezone.now()
    from_lists = standing_from_lists(commenter, entries, now) if entries else None
    if from_lists is not None:
        standing, entry = from_lists
        set_standing(
            commenter,
            standing,
            actor=actor,
            reason=LIST_REASON % {"action": entry.action},
            public_reason=entry.public_reason,
        )
    for entry in entries:
        entry.delete()  # its post_delete has every process read the lists again
    changes = StandingChange.objects.filter(commenter=commenter)
    if not commenter.standing and not changes.exists():
        commenter.delete()
        forget_admin_history(Commenter, commenter.pk)
        return False
    # The standing log is append-only for what was decided; only the text of its reasons changes.
    for pk, reason, public_reason in changes.values_list("pk", "reason", "public_reason"):
        cleaned = (needles.from_own_text(reason)[:300], needles.from_own_text(public_reason)[:200])
        if cleaned != (reason, public_reason):
            StandingChange.objects.filter(pk=pk).update(reason=cleaned[0], public_reason=cleaned[1])
    commenter.refresh_from_db()
    Commenter.objects.filter(pk=commenter.pk).update(
        email=Commenter.erased_key_for(key),
        standing_reason=needles.from_own_text(commenter.standing_reason)[:300],
        public_reason=needles.from_own_text(commenter.public_reason)[:200],
    )
    forget_admin_history(Commenter, commenter.pk)
    return True


def forget_admin_history(model, pk):
    """The admin's history of object `pk` of `model` no longer names it (its name was the address)."""
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).update(
        object_repr=_("Commenter erased at their request")[:200]
    )


def swept_models():
    """Every model of the comments app, the admin's history and the task results."""
    return [*apps.get_app_config("comments").get_models(), LogEntry, DBTaskResult]


def text_columns(model):
    """Names of the free-text columns of `model`: its CharFields and TextFields (e-mail and URL
    fields are CharFields) but its primary key, fields with choices and SWEEP_SKIPS."""
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and not field.primary_key
        and not field.choices
        and (model, field.name) not in SWEEP_SKIPS
    ]


def sweep(needles):
    """Take the address out of every text column of `swept_models` (module docstring): one query
    per model, and one update per row that held it. Returns the ids of the stories whose comments
    changed (their pages must be rendered again)."""
    story_ids = set()
    if not needles.addresses:
        return story_ids
    for model in swept_models():
        fields = text_columns(model)
        if not fields:
            continue
        query = models.Q()
        for name in fields:
            query |= needles.may_be_in(name)
        extra = ["story_id"] if model is Comment else []
        for row in model.objects.filter(query).values("pk", *fields, *extra):
            changes = {}
            for name in fields:
                cleaned = needles.from_any_text(row[name])
                if cleaned != row[name]:
                    changes[name] = cleaned[: model._meta.get_field(name).max_length or None]
            if changes:
                # A queryset update: no save() (the logs refuse one; a comment's fingerprint stays
                # that of the text as posted, which only refuses the same post twice).
                model.objects.filter(pk=row["pk"]).update(**changes)
                if model is Comment:
                    story_ids.add(row["story_id"])
    return story_ids
