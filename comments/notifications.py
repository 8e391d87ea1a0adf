"""E-mail to moderators about comments held for them."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

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


def notify_moderators(comment):
    recipients = moderator_addresses()
    if not recipients:
        logger.warning("Comment %s is held for moderation but no moderator has an e-mail address.", comment.pk)
        return 0
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
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except OSError:
        logger.exception("Could not e-mail moderators about comment %s", comment.pk)
        return 0
