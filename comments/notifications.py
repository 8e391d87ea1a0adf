"""E-mail to moderators about comments held for them, sent by a background task.

`notify_moderators` only enqueues; the task `mail_moderators_about_held_comment` reads the
comment again, builds the message and sends it (`comments.mail.send_or_retry`).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .mail import enqueue_with_transaction, send_or_retry
from .models import Comment

logger = logging.getLogger(__name__)


def moderator_addresses():
    """NEWSROOM_COMMENTS_MODERATOR_EMAILS, else every active staff member who may moderate."""
    if settings.COMMENTS_MODERATOR_EMAILS:
        return list(settings.COMMENTS_MODERATOR_EMAILS)
    permission = Permission.objects.filter(codename="moderate_comment", content_type__app_label="comments").first()
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    can_moderate = Q(is_superuser=True)
    if permission:
        can_moderate |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return sorted(set(users.filter(can_moderate).values_list("email", flat=True)))


def held_comment_message(comment, recipients):
    """The EmailMessage to `recipients` (a list of addresses) about the held `comment`, in the
    active language, with links to approve it, mark it as spam, open it and the queue."""
    site = settings.SITE_URL
    context = {
        "comment": comment,
        "story": comment.story,
        "approve_url": site + reverse("admin:comments_comment_moderate", args=[comment.pk, "approve"]),
        "spam_url": site + reverse("admin:comments_comment_moderate", args=[comment.pk, "spam"]),
        "admin_url": site + reverse("admin:comments_comment_change", args=[comment.pk]),
        "queue_url": site + reverse("admin:comments_comment_changelist") + "?status__exact=pending",
    }
    subject = _("[%(site)s] Comment held for moderation: %(headline)s") % {
        "site": settings.NEWSROOM_SITE_NAME,
        "headline": comment.story.headline,
    }
    subject = " ".join(subject.split())[:200]
    body = render_to_string("comments/email/held_comment.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def notify_moderators(comment):
    """Enqueue the e-mail to the moderators about the held `comment` (a stored Comment), in the
    active language, with the transaction that stored its status (`comments.mail.enqueue_with_transaction`).
    Nothing is sent here."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    enqueue_with_transaction(mail_moderators_about_held_comment, comment.pk, language)


@task()
def mail_moderators_about_held_comment(comment_id, language, attempt=1):
    """Task: e-mail the moderators about comment `comment_id` (int) in `language` ("en", "ko").

    Returns how many messages were sent: 0 when the comment is gone or no longer pending (a
    moderator got there first) or when no moderator has an address (logged). Raises the mail
    server's error when it will try again, MailNotSent when it gives up (comments/mail.py).
    """
    comment = Comment.objects.select_related("story").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return 0
    recipients = moderator_addresses()
    if not recipients:
        logger.warning("Comment %s is held for moderation but no moderator has an e-mail address.", comment_id)
        return 0
    with translation.override(language):
        message = held_comment_message(comment, recipients)
    return send_or_retry(
        message,
        task=mail_moderators_about_held_comment,
        args=(comment_id, language),
        attempt=attempt,
        description=f"Could not e-mail moderators about comment {comment_id}",
    )
