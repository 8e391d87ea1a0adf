"""Reply notifications: who asked, who confirmed, and the three e-mails they get (README "Mail").

The rules, each tested in `comments/tests/test_subscriptions.py`:

- A commenter ticks "Tell me when someone replies"; the comment records it (`Comment.notify_author`).
  Unless the rules called the comment spam, posting calls `request_notifications`: the address gets
  a `Subscriber` row and, until it confirms, a confirmation e-mail (double opt-in) in the language
  of the page, at most one every COMMENTS_CONFIRMATION_EVERY_HOURS hours whoever types the address.
- Nothing is mailed to an address that has not confirmed (`Subscriber.confirmed_at`).
- An asking comment follows its thread (`ThreadSubscription`) once it is approved. Every reply
  approved in that thread is queued for each confirmed follower but the reply's own author, and one
  mail per follower and thread lists the replies approved within COMMENTS_NOTIFY_BATCH_MINUTES of
  the first (`mail_replies`, run that much later).
- A held asking comment, once approved, tells its confirmed author it is published.
- Only a comment's first approval counts (`after_approval`, called by `comments.status` for each new
  approved status): held, spam and removed comments announce nothing, and a comment approved again
  after a hold is not announced twice.
- Every e-mail carries a one-click unsubscribe link (RFC 8058 headers); unsubscribing stops all of
  them for the address. Links are absolute, from settings.SITE_URL, in the subscriber's language.

The tasks follow `comments.notifications`: enqueued with the transaction, they read the rows again
and check the state before sending, and they retry through `comments.mail.send_or_retry`.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from articles.models import Story

from .emails import email_key
from .mail import MailNotSent, enqueue_with_transaction, send_or_retry
from .models import Comment, QueuedReply, Subscriber, ThreadSubscription

CONFIRM_SALT = "comments.subscriptions.confirm"
EXCERPT_CHARACTERS = 300
# A mail of replies still "due" this long after its time was lost (a worker killed mid-send):
# the next reply schedules another one instead of waiting for it forever.
LOST_MAIL_AFTER = dt.timedelta(days=1)


def address_key(email):
    """The key of an e-mail address (a str): a hex SHA-256 of its `comments.emails.email_key`, the
    form a commenter is known by, so one mailbox is one subscriber however it is written
    (`Ann+news@Example.com`, `"ann"@example.com`, full-width letters) and an erasure finds it."""
    return hashlib.sha256(email_key(email).encode()).hexdigest()


def request_notifications(comment, *, language=None, now=None):
    """The author of `comment` (a stored Comment, not spam) ticked the box: returns their Subscriber.

    Makes the row the first time and keeps `language` ("en"/"ko", default the active language: the
    page's) as the language of its mail, follows the comment's thread when the comment is approved
    already, and enqueues a confirmation e-mail when the address has not confirmed and no
    confirmation went to it in the last COMMENTS_CONFIRMATION_EVERY_HOURS hours (claimed with one
    UPDATE, so two posts at once send one). Runs inside the posting transaction; nothing is sent here.
    """
    now = now or timezone.now()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    subscriber, _created = Subscriber.objects.get_or_create(
        address_key=address_key(comment.author_email),
        defaults={"email": comment.author_email, "language": language, "token": secrets.token_urlsafe(32)},
    )
    if subscriber.language != language:
        # Mail follows the language of the page the address last asked from.
        Subscriber.objects.filter(pk=subscriber.pk).update(language=language)
    if comment.status == Comment.Status.APPROVED:
        follow_thread(subscriber, comment)
    if subscriber.is_confirmed:
        return subscriber
    cutoff = now - dt.timedelta(hours=settings.COMMENTS_CONFIRMATION_EVERY_HOURS)
    claimed = (
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=cutoff))
        .update(confirmation_sent_at=now)
    )
    if claimed:
        enqueue_with_transaction(mail_confirmation, subscriber.pk, comment.pk)
    return subscriber


def follow_thread(subscriber, comment):
    """`subscriber` follows the thread of `comment` (whose author they are); idempotent."""
    ThreadSubscription.objects.get_or_create(subscriber=subscriber, thread_id=comment.thread_id or comment.pk)


def after_approval(comment, *, now=None):
    """What the approval of `comment` announces, inside the transaction that approved it.

    At its first approval only: an asking comment follows its thread and, if it was held first
    and its author has confirmed, its author is told it is published; a reply is queued for the
    thread's confirmed followers (`queue_reply`). A comment that is neither asks no query.
    """
    if not (comment.notify_author or comment.parent_id):
        return
    statuses = list(comment.log.values_list("to_status", flat=True))
    if statuses.count(Comment.Status.APPROVED) != 1:
        return
    if comment.notify_author:
        subscriber = Subscriber.objects.filter(address_key=address_key(comment.author_email)).first()
        if subscriber is not None:
            follow_thread(subscriber, comment)
            if subscriber.is_confirmed and statuses[0] != Comment.Status.APPROVED:
                enqueue_with_transaction(mail_comment_published, comment.pk)
    if comment.parent_id:
        queue_reply(comment, now=now)


def queue_reply(reply, *, now=None):
    """Queue the approved `reply` for every confirmed follower of its thread but its own author.

    A follower with no mail waiting gets one scheduled COMMENTS_NOTIFY_BATCH_MINUTES from `now`
    (its subscription's `mail_due_at`); one with a mail waiting gets the reply added to it. The
    subscriptions are locked while this runs, against `finish_batch` deciding at the same moment
    that nothing is left to send.
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscriptions = (
            ThreadSubscription.objects.select_for_update(of=("self",))
            .filter(thread_id=reply.thread_id, subscriber__confirmed_at__isnull=False)
            .exclude(subscriber__address_key=address_key(reply.author_email))
        )
        for subscription in subscriptions:
            QueuedReply.objects.get_or_create(subscription=subscription, reply=reply)
            due = subscription.mail_due_at
            if due is None or due < now - LOST_MAIL_AFTER:
                schedule_mail(subscription.pk, now + batch_window())


def batch_window():
    return dt.timedelta(minutes=settings.COMMENTS_NOTIFY_BATCH_MINUTES)


def schedule_mail(subscription_id, due):
    """Enqueue the mail of thread subscription `subscription_id` for `due` (aware datetime)."""
    ThreadSubscription.objects.filter(pk=subscription_id).update(mail_due_at=due)
    enqueue_with_transaction(mail_replies, subscription_id, run_after=due)


def finish_batch(subscription_id, done_ids):
    """After a mail of replies: forget the queued rows `done_ids` (sent, or given up); when replies
    were queued meanwhile, schedule the next mail one batch window from now, else none waits."""
    with transaction.atomic():
        locked = ThreadSubscription.objects.select_for_update().filter(pk=subscription_id).values_list("pk")
        if not list(locked):
            return
        QueuedReply.objects.filter(pk__in=done_ids).delete()
        if QueuedReply.objects.filter(subscription_id=subscription_id).exists():
            schedule_mail(subscription_id, timezone.now() + batch_window())
        else:
            ThreadSubscription.objects.filter(pk=subscription_id).update(mail_due_at=None)


# Links: the confirmation link is signed and expires; the unsubscribe link is the row's own secret
# and works for as long as the row exists (and says "unsubscribed" once it is gone).


def confirmation_path(subscriber):
    """The path of `subscriber`'s confirmation page in the active language: the row's token,
    signed with the time (TimestampSigner), valid COMMENTS_CONFIRMATION_DAYS days."""
    signed = signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token)
    return reverse("comments:confirm_notifications", kwargs={"token": signed})


def subscriber_to_confirm(signed):
    """The Subscriber a confirmation link names, or None when the link is altered, cut short or
    older than COMMENTS_CONFIRMATION_DAYS days, or its address was deleted."""
    max_age = dt.timedelta(days=settings.COMMENTS_CONFIRMATION_DAYS)
    try:
        token = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(signed, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired too
        return None
    return Subscriber.objects.filter(token=token).first()


def unsubscribe_path(subscriber):
    """The path of `subscriber`'s unsubscribe page (and one-click endpoint) in the active language."""
    return reverse("comments:unsubscribe", kwargs={"token": subscriber.token})


def confirm(subscriber, *, now=None):
    """Confirm `subscriber`'s address. Returns False, changing nothing, when it was confirmed already."""
    now = now or timezone.now()
    changed = Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, unsubscribed_at=None
    )
    return bool(changed)


def unsubscribe(token, *, now=None):
    """Stop every e-mail to the address whose unsubscribe token is `token` (a str).

    Its thread subscriptions and queued replies are deleted and its confirmation cleared, so only
    a new confirmation starts mail again; the row stays, unconfirmed, to hold the confirmation rate
    limit until `purge_comment_data` deletes it. Returns False when there was nothing to stop (an
    unknown token, or unsubscribed already): the link works again and says so.
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
        if subscriber is None or (subscriber.unsubscribed_at and not subscriber.is_confirmed):
            return False
        subscriber.threads.all().delete()
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=None, unsubscribed_at=now)
    return True


def may_be_mailed(token):
    """True when the address whose unsubscribe token is `token` may get e-mail from us: confirmed, or
    waiting for its confirmation and not unsubscribed. False for an unknown token."""
    subscriber = Subscriber.objects.filter(token=token).first()
    return subscriber is not None and (subscriber.is_confirmed or subscriber.unsubscribed_at is None)


def forgettable_subscribers(now=None):
    """Subscribers that are not confirmed and got no confirmation e-mail for COMMENTS_CONFIRMATION_DAYS
    days (their link no longer works, the rate limit is long over): `purge_comment_data` deletes them."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.COMMENTS_CONFIRMATION_DAYS)
    return Subscriber.objects.filter(confirmed_at__isnull=True).filter(
        Q(confirmation_sent_at__lt=cutoff) | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff)
    )


# The e-mails: plain text, in the subscriber's language, with the unsubscribe headers.


def subscriber_message(subscriber, subject, template, context):
    """An EmailMessage to `subscriber` rendered from `template` with `context` in the active language,
    with `List-Unsubscribe` (the unsubscribe link), `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
    (RFC 8058: mail programs unsubscribe with one POST) and `Auto-Submitted` (RFC 3834: no auto-replies)."""
    unsubscribe_url = settings.SITE_URL + unsubscribe_path(subscriber)
    context = {**context, "site": settings.NEWSROOM_SITE_NAME, "unsubscribe_url": unsubscribe_url}
    body = render_to_string(template, context)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    subject = " ".join(subject.split())[:200]
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email], headers=headers)


def story_headline(story, language):
    return story.text_for(language).headline


def excerpt(text):
    """A comment's text on one line, cut to EXCERPT_CHARACTERS characters."""
    return Truncator(" ".join(text.split())).chars(EXCERPT_CHARACTERS)


@task()
def mail_confirmation(subscriber_id, comment_id, attempt=1):
    """Task: e-mail subscriber `subscriber_id` (int) the link that confirms their address, in their
    language, about the story of comment `comment_id` (int).

    Returns how many messages were sent: 0 when the address was confirmed meanwhile or is gone,
    or when the comment is gone or a moderator called it spam or removed it (whoever typed the
    address was not asking in good faith). Raises as `send_or_retry` does.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    comment = Comment.objects.select_related("story").filter(pk=comment_id).first()
    if subscriber is None or subscriber.is_confirmed or comment is None:
        return 0
    if comment.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
        return 0
    with translation.override(subscriber.language):
        headline = story_headline(comment.story, subscriber.language)
        message = subscriber_message(
            subscriber,
            _("[%(site)s] Confirm your address for reply notifications") % {"site": settings.NEWSROOM_SITE_NAME},
            "comments/email/confirm_notifications.txt",
            {
                "headline": headline,
                "confirm_url": settings.SITE_URL + confirmation_path(subscriber),
                "days": settings.COMMENTS_CONFIRMATION_DAYS,
            },
        )
    return send_or_retry(
        message,
        task=mail_confirmation,
        args=(subscriber_id, comment_id),
        attempt=attempt,
        description=f"Could not e-mail the confirmation link to subscriber {subscriber_id}",
    )


@task()
def mail_replies(subscription_id, attempt=1):
    """Task: e-mail one follower of a thread the replies queued for them (thread subscription
    `subscription_id`, an int), oldest first, in their language; then `finish_batch`.

    Returns how many messages were sent: 0 when the subscription is gone (unsubscribed), the address
    is no longer confirmed, the story is no longer public, or none of the queued replies is still
    approved. A failure that may pass keeps the queue for the next attempt (which also takes the
    replies queued meanwhile); when it gives up, those replies are dropped and MailNotSent raised.
    """
    subscription = (
        ThreadSubscription.objects.select_related("subscriber", "thread__story").filter(pk=subscription_id).first()
    )
    if subscription is None:
        return 0
    queued = list(
        QueuedReply.objects.filter(subscription=subscription)
        .select_related("reply")
        .order_by("reply__created_at", "reply_id")
    )
    story = subscription.thread.story
    replies = [item.reply for item in queued if item.reply.status == Comment.Status.APPROVED]
    subscriber = subscription.subscriber
    if not (replies and subscriber.is_confirmed and Story.objects.published().filter(pk=story.pk).exists()):
        finish_batch(subscription_id, [item.pk for item in queued])
        return 0
    language = subscriber.language
    with translation.override(language):
        headline = story_headline(story, language)
        subject = ngettext(
            "[%(site)s] A new reply on “%(headline)s”",
            "[%(site)s] %(count)d new replies on “%(headline)s”",
            len(replies),
        ) % {"site": settings.NEWSROOM_SITE_NAME, "headline": headline, "count": len(replies)}
        message = subscriber_message(
            subscriber,
            subject,
            "comments/email/replies.txt",
            {
                "headline": headline,
                "replies": [
                    {
                        "author_name": reply.author_name,
                        "excerpt": excerpt(reply.text),
                        "url": settings.SITE_URL + reply.get_absolute_url(),
                    }
                    for reply in replies
                ],
                "thread_url": settings.SITE_URL + subscription.thread.get_absolute_url(),
            },
        )
    try:
        sent = send_or_retry(
            message,
            task=mail_replies,
            args=(subscription_id,),
            attempt=attempt,
            description=f"Could not e-mail subscriber {subscriber.pk} about replies in thread {subscription.thread_id}",
        )
    except MailNotSent:
        finish_batch(subscription_id, [item.pk for item in queued])
        raise
    finish_batch(subscription_id, [item.pk for item in queued])
    return sent


@task()
def mail_comment_published(comment_id, attempt=1):
    """Task: tell the author of comment `comment_id` (int), which was held, that it is published.

    Returns how many messages were sent: 0 when the comment is gone or no longer approved, or its
    author's address is not (or no longer) confirmed. Raises as `send_or_retry` does.
    """
    comment = Comment.objects.select_related("story").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED or not comment.notify_author:
        return 0
    subscriber = Subscriber.objects.filter(
        address_key=address_key(comment.author_email), confirmed_at__isnull=False
    ).first()
    if subscriber is None:
        return 0
    with translation.override(subscriber.language):
        headline = story_headline(comment.story, subscriber.language)
        message = subscriber_message(
            subscriber,
            _("[%(site)s] Your comment on “%(headline)s” is published")
            % {"site": settings.NEWSROOM_SITE_NAME, "headline": headline},
            "comments/email/comment_published.txt",
            {
                "headline": headline,
                "excerpt": excerpt(comment.text),
                "url": settings.SITE_URL + comment.get_absolute_url(),
            },
        )
    return send_or_retry(
        message,
        task=mail_comment_published,
        args=(comment_id,),
        attempt=attempt,
        description=f"Could not tell the author of comment {comment_id} that it is published",
    )
