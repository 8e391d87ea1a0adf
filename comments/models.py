"""Comments on stories, the reports readers file, and the moderation log."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import HttpURLField, Story, http_url_constraint
from articles.text import comparable_text, isolate_bidi


def text_fingerprint(text):
    """Same text for duplicate detection: a hex SHA-256 of the text as `comparable_text` sees it
    (invisible characters gone, NFKC, case-folded), white space folded: "hel\u200blo" is "hello"."""
    folded = " ".join(comparable_text(text).split())
    return hashlib.sha256(folded.encode()).hexdigest()


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def visible_to(self, own_ids=()):
        """Approved comments, plus the visitor's own comments not yet approved.

        Spam is shown to its author as if it were held: the rules that catch robots
        do not tell them so.
        """
        own = models.Q(status__in=[Comment.Status.PENDING, Comment.Status.SPAM], pk__in=list(own_ids))
        return self.filter(models.Q(status=Comment.Status.APPROVED) | own)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments", verbose_name=_("story"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text=_("The top-level comment of this thread (itself for a top-level comment)."),
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    author_name = models.CharField(_("name"), max_length=100)
    author_email = models.EmailField(_("email"), max_length=254, blank=True)
    author_url = HttpURLField(_("website"), max_length=200, blank=True)
    text = models.TextField(_("comment"), max_length=5000)
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    rule = models.CharField(_("rule"), max_length=40, blank=True, help_text=_("The moderation rule that decided."))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("posted"), db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    source_number = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Its number on an imported story page.")
    )
    notify_author = models.BooleanField(
        _("notify the author"),
        default=False,
        editable=False,
        help_text=_("The author ticked “Tell me when someone replies” (comments/subscriptions.py)."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, hold, mark as spam or remove comments"))]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "author_email", "fingerprint"],
                condition=~models.Q(author_email=""),
                name="one_copy_of_a_comment_per_author",
            ),
            models.UniqueConstraint(
                fields=["story", "source_number"],
                condition=models.Q(source_number__isnull=False),
                name="one_imported_comment_per_number",
            ),
            http_url_constraint("author_url", "comment_author_url_is_http"),
        ]
        indexes = [
            models.Index(fields=["story", "status", "created_at"], name="comment_listing_idx"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_idx"),
        ]

    def __str__(self):
        # Isolated: the admin puts this inside its own sentences ("The comment “…” was changed").
        return f"{isolate_bidi(self.author_name)}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.fingerprint = text_fingerprint(self.text)
        if self.parent_id and self.thread_id is None:
            self.thread_id = self.parent.thread_id or self.parent_id
            self.depth = self.parent.depth + 1
        super().save(*args, **kwargs)
        if self.thread_id is None:
            # A top-level comment is its own thread; its id exists only now.
            Comment.objects.filter(pk=self.pk).update(thread=self.pk)
            self.thread_id = self.pk

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def clean(self):
        if self.parent_id and self.parent.story_id != self.story_id:
            raise ValidationError({"parent": _("A reply must be on the same story as its comment.")})

    def is_visible_to(self, own_ids=()):
        """The same test as `Comment.objects.visible_to(own_ids)`, for one loaded comment."""
        if self.status == self.Status.APPROVED:
            return True
        return self.status in (self.Status.PENDING, self.Status.SPAM) and self.pk in own_ids

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    @property
    def anchor(self):
        return f"comment-{self.pk}"


class ModerationLogEntry(models.Model):
    """One change of a comment's status: append-only, never edited."""

    # PROTECT: a comment with a history cannot be deleted (and so not lost); "Removed" hides it.
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="log", verbose_name=_("comment"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the moderation rules decided."),
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Comment.Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The moderation log is append-only.")


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off-topic")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    reporter_key = models.CharField(max_length=64, editable=False, help_text=_("A hash of the reporter's address."))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="one_report_per_reader"),
        ]

    def __str__(self):
        return self.get_reason_display()


class PostingGate(models.Model):
    """When a client may post again: shared by every worker and instance through the database."""

    key = models.CharField(max_length=64, primary_key=True)
    closed_until = models.DateTimeField()

    class Meta:
        verbose_name = _("posting gate")

    def __str__(self):
        return f"{self.key[:12]}… until {self.closed_until:%H:%M:%S}"


class Subscriber(models.Model):
    """An e-mail address that asked for reply notifications (comments/subscriptions.py).

    One row per address as `comparable_text` sees it (`address_key`, a SHA-256 of that form): the
    address itself is kept only to send to. Nothing is mailed to it before `confirmed_at` (double
    opt-in); unsubscribing clears `confirmed_at` and deletes its thread subscriptions.
    """

    email = models.EmailField(_("email"), max_length=254)
    address_key = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # The unsubscribe link's secret, and inside the signed confirmation link: never changes.
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation e-mailed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification subscriber")
        verbose_name_plural = _("notification subscribers")

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class ThreadSubscription(models.Model):
    """A subscriber follows one thread: the replies approved in it are e-mailed, batched."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="threads")
    thread = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set while a mail of replies waits for its time (a task is queued); empty when none waits.
    mail_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thread subscription")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "thread"], name="one_subscription_per_thread"),
        ]

    def __str__(self):
        return f"{self.subscriber_id} → thread {self.thread_id}"


class QueuedReply(models.Model):
    """An approved reply waiting for the next mail to one thread subscription; deleted once mailed."""

    subscription = models.ForeignKey(ThreadSubscription, on_delete=models.CASCADE, related_name="queued")
    reply = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("queued reply")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "reply"], name="one_queued_copy_of_a_reply"),
        ]

    def __str__(self):
        return f"reply {self.reply_id} for {self.subscription_id}"
