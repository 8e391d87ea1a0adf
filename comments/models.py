"""Comments on stories, the reports readers file, the moderation log, and what the moderation rules
read from the database: commenters and their standing, the block and hold lists, the switches."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import HttpURLField, Story, http_url_constraint
from articles.text import comparable_text, isolate_bidi

from .emails import email_key
from .moderation import standing_in_force

# A commenter whose data was erased keeps its standing under this prefix and a hash (Commenter.erased_key_for).
ERASED_PREFIX = "erased:"
ERASED_KEY_SALT = "comments.erased_commenter"


def text_fingerprint(text):
    """Same text for duplicate detection: a hex SHA-256 of the text as `comparable_text` sees it
    (invisible characters gone, NFKC, case-folded), white space folded: "hel\u200blo" is "hello"."""
    folded = " ".join(comparable_text(text).split())
    return hashlib.sha256(folded.encode()).hexdigest()


class CommentQuerySet(models.QuerySet):
    """Comments; every write through it moves the pages of the comments' stories (`bump_page_version`),
    as `Comment.save()` and `delete()` do, unless it changes only what no page shows (`NOT_ON_PAGES`)."""

    def update(self, **changes):
        if set(changes) <= Comment.NOT_ON_PAGES:
            return super().update(**changes)
        with transaction.atomic(using=self.db, savepoint=False):
            stories = self.story_ids()
            count = super().update(**changes)
            Story.objects.filter(pk__in=stories).bump_page_version()
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            Story.objects.filter(pk__in={comment.story_id for comment in created}).bump_page_version()
        return created

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            stories = self.story_ids()
            deleted = super().delete()
            Story.objects.filter(pk__in=stories).bump_page_version()
        return deleted

    def story_ids(self):
        """The ids of these comments' stories, as a list (read before a write changes what matches)."""
        return list(self.order_by().values_list("story_id", flat=True).distinct())

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
    commenter = models.ForeignKey(
        "Commenter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("commenter"),
        db_index=False,  # the (commenter, status) index below serves lookups by commenter
    )
    public_reason = models.CharField(
        _("reason given to the author"),
        max_length=200,
        blank=True,
        help_text=_("What the rule that held or refused the comment told its author."),
    )
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
    edited_at = models.DateTimeField(
        _("edited"), null=True, blank=True, editable=False, help_text=_("When its author last edited it.")
    )
    # The hex SHA-256 of the secret in the edit cookie of the browser that posted it (comments/cookies.py):
    # only that browser may edit or withdraw it. Emptied by every status change not its author's
    # (comments/status.py), which ends the author's right to change it. Empty for imported comments.
    edit_key = models.CharField(max_length=64, blank=True, editable=False)
    erased_at = models.DateTimeField(
        _("erased"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When its author's data was erased at their request (comments/erasure.py): the text is a "
            "sentence saying so, and name, e-mail, website, IP address and user agent are gone."
        ),
    )
    # An editor's pick: shown first on the story page, in its own list. Only an approved comment can
    # be one (the constraint below); set and cleared by `comments.status` alone, which logs it.
    picked_at = models.DateTimeField(_("editor's pick since"), null=True, blank=True, editable=False)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("picked by"),
    )

    objects = CommentQuerySet.as_manager()

    # Fields no reader's page shows: writing only these leaves the story's page as it is (a report,
    # the nightly purge of addresses, the moderators' notes).
    NOT_ON_PAGES = frozenset(
        {"ip_address", "user_agent", "report_count", "reason", "rule", "commenter", "notify_author", "fingerprint"}
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [
            ("moderate_comment", _("Can approve, hold, mark as spam or remove comments")),
            ("pick_comment", _("Can mark comments as editor's picks")),
        ]
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
            models.CheckConstraint(
                condition=models.Q(picked_at__isnull=True) | models.Q(status="approved"),
                name="only_approved_comments_are_picked",
            ),
        ]
        indexes = [
            models.Index(fields=["story", "status", "created_at"], name="comment_listing_idx"),
            # A story's threads in time order, for its comment pages (comments.threads.thread_root_ids).
            models.Index(
                fields=["story", "created_at", "id"],
                condition=models.Q(parent__isnull=True),
                name="comment_root_time_idx",
            ),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_idx"),
            models.Index(fields=["commenter", "status"], name="comment_commenter_idx"),
        ]

    def __str__(self):
        # Isolated: the admin puts this inside its own sentences ("The comment “…” was changed").
        name = gettext("Name removed") if self.erased_at is not None else self.author_name
        return f"{isolate_bidi(name)}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.fingerprint = text_fingerprint(self.text)
        if self.commenter_id is None and self.author_email:
            self.commenter = Commenter.objects.for_address(self.author_email)
        if self.parent_id and self.thread_id is None:
            self.thread_id = self.parent.thread_id or self.parent_id
            self.depth = self.parent.depth + 1
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            if self.thread_id is None:
                # A top-level comment is its own thread; its id exists only now. The update moves the
                # story's page version, as a save does below.
                Comment.objects.filter(pk=self.pk).update(thread=self.pk)
                self.thread_id = self.pk
            else:
                # In the database, in the save's transaction: no cached page shows the comment as it was.
                Story.objects.filter(pk=self.story_id).bump_page_version()

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            deleted = super().delete(*args, **kwargs)
            Story.objects.filter(pk=self.story_id).bump_page_version()
        return deleted

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
    def is_picked(self):
        """True when editors picked the comment (an approved one: see `status.set_pick`)."""
        return self.picked_at is not None

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


class CommentVersion(models.Model):
    """A text a comment had before an edit replaced it: append-only, never edited.

    The comment's current text is its newest version; these are the ones before, oldest first.
    `written_at` is when the text was posted (or written by the edit before), `replaced_at` when
    the next edit replaced it; `edited_by` is the moderator who replaced it in admin, or empty when
    its author did (comments/editing.py).
    """

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="versions", verbose_name=_("comment"))
    text = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written"))
    replaced_at = models.DateTimeField(_("replaced"), db_index=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
        help_text=_("Empty when its author edited the comment."),
    )

    class Meta:
        ordering = ["replaced_at", "id"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A comment's earlier versions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A comment's earlier versions are append-only.")


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


class ImportedComment(models.Model):
    """A WordPress comment and the comment it became, matched by site and comment id on every re-run.

    `fingerprint` is `comments.imports.comment_fingerprint` of the comment as this import last
    wrote it (name, e-mail, website, text, status, time): a comment that no longer gives it was
    edited or moderated here since, and a re-run leaves it alone (unless `--overwrite`). `comment`
    is empty once the comment was deleted here.
    """

    site = models.ForeignKey(
        "articles.ImportedSite", on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    wordpress_id = models.PositiveBigIntegerField(_("WordPress comment id"))
    comment = models.OneToOneField(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wordpress_comment",
        verbose_name=_("comment"),
    )
    fingerprint = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("imported WordPress comment")
        verbose_name_plural = _("imported WordPress comments")
        constraints = [
            models.UniqueConstraint(fields=["site", "wordpress_id"], name="one_comment_per_wordpress_comment")
        ]

    def __str__(self):
        return f"{self.site}: comment {self.wordpress_id}"


class ImportedDisqusComment(models.Model):
    """A Disqus comment and the comment it became, matched by its Disqus id on every re-run
    (`comments.disqus.saving`). Disqus ids (`dsq:id`) are unique across Disqus, whatever the forum.

    `thread_id` and `thread_link` say which Disqus thread (page) it was on, as the export said;
    `fingerprint` and an empty `comment` mean what they mean for `ImportedComment`.
    """

    disqus_id = models.PositiveBigIntegerField(_("Disqus comment id"), unique=True)
    forum = models.CharField(_("Disqus forum"), max_length=100, blank=True)
    thread_id = models.PositiveBigIntegerField(_("Disqus thread id"))
    thread_link = models.TextField(_("thread link"), blank=True)
    comment = models.OneToOneField(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disqus_comment",
        verbose_name=_("comment"),
    )
    fingerprint = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("imported Disqus comment")
        verbose_name_plural = _("imported Disqus comments")

    def __str__(self):
        return f"Disqus comment {self.disqus_id}"


class Subscriber(models.Model):
    """An e-mail address that asked for reply notifications (comments/subscriptions.py).

    One row per mailbox: `address_key` is a SHA-256 of the address's `comments.emails.email_key`
    (`comments.subscriptions.address_key`), the key a commenter has; the address itself, as first
    typed, is kept only to send to. Nothing is mailed to it before `confirmed_at` (double
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


class CommenterQuerySet(models.QuerySet):
    def for_address(self, address):
        """The Commenter of the e-mail `address` (a str, as typed), made when it has none yet.

        The row of an address whose data was erased after moderators gave it a standing is kept
        under `Commenter.erased_key_for` its key (comments/erasure.py): when the address comments
        again, that row is its own again, under the key, so a block is not undone by an erasure.
        """
        key = Commenter.key_for(address)
        commenter = self.filter(email=key).first()
        if commenter is not None:
            return commenter
        try:
            with transaction.atomic():
                returned = self.filter(email=Commenter.erased_key_for(key)).update(email=key)
        except IntegrityError:  # another post made the row for the key meanwhile
            returned = 0
        if returned:
            return self.get(email=key)
        commenter, _created = self.get_or_create(email=key)
        return commenter

    def for_addresses(self, addresses):
        """{key: Commenter} for the e-mail `addresses` (str, as typed), each made when it has none
        yet, in three queries whatever their number (an import's comments; `for_address` is one)."""
        keys = {Commenter.key_for(address) for address in addresses if address}
        found = {commenter.email: commenter for commenter in self.filter(email__in=keys)}
        missing = keys - found.keys()
        if not missing:
            return found
        erased = {Commenter.erased_key_for(key): key for key in missing}
        for email in self.filter(email__in=erased).values_list("email", flat=True):
            found[erased[email]] = self.for_address(erased[email])  # rare: an erased address returns
        missing -= found.keys()
        self.bulk_create([Commenter(email=key) for key in missing], ignore_conflicts=True)
        found.update((commenter.email, commenter) for commenter in self.filter(email__in=missing))
        return found

    def with_counts(self):
        """Each commenter with `approved_count`, `pending_count`, `spam_count`, `removed_count` and
        `last_comment_at` (one query, grouped)."""
        counts = {
            f"{status}_count": models.Count("comments", filter=models.Q(comments__status=status))
            for status in Comment.Status.values
        }
        return self.annotate(**counts, last_comment_at=models.Max("comments__created_at"))


class Commenter(models.Model):
    """One e-mail address that has commented, as the rules compare it, and a moderator's standing for it.

    `email` is `comments.emails.email_key` of the address (plus-addressing, quotes, case and IDN
    spellings are one commenter); each comment points here. The standing (trusted, always held,
    blocked) holds until `standing_until` (None: until a moderator changes it). It changes only
    through `comments.commenters.set_standing`, which logs each change (StandingChange). Once the
    commenter's data is erased, a row with a standing keeps it under `erased_key_for` the key.
    """

    class Standing(models.TextChoices):
        NONE = "", _("None: the rules decide")
        TRUSTED = "trusted", _("Trusted: always approve")
        HELD = "held", _("Always hold for a moderator")
        BLOCKED = "blocked", _("Blocked: new comments are spam")

    email = models.CharField(
        _("e-mail address"),
        max_length=320,
        unique=True,
        help_text=_("As the rules compare it: lower case, without a +tag, quotes or Punycode."),
    )
    standing = models.CharField(_("standing"), max_length=10, choices=Standing.choices, blank=True, default="")
    standing_until = models.DateTimeField(_("until"), null=True, blank=True)
    standing_reason = models.CharField(_("reason"), max_length=300, blank=True)
    public_reason = models.CharField(_("reason told to the commenter"), max_length=200, blank=True)
    standing_changed_at = models.DateTimeField(_("standing changed"), null=True, blank=True)
    standing_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommenterQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("commenter")
        verbose_name_plural = _("commenters")
        permissions = [("erase_commenter_data", _("Can erase a commenter's data at their request"))]

    def __str__(self):
        return isolate_bidi(self.email)

    @staticmethod
    def key_for(address):
        """The `email` a commenter with this address (str) has."""
        return email_key(address)[: Commenter._meta.get_field("email").max_length]

    @staticmethod
    def erased_key_for(key):
        """The `email` of a commenter whose data was erased, kept for its standing: `erased:` and a
        keyed hash (HMAC-SHA256 under SECRET_KEY) of its `key` (a `key_for` value). The address
        cannot be read back from it; the same address, commenting again, finds it."""
        digest = salted_hmac(ERASED_KEY_SALT, key, algorithm="sha256").hexdigest()
        return f"{ERASED_PREFIX}{digest}"

    @property
    def is_erased(self):
        """True for the row of an address whose data was erased (its `email` is a hash, not an address)."""
        return self.email.startswith(ERASED_PREFIX)

    def standing_in_force(self, now):
        """The standing at `now` (aware): "" once `standing_until` has passed (`moderation.standing_in_force`)."""
        return standing_in_force(self.standing, self.standing_until, now)


class StandingChange(models.Model):
    """One change of a commenter's standing: who, when, to what, until when and why. Append-only."""

    commenter = models.ForeignKey(
        Commenter, on_delete=models.PROTECT, related_name="standing_changes", verbose_name=_("commenter")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    standing = models.CharField(_("standing"), max_length=10, choices=Commenter.Standing.choices, blank=True)
    standing_until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    public_reason = models.CharField(_("reason told to the commenter"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change of standing")
        verbose_name_plural = _("changes of standing")

    def __str__(self):
        return self.get_standing_display()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The standing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The standing log is append-only.")


class ModerationListEntry(models.Model):
    """One entry of the block list (comments are spam) or the hold list (comments wait for a moderator).

    Read on every post through `comments.lists`, which caches them until one changes; the
    environment's lists (NEWSROOM_COMMENTS_BLOCKED_*, _MODERATION_KEYWORDS) apply as well.
    """

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("Keyword")
        EMAIL = "email", _("E-mail address or @domain")
        IP = "ip", _("IP address or network")

    class Action(models.TextChoices):
        BLOCK = "block", _("Block: the comment is spam")
        HOLD = "hold", _("Hold for a moderator")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    value = models.CharField(
        _("entry"),
        max_length=254,
        help_text=_(
            "A keyword (whole words in English; press* or *press for longer ones), an address, "
            "@domain, or an IP address or network such as 198.51.100.0/24."
        ),
    )
    subdomains = models.BooleanField(
        _("subdomains too"), default=True, help_text=_("For @domain: also every subdomain (@mx.spam.example).")
    )
    public_reason = models.CharField(
        _("reason told to the commenter"),
        max_length=200,
        blank=True,
        help_text=_("Shown to the author of a comment this entry refuses or holds. Empty: they are told nothing."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Why, for the moderators."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("block or hold list entry")
        verbose_name_plural = _("block and hold lists")
        constraints = [models.UniqueConstraint(fields=["kind", "action", "value"], name="one_list_entry_per_value")]

    def __str__(self):
        return isolate_bidi(self.value)

    def clean(self):
        """Refuse what cannot be an entry of its kind; keep an IP entry as its canonical network."""
        from .lists import entry_problem, stored_value

        if not self.kind or not self.value:
            return
        problem = entry_problem(self.kind, self.value)
        if problem:
            raise ValidationError({"value": problem})
        self.value = stored_value(self.kind, self.value)


class SiteModeration(models.Model):
    """The site-wide switches of moderation: one row (id 1), made when first needed.

    `lists_version` changes with every change of a list entry; `comments.lists` caches the lists
    under it, so every process sees a change at its next post without a restart.
    """

    premoderate_all = models.BooleanField(
        _("pre-moderate every comment"),
        default=False,
        help_text=_("Every new comment on the site waits for a moderator (staff excepted)."),
    )
    lists_version = models.CharField(max_length=32, blank=True, editable=False)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("site-wide moderation")
        verbose_name_plural = _("site-wide moderation")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_site_moderation_row")]

    def __str__(self):
        return str(self._meta.verbose_name)


class StoryModeration(models.Model):
    """A story's own moderation switch: its comments all wait for a moderator (court cases, elections,
    tragedies). Kept here so that `articles` needs nothing of comments."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="comment_moderation", verbose_name=_("story")
    )
    premoderate = models.BooleanField(_("pre-moderate comments"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("story's moderation")
        verbose_name_plural = _("stories' moderation")

    def __str__(self):
        return str(self.story)
