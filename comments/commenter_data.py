"""A commenter's data without an account: the e-mailed link that opens it, and its export as JSON.

A commenter types their address on the "Your comments" page (`comments:your_data`, linked in every
page's footer). When the address has comments or asked for reply notifications, a task e-mails it
a link to a page where they download everything stored with it (`export`) or erase it
(`comments.erasure`). The page answers the same whatever the address, so it tells no one who
commented; it sends at most one link per address every COMMENTS_DATA_LINK_EVERY_MINUTES minutes
(silently: a refusal would tell), and takes one request per IP address every
COMMENTS_FLOOD_SECONDS seconds (the posting flood gate, `posting.claim_posting_slot`).

An address is found by its key (`comments.emails.email_key`, as commenters are): a link asked
for `Ann+x@Example.org` opens the comments of `ann@example.org`. So that a key shared by two
mailboxes (the key ignores Latin accents) opens nothing to the wrong one, the link goes to the
address as it was typed only when a comment or the subscription was stored with that spelling,
else to the spelling of the newest comment: always to a mailbox that commented.

The link is signed (django.core.signing, DATA_LINK_SALT), works DATA_LINK_HOURS hours, and holds no
address: the ids of the address's Commenter and Subscriber and a keyed hash of the key, checked
against those rows, so an erasure ends it. The task's arguments are a row's id too: the task
queue's table never holds an address.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_tasks import task

from .mail import enqueue_with_transaction, send_or_retry
from .models import Comment, Commenter, CommentVersion, ModerationLogEntry, Subscriber, ThreadSubscription
from .posting import claim_posting_slot, client_key
from .status import EDITED_BY_AUTHOR, EDITED_IN_ADMIN, WITHDRAWN
from .subscriptions import address_key

DATA_LINK_SALT = "comments.commenter_data.link"
DATA_LINK_HOURS = 24
# `claim_posting_slot` gates: one per IP address (its network), one per address key.
REQUEST_PURPOSE = "data_link"
ADDRESS_GATE_SALT = "comments.commenter_data.address"


class TooManyRequests(Exception):
    """This IP address asked for a link less than COMMENTS_FLOOD_SECONDS ago."""


class BadDataLink(Exception):
    """A link that opens nothing. `state`: "expired" (older than DATA_LINK_HOURS), "invalid"
    (altered or cut short), or "gone" (nothing is stored with the address any more: erased)."""

    def __init__(self, state):
        super().__init__(state)
        self.state = state


@dataclass(frozen=True)
class AddressData:
    """What is stored with one address key: its Commenter and Subscriber (each or both may be None)."""

    key: str
    commenter: Commenter | None
    subscriber: Subscriber | None

    def comments(self):
        return comments_of(self.key)

    def exists(self):
        """True when the address has comments or a subscription: something to mail a link about."""
        return self.subscriber is not None or self.comments().exists()


def comments_of(key):
    """Every comment of the address key `key` (an `email_key`): those of its Commenter, and any
    stored without one (a path that skipped `Comment.save`), compared in Python by their key."""
    unlinked = [
        pk
        for pk, address in Comment.objects.filter(commenter__isnull=True)
        .exclude(author_email="")
        .values_list("pk", "author_email")
        .iterator()
        if Commenter.key_for(address) == key
    ]
    return Comment.objects.filter(Q(commenter__email=key) | Q(pk__in=unlinked))


def data_of_key(key):
    """The AddressData of an address key (a `Commenter.key_for` value)."""
    return AddressData(
        key=key,
        commenter=Commenter.objects.filter(email=key).first(),
        subscriber=Subscriber.objects.filter(address_key=address_key(key)).first(),
    )


def data_of_address(address):
    """The AddressData of an e-mail address (a str, as typed)."""
    return data_of_key(Commenter.key_for(address))


# Asking for the link.


def address_gate(key):
    return salted_hmac(ADDRESS_GATE_SALT, key, algorithm="sha256").hexdigest()


def link_recipient(data, typed):
    """("comment" or "subscriber", id) of the row whose address the link goes to, or None when
    `data` (AddressData) has nothing: the row stored with the spelling `typed` (str), else the
    newest comment, else the subscriber."""
    typed = typed.strip().lower()
    comments = data.comments().order_by("-created_at", "-pk")
    comment = comments.filter(author_email=typed).first()
    if comment is None and not (data.subscriber and data.subscriber.email.lower() == typed):
        comment = comments.first()
    if comment is not None:
        return "comment", comment.pk
    if data.subscriber is not None:
        return "subscriber", data.subscriber.pk
    return None


def request_data_link(address, *, ip_address, language=None, now=None):
    """Someone typed `address` (str) on the "Your comments" page from `ip_address` (str or None).

    Raises TooManyRequests when that IP address asked less than COMMENTS_FLOOD_SECONDS ago.
    Otherwise, when the address has comments or a subscription and no link went to it in the last
    COMMENTS_DATA_LINK_EVERY_MINUTES minutes, enqueues `mail_data_link` in `language` ("en", "ko";
    default the active one) with this transaction. Returns None either way: the caller must not
    be able to tell (nor tell the visitor) whether anything was sent.
    """
    now = now or timezone.now()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        if not claim_posting_slot(client_key(REQUEST_PURPOSE, ip_address), now, settings.COMMENTS_FLOOD_SECONDS):
            raise TooManyRequests
        key = Commenter.key_for(address)
        # Claimed for unknown addresses too: one refused only when known would tell that it is.
        gate_open = claim_posting_slot(address_gate(key), now, settings.COMMENTS_DATA_LINK_EVERY_MINUTES * 60)
        recipient = link_recipient(data_of_key(key), address) if gate_open else None
        if recipient is not None:
            enqueue_with_transaction(mail_data_link, *recipient, language)


# The link.


def key_digest(key):
    """A keyed hash of an address key, for the link to be checked against the rows it names."""
    return salted_hmac(DATA_LINK_SALT, key, algorithm="sha256").hexdigest()[:32]


def data_link_token(data):
    """The signed token of the link to `data` (AddressData), valid DATA_LINK_HOURS hours from now."""
    payload = {
        "c": data.commenter.pk if data.commenter else None,
        "s": data.subscriber.pk if data.subscriber else None,
        "h": key_digest(data.key),
    }
    return signing.dumps(payload, salt=DATA_LINK_SALT)


def data_link_path(data):
    """The path of the page of the link to `data`, in the active language."""
    return reverse("comments:your_data_link", kwargs={"token": data_link_token(data)})


def data_for_token(token):
    """The AddressData a link's `token` (str) opens. Raises BadDataLink ("expired", "invalid",
    "gone": neither row it names still has its key, as after an erasure)."""
    try:
        payload = signing.loads(token, salt=DATA_LINK_SALT, max_age=dt.timedelta(hours=DATA_LINK_HOURS))
    except signing.SignatureExpired:
        raise BadDataLink("expired") from None
    except signing.BadSignature:
        raise BadDataLink("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("h"), str):
        raise BadDataLink("invalid")
    keys = []
    if isinstance(payload.get("c"), int):
        keys += Commenter.objects.filter(pk=payload["c"]).values_list("email", flat=True)
    if isinstance(payload.get("s"), int):
        addresses = Subscriber.objects.filter(pk=payload["s"]).values_list("email", flat=True)
        keys += [Commenter.key_for(address) for address in addresses]
    for key in keys:
        if constant_time_compare(key_digest(key), payload["h"]):
            data = data_of_key(key)
            if data.exists():
                return data
    raise BadDataLink("gone")


@task()
def mail_data_link(kind, pk, language, attempt=1):
    """Task: e-mail the link to the data of the address of comment `pk` (`kind` "comment") or
    subscriber `pk` ("subscriber"), in `language` ("en", "ko"), to that row's address.

    Returns how many messages were sent: 0 when the row is gone or has no address any more (its
    data was erased meanwhile). Raises as `comments.mail.send_or_retry` does.
    """
    if kind == "comment":
        address = Comment.objects.filter(pk=pk).values_list("author_email", flat=True).first()
    else:
        address = Subscriber.objects.filter(pk=pk).values_list("email", flat=True).first()
    if not address:
        return 0
    data = data_of_address(address)
    if not data.exists():
        return 0
    with translation.override(language):
        body = render_to_string(
            "comments/email/data_link.txt",
            {
                "site": settings.NEWSROOM_SITE_NAME,
                "link_url": settings.SITE_URL + data_link_path(data),
                "hours": DATA_LINK_HOURS,
                "privacy_url": settings.SITE_URL + reverse("comments:privacy"),
            },
        )
        subject = _("[%(site)s] Your comments: download or erase them") % {"site": settings.NEWSROOM_SITE_NAME}
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers={"Auto-Submitted": "auto-generated"}
    )
    return send_or_retry(
        message,
        task=mail_data_link,
        args=(kind, pk, language),
        attempt=attempt,
        description=f"Could not e-mail the data link of {kind} {pk}",
    )


# The export.


def utc_iso(moment):
    """An aware datetime as ISO 8601 in UTC to the second (`2024-11-04T11:00:00Z`), or None."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def story_of(story, language):
    return {"headline": story.text_for(language).headline, "url": settings.SITE_URL + story.get_absolute_url()}


def comment_record(comment, language):
    """One comment as the export gives it: what was posted, with what, when, and what became of it.

    The moderators' notes (the rule and its reason, the log's reasons) are not in it; what the
    author was told is. Who made each change is "author", "moderator" or "rules" (`changed_by`).
    """
    log = list(comment.log.all())
    return {
        "id": comment.pk,
        "url": settings.SITE_URL + comment.get_absolute_url(),
        "story": story_of(comment.story, language),
        "in_reply_to": comment.parent_id,
        "text": comment.text,
        "status": comment.status,
        "created_at": utc_iso(comment.created_at),
        "name": comment.author_name,
        "email": comment.author_email,
        "website": comment.author_url,
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "reason_given": comment.public_reason,
        "reply_notifications_asked": comment.notify_author,
        "status_history": [
            {
                "at": utc_iso(entry.created_at),
                "from": entry.from_status or None,
                "to": entry.to_status,
                "by": changed_by(entry),
            }
            for entry in log
            if entry.from_status != entry.to_status
        ],
        "edited_at": utc_iso(comment.edited_at),
        # The texts it had before each edit (its author's or a moderator's), oldest first.
        "earlier_versions": [
            {
                "text": version.text,
                "written_at": utc_iso(version.written_at),
                "replaced_at": utc_iso(version.replaced_at),
                "replaced_by": "moderator" if version.edited_by_id else "author",
            }
            for version in comment.versions.all()
        ],
        # Edits that left the status as it was (one that changed it is in the status history).
        "edits": [
            {"at": utc_iso(entry.created_at), "by": changed_by(entry)}
            for entry in log
            if entry.from_status == entry.to_status and entry.reason.startswith((EDITED_BY_AUTHOR, EDITED_IN_ADMIN))
        ],
    }


def changed_by(entry):
    """Who made the change a ModerationLogEntry records, as the export says it: "moderator" when it
    has an actor, "author" for its author's own edit or withdrawal (logged without one), else "rules"."""
    if entry.actor_id:
        return "moderator"
    if entry.reason.startswith((EDITED_BY_AUTHOR, WITHDRAWN)):
        return "author"
    return "rules"


def export(data, *, language, now=None):
    """Everything stored with `data` (AddressData), as a dict ready for JSON: its comments (oldest
    first) with their metadata, its reply notifications, and the standing moderators gave it.
    Story headlines and links are in `language`; times in ISO 8601, UTC. Five queries."""
    now = now or timezone.now()
    comments = (
        data.comments()
        .select_related("story")
        .prefetch_related(
            Prefetch("log", queryset=ModerationLogEntry.objects.order_by("created_at", "pk")),
            Prefetch("versions", queryset=CommentVersion.objects.order_by("replaced_at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    return {
        "site": settings.NEWSROOM_SITE_NAME,
        "site_url": settings.SITE_URL,
        "exported_at": utc_iso(now),
        "address_as_compared": data.key,
        "comments": [comment_record(comment, language) for comment in comments],
        "reply_notifications": subscription_record(data.subscriber, language),
        "standing": standing_record(data.commenter),
    }


def subscription_record(subscriber, language):
    if subscriber is None:
        return None
    follows = ThreadSubscription.objects.filter(subscriber=subscriber).select_related("thread__story")
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "asked_at": utc_iso(subscriber.created_at),
        "confirmation_sent_at": utc_iso(subscriber.confirmation_sent_at),
        "confirmed_at": utc_iso(subscriber.confirmed_at),
        "unsubscribed_at": utc_iso(subscriber.unsubscribed_at),
        "conversations_followed": [
            {
                "story": story_of(follow.thread.story, language),
                "conversation_url": settings.SITE_URL + follow.thread.get_absolute_url(),
                "since": utc_iso(follow.created_at),
            }
            for follow in follows
        ],
    }


def standing_record(commenter):
    if commenter is None or not commenter.standing:
        return None
    return {
        "standing": commenter.standing,
        "until": utc_iso(commenter.standing_until),
        "reason_given": commenter.public_reason,
    }
