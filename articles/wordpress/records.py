"""What the WordPress import remembers (models): the sites imported, which story each post became,
and the old addresses that lead to our pages.

Imported by `articles.models` (at its end), so Django registers these with the `articles` app. The
save step (`articles.wordpress.saving`) writes them; `articles.old_addresses` reads `OldAddress`
for a request that none of our URLs answered.
"""

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Hashtag, Outlet, Section, Story
from ..text import clean_stored_text

LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]


class ImportedSite(models.Model):
    """A WordPress site imported at least once: its address identifies it from one export to the next.

    `address` is the export's home address without scheme, lower case host, no trailing slash
    ("harbour.example", "old.example/blog": `site_address`), so a site that moved from http to
    https is the same site. `language` is where its old addresses lead ("en" or "ko", from the
    export's `<language>`; a Korean post's own addresses lead to the Korean page whatever it is).
    """

    address = models.CharField(_("address"), max_length=500, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="en")
    first_imported_at = models.DateTimeField(_("first imported"), default=timezone.now)
    last_imported_at = models.DateTimeField(_("last imported"), default=timezone.now)

    class Meta:
        verbose_name = _("imported WordPress site")
        verbose_name_plural = _("imported WordPress sites")

    def __str__(self):
        return self.title or self.address


class ImportedPost(models.Model):
    """A WordPress post and the story it became (matched by site and post id on every re-run).

    `fingerprint` is `articles.wordpress.saving.story_fingerprint` of the story's imported fields
    as this import last wrote them: a story whose fields no longer give it was edited here since.
    `story` is empty once an editor deleted the story: a re-run then leaves the post out (unless
    `--overwrite`), rather than bring back what was deleted.
    """

    site = models.ForeignKey(ImportedSite, on_delete=models.CASCADE, related_name="posts", verbose_name=_("site"))
    wordpress_id = models.PositiveBigIntegerField(_("WordPress post id"))
    story = models.OneToOneField(
        Story,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wordpress_post",
        verbose_name=_("story"),
    )
    fingerprint = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("imported WordPress post")
        verbose_name_plural = _("imported WordPress posts")
        constraints = [models.UniqueConstraint(fields=["site", "wordpress_id"], name="one_story_per_wordpress_post")]

    def __str__(self):
        return f"{self.site}: post {self.wordpress_id}"


def address_key(path):
    """The unique key of an old address (str: a decoded path, with its query if any): a hex SHA-256.

    A key rather than the path itself: a unique index on a long Korean path would pass PostgreSQL's
    limit for one index entry (about 2,700 bytes).
    """
    return hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()


class OldAddress(models.Model):
    """An address of the WordPress site this one replaced (`path`, decoded, with its query if any:
    "/2024/05/06/harbour-culture-week/", "/?p=10", "/?cat=3&feed") and what answers it now (`kind`):
    a 301 to a story, a section or a hashtag page ("page"), their feed or, with no object, the
    site's ("feed"), a story's comment feed ("comments"), or our search ("search", with no object:
    the site's `/?s=`).

    At most one of story, section and hashtag is set (a database constraint). The page's language is
    `language`, the same for every visitor, so that a permanent redirect is the same for all.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("page")
        FEED = "feed", _("feed")
        COMMENTS = "comments", _("comment feed")
        SEARCH = "search", _("search")

    key = models.CharField(max_length=64, unique=True, editable=False)
    path = models.TextField(_("old address"))
    site = models.ForeignKey(
        ImportedSite, on_delete=models.CASCADE, related_name="old_addresses", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PAGE)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="en")
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("story")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("section")
    )
    hashtag = models.ForeignKey(
        Hashtag, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("hashtag")
    )

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(story__isnull=True, section__isnull=True)
                    | models.Q(story__isnull=True, hashtag__isnull=True)
                    | models.Q(section__isnull=True, hashtag__isnull=True)
                ),
                name="old_address_leads_to_one_thing",
            ),
        ]

    def __str__(self):
        return self.path

    def save(self, *args, **kwargs):
        # Cleaned first (the pre_save cleaning would otherwise change the path after its key was made).
        self.path = clean_stored_text(self.path)
        self.key = address_key(self.path)
        super().save(*args, **kwargs)
