"""Stories, the outlets that publish them, the hashtags and sections that group them, the front page's pins."""

import re
import unicodedata
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import purge
from .languages import has_text, story_text
from .rich_text import body_text, clean_body_html, has_body_text, photo_ids, validate_body_length
from .text import clean_stored_text, comparable_text
from .video import VideoAddressError, parse_video_url, validate_video_url

HTTP_URL = URLValidator(schemes=["http", "https"])

HASHTAG_NAME = re.compile(r"^\w+$")

# The status of the comments readers see, as the comments app stores it (`comments.models.Comment.Status.APPROVED`):
# written here as its string, so that `articles` imports nothing of `comments` (see `comment_count_of`).
PUBLIC_COMMENT_STATUS = "approved"


def http_url_constraint(field_name, name):
    """The database's own guard: an http(s) URL or nothing, whatever code writes the row."""
    return models.CheckConstraint(
        condition=models.Q(**{field_name: ""})
        | models.Q(**{f"{field_name}__istartswith": "http://"})
        | models.Q(**{f"{field_name}__istartswith": "https://"}),
        name=name,
    )


class HttpURLField(models.URLField):
    """A URL that a reader can follow: http or https, nothing else."""

    default_validators = [HTTP_URL]

    def formfield(self, **kwargs):
        from .forms import HttpURLFormField

        return super().formfield(**{"form_class": HttpURLFormField, **kwargs})


def clean_text_fields(instance):
    """Clean every text field (CharField, TextField and their kinds) of a model instance in place.

    The safety net under the forms: connected to `pre_save` for the models of `articles`
    and `comments`, so whatever saves (admin, importer, shell, a future importer) stores
    text with no control character XML cannot carry and no unpaired bidi control
    (`articles.text.clean_stored_text`). `update()` and `bulk_create()` send no signal:
    their callers clean what they write.
    """
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_stored_text(value))


def clean_stored_rows(model):
    """Clean the text fields of every stored row of `model` (a data migration's historical model).

    One `update()` per changed row, only of its changed fields (no table rebuild, no save()
    logic); a row whose cleaned text would break a unique constraint is left as it was and
    counted. Returns (primary keys of the rows cleaned, number of rows left).
    """
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField)) and not field.primary_key
    ]
    cleaned, left = [], 0
    for row in list(model._default_manager.values("pk", *names)):
        changes = {
            name: clean_stored_text(value)
            for name, value in row.items()
            if name in names and isinstance(value, str) and clean_stored_text(value) != value
        }
        if not changes:
            continue
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=row["pk"]).update(**changes)
            cleaned.append(row["pk"])
        except IntegrityError:
            left += 1
    return cleaned, left


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone, such as Asia/Seoul."), params={"value": value}
        ) from None


def refuse_lookalike_name(instance, field="name"):
    """Raise ValidationError when another row of `instance`'s model has a name that reads the same.

    "Same" is `articles.text.comparable_text` (invisible characters, width, case and accents aside):
    "World" and "World" + U+200B would be two masthead entries no reader can tell apart. For
    models with a few dozen rows (sections, outlets): it reads every other name once.
    """
    wanted = comparable_text(getattr(instance, field) or "")
    others = type(instance).objects.exclude(pk=instance.pk).values_list(field, flat=True)
    if wanted and any(comparable_text(other) == wanted for other in others):
        raise ValidationError(
            {field: _("Another one is already called that (the names differ only in characters no one sees).")},
            code="lookalike",
        )


class Outlet(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("The outlet page's address; made from the name if empty."),
    )
    homepage = HttpURLField(_("homepage"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Seoul. Datelines of this outlet's stories are shown in it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [http_url_constraint("homepage", "outlet_homepage_is_http")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_outlet_slug(self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:outlet", kwargs={"slug": self.slug})

    def clean(self):
        refuse_lookalike_name(self)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


def name_slug(name, max_length):
    """A Unicode slug of a name: `Choi Min-jung` → `choi-min-jung`, `연합뉴스` → `연합뉴스`."""
    return slugify(name, allow_unicode=True)[:max_length].strip("-_")


def unique_outlet_slug(name, exclude_pk=None):
    base = name_slug(name, 110) or "outlet"
    slug, suffix = base, 2
    while Outlet.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


class SocialLink(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="social_links", verbose_name=_("outlet"))
    label = models.CharField(_("label"), max_length=40, help_text=_("As readers see it: Facebook, X, YouTube…"))
    url = HttpURLField(_("URL"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("social link")
        verbose_name_plural = _("social links")
        constraints = [
            models.UniqueConstraint(fields=["outlet", "label"], name="unique_social_label_per_outlet"),
            http_url_constraint("url", "social_link_url_is_http"),
        ]

    def __str__(self):
        return f"{self.label}: {self.url}"


def has_hangul(text):
    return any("HANGUL" in unicodedata.name(char, "") for char in text)


def mostly_hangul(text):
    """True when most letters are Hangul: a Korean paragraph, or a comment written in Korean."""
    letters = [char for char in text if char.isalpha()]
    hangul = sum(1 for char in letters if "HANGUL" in unicodedata.name(char, ""))
    return bool(letters) and hangul * 2 >= len(letters)


def hashtag_slug(name):
    """The one key of a hashtag: `#Ukraine` and `#ukraine` are the same tag.

    NFKC folds full-width and compatibility forms, casefold() folds case; Hangul
    passes through untouched, so the Korean tag keeps a Unicode slug.
    """
    return unicodedata.normalize("NFKC", name.lstrip("#")).casefold()


class HashtagQuerySet(models.QuerySet):
    def in_use(self):
        """Hashtags of published stories, each with `story_count`: most used first."""
        return (
            self.filter(
                story_links__story__status=Story.Status.PUBLISHED,
                story_links__story__published_at__lte=timezone.now(),
            )
            .annotate(story_count=models.Count("story_links"))
            .order_by("-story_count", "slug")
        )


class Hashtag(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("As written, without “#”: Arirang_News, 우크라이나.")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True, editable=False)

    objects = HashtagQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")

    def __str__(self):
        return f"#{self.name}"

    def save(self, *args, **kwargs):
        self.slug = hashtag_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:hashtag", kwargs={"slug": self.slug})

    def clean(self):
        self.name = unicodedata.normalize("NFC", self.name.strip().lstrip("#"))
        if not HASHTAG_NAME.fullmatch(self.name):
            raise ValidationError({"name": _("A hashtag is letters, digits and underscores only.")})
        if len(hashtag_slug(self.name)) > self._meta.get_field("slug").max_length:
            raise ValidationError({"name": _("This hashtag is too long.")})
        duplicate = Hashtag.objects.filter(slug=hashtag_slug(self.name)).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError({"name": _("This hashtag exists already.")})

    @property
    def language(self):
        """The language of the tag's name, for the `lang` attribute."""
        return "ko" if has_hangul(self.name) else "en"


class SectionQuerySet(models.QuerySet):
    def in_masthead_order(self):
        """Every section as the masthead lists them: by position, then English name."""
        return self.order_by("position", "name", "id")

    def claiming(self, hashtags):
        """The section of the first of `hashtags` (Hashtag objects, in the story's order) that a section claims.

        None when no section claims any. What the importer files a story under when it has no
        section yet; when two sections claim the same hashtag, the first in masthead order wins.
        One query: a paper has a handful of sections.
        """
        claims = {}
        for section in self.in_masthead_order():
            for slug in section.claimed_slugs():
                claims.setdefault(slug, section)
        return next((claims[tag.slug] for tag in hashtags if tag.slug in claims), None)


class Section(models.Model):
    """A desk of the paper (World, Korea, Culture): each story belongs to at most one."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=80, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("The section page's address; made from the name if empty, kept when the section is renamed."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in the masthead by this number, smallest first.")
    )
    claimed_hashtags = models.CharField(
        _("hashtags filed here"),
        max_length=500,
        blank=True,
        help_text=_(
            "Hashtags such as #Seoul #서울: an imported story without a section goes to the section "
            "of its first hashtag listed in one."
        ),
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_section_slug(self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    def claimed_slugs(self):
        """The slugs (`hashtag_slug`) of the hashtags in `claimed_hashtags`, in the order written."""
        return [hashtag_slug(name) for name in self.claimed_hashtags.split()]

    def clean(self):
        refuse_lookalike_name(self)
        for name in self.claimed_hashtags.split():
            if not name.startswith("#") or not HASHTAG_NAME.fullmatch(hashtag_slug(name)):
                raise ValidationError(
                    {"claimed_hashtags": _("Write hashtags with “#”, separated by spaces: #Seoul #서울.")}
                )

    def name_in(self, language):
        """The name readers of `language` ("en", "ko") see: the Korean name on Korean pages when there is one."""
        return self.name_ko if self.name_language_in(language) == "ko" else self.name

    def name_language_in(self, language):
        """The language of `name_in(language)`: "ko" for the Korean name, else "en"."""
        return "ko" if language == "ko" and self.name_ko else "en"


def unique_section_slug(name, exclude_pk=None):
    base = name_slug(name, 70) or "section"
    slug, suffix = base, 2
    while Section.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def comment_count_of(story_pk):
    """How many of a story's comments readers see: an expression for `annotate()`, `story_pk` an
    `OuterRef` to the story's id (`OuterRef("pk")` on stories, `OuterRef("story_id")` on pins). An int, 0 without.

    Why a queryset annotation and not a `comments` template tag that counts a list of cards: every
    list of cards already comes through `StoryQuerySet.for_listing()`, the search's page and the
    front page's pins (`FrontPagePin.objects.showing()`), as the "Corrected" mark does, so one
    expression reaches them all and a card never asks for its own count. A correlated subquery
    rather than `Count("comments")`: it costs no query more (it is part of the page's one SELECT),
    needs no GROUP BY over the outlet's and photo's columns, and does not multiply with another
    count of the same query (`related_to`'s shared hashtags); the index `comment_listing_idx`
    (story, status, created_at) answers it. The comments app is reached through its reverse
    relation (`Story.comments`) and its public status is the string `PUBLIC_COMMENT_STATUS`: `articles`
    still imports nothing of `comments` (STYLE: `comments` → `articles`), and
    comments/tests/test_cards.py checks these counts against `Comment.objects.approved()`.
    """
    comments = Story._meta.get_field("comments").related_model._default_manager
    approved = (
        comments.filter(story_id=story_pk, status=PUBLIC_COMMENT_STATUS)
        .order_by()
        .values("story_id")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(models.Subquery(approved, output_field=models.IntegerField()), 0)


class StoryQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: published, and its publication time (`now`, aware; default the clock's) has come."""
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def previewable_by(self, user):
        """What `user` may read on the site: editors (`publish_story`) every story, drafts and
        scheduled ones included; other staff with `view_story` (reporters) the public stories and
        their own; everyone else the public ones."""
        if user.is_staff and user.has_perm("articles.publish_story"):
            return self
        public = models.Q(status=Story.Status.PUBLISHED, published_at__lte=timezone.now())
        if user.is_staff and user.has_perm("articles.view_story"):
            return self.filter(public | models.Q(created_by=user.pk))
        return self.filter(public)

    def for_listing(self):
        """Everything a story card shows, in a fixed number of queries."""
        return (
            self.select_related("outlet", "lead_photo")
            .prefetch_related(ordered_hashtags())
            .with_correction_flag()
            .with_comment_counts()
            .order_by("-published_at", "-id")
        )

    def with_correction_flag(self):
        """Each story with `has_corrections` (bool), for the card's mark: a subquery, no extra query."""
        return self.annotate(has_corrections=models.Exists(Correction.objects.filter(story=models.OuterRef("pk"))))

    def with_comment_counts(self):
        """Each story with `comment_count` (int): its comments readers see, for the card's "N comments".
        A subquery of the same query (`comment_count_of`, which says why it lives here)."""
        return self.annotate(comment_count=comment_count_of(models.OuterRef("pk")))

    def for_page(self):
        """Everything the story page shows, in a fixed number of queries (corrections newest first)."""
        corrections = models.Prefetch("corrections", Correction.objects.newest_first())
        return self.select_related("outlet", "lead_photo").prefetch_related(
            ordered_hashtags(), "outlet__social_links", corrections
        )

    def bump_page_version(self, *, listings=True, **also):
        """Mark these stories' cached pages stale, and every page listing stories (their text, comments
        or outlet changed): the one way a page version moves. Returns the number of stories.

        In the caller's transaction, so no process caches the new page under the old version or the
        old page under the new one. The listings version moves even when no story matched: a renamed
        hashtag with no public story still names its own page. A caching proxy in front is sent a BAN
        of these stories once the transaction commits (`articles.purge`), and of every listing page
        unless `listings` is False. `also` names other fields to set in the same UPDATE.
        """
        count = super().update(page_version=models.F("page_version") + 1, **also)
        ListingsVersion.move()
        if count:
            purge.stories_changed(self, listings=listings)
        return count

    def update(self, **changes):
        """`QuerySet.update`, and the pages that show these stories move on (`bump_page_version`):
        theirs and those listing them among their related stories, in one transaction.

        Every `update()` of stories (the admin's publish action, `bulk_update`, a shell) changes what
        some page shows; `save()` moves the versions itself. An update that sets `page_version`
        itself (a revision written back) only moves the listings (and tells the proxies).
        """
        if "page_version" in changes:
            count = super().update(**changes)
            ListingsVersion.move()
            if count:
                purge.stories_changed(self)
            return count
        with transaction.atomic(using=self.db, savepoint=False):
            # The ids first: the update may change what the filter matches (draft → published).
            ids = list(self.values_list("pk", flat=True))
            count = models.QuerySet.update(Story.objects.filter(pk__in=ids), **changes)
            Story.objects.filter(pk__in=ids).with_related().bump_page_version()
        return count

    def with_related(self):
        """These stories and every story sharing a hashtag with one of them: the pages that list them."""
        shared_tags = StoryHashtag.objects.filter(story__in=self.values("pk")).values("hashtag_id")
        sharing = StoryHashtag.objects.filter(hashtag_id__in=shared_tags).values("story_id")
        return Story.objects.filter(models.Q(pk__in=self.values("pk")) | models.Q(pk__in=sharing))

    def related_to(self, story, limit=5):
        """Stories of this queryset sharing hashtags with `story`: most shared tags first, then newest;
        each with `shared_hashtags`, with its outlet and lead photo.

        Takes the tag ids from `story.hashtags.all()`, prefetched by `for_page()`, so it is one query.
        The ranking is a subquery of hashtag links grouped by their story's id (reading only the
        stories' ids and dates), the outer query loads the `limit` stories it chose: grouping the
        whole rows, bodies included, of every story sharing a much-used hashtag took 430–700 ms at
        100,000 stories, the ranking alone 85–125 ms (README "Benchmarks", "Large archives").
        """
        tag_ids = [tag.pk for tag in story.hashtags.all()]
        if not tag_ids:
            return self.none()
        links = StoryHashtag.objects.filter(hashtag_id__in=tag_ids)
        ranked = (
            links.filter(models.Exists(self.filter(pk=models.OuterRef("story_id"))))
            .exclude(story_id=story.pk)
            .values("story_id")
            .annotate(shared=models.Count("id"))
            .order_by("-shared", "-story__published_at", "-story_id")[:limit]
        )
        shared = links.filter(story_id=models.OuterRef("pk")).order_by().values("story_id")
        # The chosen ids alone, without this queryset's filters again: SQLite would walk them (the
        # listing index, every public story) rather than look the five ids up.
        return (
            Story.objects.filter(pk__in=ranked.values("story_id"))
            .annotate(shared_hashtags=models.Subquery(shared.annotate(count=models.Count("id")).values("count")))
            .select_related("outlet", "lead_photo")
            .order_by("-shared_hashtags", "-published_at", "-id")
        )

    def by_reporter(self, slug):
        return self.filter(reporter_slug=slug)


def story_is_public(story_id="story_id", now=None):
    """An expression for `filter()` on rows that point at a story: their story (its id in the field
    `story_id`) is one the public may see at `now` (`StoryQuerySet.published`; aware, default the clock's).

    An `Exists` that looks up each row's own story by its primary key, rather than
    `story__in=Story.objects.published().values("pk")`: SQLite runs that IN as a list of every
    public story's id, made again by each query, so a page of four pins or twenty corrections cost
    130–180 ms at 100,000 stories against 2.5 ms this way (README "Benchmarks", bench/archive.py).
    """
    return models.Exists(Story.objects.published(now).filter(pk=models.OuterRef(story_id)))


def ordered_hashtags():
    """A story's hashtags in the order the editor wrote them."""
    return models.Prefetch("hashtags", queryset=Hashtag.objects.order_by("story_links__position", "story_links__id"))


# The text of each language: what the stale-Korean rule compares (Story.stamp_text_edits).
ENGLISH_TEXT_FIELDS = ("headline", "intro", "body")
KOREAN_TEXT_FIELDS = ("headline_ko", "intro_ko", "body_ko")
# The rich-text bodies (articles.rich_text) and the column keeping each one's plain text, for search.
BODY_FIELDS = {"body": "body_plain", "body_ko": "body_ko_plain"}


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Submitted by its reporter, waiting for an editor: never public (published() wants PUBLISHED).
        IN_REVIEW = "in_review", _("In review")
        # A published story whose publication time is still to come is "scheduled" (see is_scheduled).
        PUBLISHED = "published", _("Published")

    headline = models.CharField(_("headline"), max_length=300)
    headline_ko = models.CharField(_("Korean headline"), max_length=300, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("The story's address; made from the headline if empty."),
    )
    intro = models.TextField(
        _("intro"), blank=True, help_text=_("The standfirst: a few sentences under the headlines.")
    )
    intro_ko = models.TextField(
        _("Korean intro"),
        blank=True,
        help_text=_("The standfirst in Korean; Korean pages show the English one without it."),
    )
    body = models.TextField(
        _("body"),
        help_text=_("The story's text: paragraphs, subheadings, lists, quotes, links and photos."),
        validators=[validate_body_length],
    )
    body_ko = models.TextField(_("Korean body"), blank=True, validators=[validate_body_length])
    # The bodies as plain text (articles.rich_text.body_text), kept by every save (Story.store_bodies):
    # what search indexes, so that no tag or address in the markup is found. update() and bulk_create()
    # skip save(): their callers set these too. Nullable: adding them rebuilt no table on SQLite.
    body_plain = models.TextField(null=True, editable=False)  # noqa: DJ001
    body_ko_plain = models.TextField(null=True, editable=False)  # noqa: DJ001
    reporter = models.CharField(
        _("reporter"), max_length=120, blank=True, help_text=_("The byline, e.g. Choi Min-jung.")
    )
    reporter_slug = models.SlugField(
        _("reporter slug"),
        max_length=120,
        allow_unicode=True,
        blank=True,
        editable=False,
        help_text=_("The reporter page's address, made from the byline on every save."),
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="stories", verbose_name=_("outlet"))
    # PROTECT: deleting a section must not silently take its stories off their section page and feed.
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("section"),
    )
    source_url = HttpURLField(
        _("source"), max_length=500, blank=True, help_text=_("Where the story was first published.")
    )
    # Nullable (None: no video): adding a NOT NULL column rebuilds the table on SQLite, and with it
    # the search triggers; a nullable one is a plain ALTER TABLE ADD COLUMN.
    video_url = models.CharField(  # noqa: DJ001
        _("video"),
        max_length=500,
        null=True,
        blank=True,
        validators=[validate_video_url],
        help_text=_("The address of a YouTube or Vimeo video, as you copy it from the video's page."),
    )
    # PROTECT: a photo a story shows cannot be deleted from the library under it. Nullable, so adding
    # it is a plain ALTER TABLE on SQLite (no rebuild that would drop the search triggers).
    lead_photo = models.ForeignKey(
        "photos.Photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_stories",
        verbose_name=_("lead photo"),
        help_text=_(
            "Shown at the top of the story, on its cards and when it is shared; the poster of its video. "
            "Search the photo library by caption."
        ),
    )
    hashtags = models.ManyToManyField(
        Hashtag, through="StoryHashtag", blank=True, related_name="stories", verbose_name=_("hashtags")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, db_index=True, help_text=_("The dateline. Stories publish at this time.")
    )
    comments_enabled = models.BooleanField(
        _("comments open"), default=True, help_text=_("Untick to close the comment section of this story.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    english_edited_at = models.DateTimeField(
        _("English text edited"),
        null=True,
        editable=False,
        help_text=_("When the English headline, intro or body last changed."),
    )
    korean_edited_at = models.DateTimeField(
        _("Korean text edited"),
        null=True,
        editable=False,
        help_text=_("When the Korean text last changed or an editor confirmed it up to date."),
    )
    page_version = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Changes whenever the story page shows something new.")
    )
    # Roles: whose story this is. Set by the admin on creation; imported stories have none (editors' stories).
    # Nullable, so adding it does not rebuild the table (and drop the search triggers) on SQLite.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [
            ("submit_story", _("Can submit a story for review")),
            ("publish_story", _("Can publish and schedule stories")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="published_story_has_publication_time",
            ),
            http_url_constraint("source_url", "story_source_is_http"),
        ]
        # The listings (`published()`, newest first: `-published_at, -id`), each in the index's order to
        # the last column: SQLite then reads a page without sorting every story before it, counts a
        # section's or an outlet's stories in its index, and skips a deep page's OFFSET rows without
        # computing their cards' subqueries (README "Benchmarks", "Large archives"). Migration 0026.
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="story_listing_idx"),
            models.Index(fields=["reporter_slug", "status", "-published_at", "-id"], name="story_reporter_idx"),
            models.Index(fields=["section", "status", "-published_at", "-id"], name="story_section_idx"),
            models.Index(fields=["outlet", "status", "-published_at", "-id"], name="story_outlet_idx"),
        ]

    def __str__(self):
        return self.headline

    # Set to True before save() when an editor (or an import carrying both languages) vouches that
    # the Korean text matches the English: korean_edited_at then moves with the save.
    korean_confirmed = False

    def save(self, *args, **kwargs):
        self.reporter_slug = name_slug(self.reporter, self._meta.get_field("reporter_slug").max_length)
        stamped = self.stamp_text_edits(kwargs.get("update_fields"))
        saved_fields = kwargs.get("update_fields")
        bodies_saved = saved_fields is None or bool(set(BODY_FIELDS) & set(saved_fields))
        adding = self._state.adding
        if kwargs.get("update_fields") is not None:
            saved = set(kwargs["update_fields"])
            plain = [BODY_FIELDS[name] for name in BODY_FIELDS if name in saved]
            kwargs["update_fields"] = {*saved, "reporter_slug", *stamped, *plain}
        elif not self._state.adding and not kwargs.get("force_insert"):
            # Every field but the version: writing the one in memory would take the stored version back
            # to what it was when this object was read, and a page cached at that number would be served
            # again. (Moved below, in the database; the number in memory may lag behind it.)
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "page_version"
            ]
        super().save(*args, **kwargs)
        self.korean_confirmed = False
        if bodies_saved:
            self.link_body_photos(adding)
        # In the database, not in memory: two saves at once still give two new versions. Stories
        # sharing a hashtag list this one among their related stories, so their pages move on too.
        Story.objects.filter(pk=self.pk).with_related().bump_page_version()

    def get_absolute_url(self):
        return reverse("articles:story", kwargs={"slug": self.slug})

    def set_hashtags(self, tags):
        """Make `tags` (saved Hashtags, in the order written; repeats dropped) this story's hashtags.

        The pages that list the story among their related stories move on: those sharing a hashtag
        with it before (each deleted link, `receivers.story_hashtags_changed`) and after (here:
        `bulk_create` sends no signal). For the importers; the admin saves links one by one.
        """
        unique = list({tag.pk: tag for tag in tags}.values())
        self.hashtag_links.all().delete()
        StoryHashtag.objects.bulk_create(
            StoryHashtag(story=self, hashtag=tag, position=position) for position, tag in enumerate(unique)
        )
        Story.objects.filter(pk=self.pk).with_related().bump_page_version()

    def get_reporter_url(self):
        """The page of every story under this byline (None when the byline makes no slug)."""
        if not self.reporter_slug:
            return None
        return reverse("articles:reporter", kwargs={"slug": self.reporter_slug})

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.slug:
            self.slug = slugify(self.headline)[:200].strip("-")
            if not self.slug:
                raise ValidationError(
                    {"slug": _("Enter a slug: the headline has no Latin letters or digits to make one.")}
                )

    @property
    def is_scheduled(self):
        """Published, with a publication time still to come: the public sees it from then on."""
        published = self.status == self.Status.PUBLISHED
        return published and self.published_at is not None and self.published_at > timezone.now()

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def dateline(self):
        """The publication time in the outlet's own zone (None for an undated draft)."""
        if self.published_at is None:
            return None
        return timezone.localtime(self.published_at, self.outlet.zone)

    def stamp_text_edits(self, update_fields=None):
        """Set english_edited_at / korean_edited_at to now where this save changes that language's text.

        Compares the fields with the stored row (one query; none for a new story, whose text is
        all new). A save that changes both languages, or that is confirmed (`korean_confirmed`),
        stamps both with the same moment: not stale. Returns the names of the fields it set.
        """
        saved = set(update_fields) if update_fields is not None else None
        english = [name for name in ENGLISH_TEXT_FIELDS if saved is None or name in saved]
        korean = [name for name in KOREAN_TEXT_FIELDS if saved is None or name in saved]
        stored = None
        if self.pk is not None and (english or korean):
            stored = Story.objects.filter(pk=self.pk).values(*english, *korean).first()

        def comparable(name, value):
            # Both sides cleaned: a row stored before a cleaning rule (CR LF line breaks) is not an edit.
            # A body compares as its text: bold, a link's address or a plain body made HTML changes no words.
            value = clean_stored_text(value or "")
            return body_text(value) if name in BODY_FIELDS else value

        def changed(names):
            if stored is None:
                return bool(names)
            return any(comparable(name, getattr(self, name)) != comparable(name, stored[name]) for name in names)

        now = timezone.now()
        stamped = []
        if changed(english):
            self.english_edited_at = now
            stamped.append("english_edited_at")
        if changed(korean) or self.korean_confirmed:
            self.korean_edited_at = now
            stamped.append("korean_edited_at")
        return stamped

    def store_bodies(self):
        """Clean both bodies into the rich-text format and fill their plain-text columns (`BODY_FIELDS`).

        Called before every save, raw ones too (`receivers.store_clean_bodies`): the admin, the
        importer, the shell and a revision written back all store cleaned HTML (a plain-text body,
        as every body was before the format and old revisions still hold, becomes paragraphs).
        """
        for name, plain in BODY_FIELDS.items():
            html = clean_body_html(getattr(self, name))
            setattr(self, name, html)
            setattr(self, plain, body_text(html))

    def link_body_photos(self, adding=False):
        """Make the story's `StoryBodyPhoto` rows the photos its bodies place (of those in the library).

        Called by every save() that writes a body: the rows keep a placed photo from being deleted
        and say whose pages move on when it is edited. The page itself reads the bodies
        (articles/body_photos.py), so a photo missing from the library shows nothing there. One query
        when nothing changed, none for a new story without photos. `adding`: the story was just inserted.
        """
        placed = {photo_id for name in BODY_FIELDS for photo_id in photo_ids(getattr(self, name))}
        linked = set() if adding else set(self.body_photo_links.values_list("photo_id", flat=True))
        if placed == linked:
            return
        if linked - placed:
            self.body_photo_links.filter(photo_id__in=linked - placed).delete()
        if placed - linked:
            photo_model = StoryBodyPhoto._meta.get_field("photo").related_model
            in_library = photo_model.objects.filter(pk__in=placed - linked).values_list("pk", flat=True)
            StoryBodyPhoto.objects.bulk_create(
                [StoryBodyPhoto(story=self, photo_id=photo_id) for photo_id in in_library], ignore_conflicts=True
            )

    @property
    def has_korean_text(self):
        """True when any Korean field (headline, intro, body) holds more than white space."""
        return has_body_text(self.body_ko) or any(has_text(getattr(self, name)) for name in ("headline_ko", "intro_ko"))

    @property
    def korean_is_stale(self):
        """True when the English text changed after the Korean text was last edited or confirmed.

        A story with no Korean text is never stale (it is English only). Stories saved before
        the timestamps existed have no english_edited_at: not stale until their English changes.
        """
        if not self.has_korean_text or self.english_edited_at is None:
            return False
        return self.korean_edited_at is None or self.korean_edited_at < self.english_edited_at

    def text_for(self, language):
        """The story's text as a page in `language` ("en", "ko") shows it: an `articles.languages.StoryText`.

        The one place that picks Korean or English, part by part (headline, intro, body,
        summary), and says whether the Korean text may be stale. No query.
        """
        return story_text(self, language)

    @property
    def video(self):
        """The story's `articles.video.Video`, or None (no address, or one stored by a path that skipped validation)."""
        try:
            return parse_video_url(self.video_url) if self.video_url else None
        except VideoAddressError:
            return None


class ListingsVersion(models.Model):
    """The version of every page that lists stories (home, hashtags, sections, outlets, reporters,
    corrections, feeds, sitemaps, search), for the page cache's keys (`articles.page_cache`).

    One row, whose token is new whenever a story's `page_version` moves (`bump_page_version`) or a
    front-page pin changes (`receivers`), in the same transaction as the change. A random token,
    not a counter: a counter would repeat after a restore or a test's rollback and bring back keys
    whose pages may still be in the cache. The row is made by the first change; until then the
    pages are cached under "" (`current`).
    """

    ROW = 1
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("listings version")

    def __str__(self):
        return self.token

    @classmethod
    def move(cls):
        """A new token, in the current transaction (one UPDATE; an INSERT the first time)."""
        token = uuid.uuid4().hex
        if cls.objects.filter(pk=cls.ROW).update(token=token):
            return
        try:
            with transaction.atomic():
                cls.objects.create(pk=cls.ROW, token=token)
        except IntegrityError:
            cls.objects.filter(pk=cls.ROW).update(token=token)

    @classmethod
    def current(cls):
        """The token now ("" before the first change)."""
        return cls.objects.filter(pk=cls.ROW).values_list("token", flat=True).first() or ""


class FrontPagePinQuerySet(models.QuerySet):
    def showing(self, now=None):
        """Pins readers see at `now` (aware; default the clock's): not lapsed, their story public.

        Lead first, then the featured pins by position; each pin's story with what a card shows
        (`story_has_corrections`: the card's "Corrected" mark; `story_comment_count`: its "N comments";
        see `pinned_stories()`).
        """
        now = now or timezone.now()
        return (
            self.filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now))
            .annotate(
                story_has_corrections=models.Exists(Correction.objects.filter(story=models.OuterRef("story_id"))),
                story_comment_count=comment_count_of(models.OuterRef("story_id")),
            )
            .filter(story_is_public(now=now))
            .select_related("story__outlet", "story__lead_photo")
            .prefetch_related(
                models.Prefetch(
                    "story__hashtags",
                    queryset=Hashtag.objects.order_by("story_links__position", "story_links__id"),
                )
            )
            .order_by("-slot", "position", "id")
        )


def pinned_stories(pins):
    """The stories of `pins` (FrontPagePin rows from `showing()`), each with `has_corrections` and
    `comment_count` set as `StoryQuerySet.with_correction_flag` and `with_comment_counts` set them on
    the other cards. No query."""
    stories = []
    for pin in pins:
        pin.story.has_corrections = pin.story_has_corrections
        pin.story.comment_count = pin.story_comment_count
        stories.append(pin.story)
    return stories


class FrontPagePin(models.Model):
    """A story an editor put at the top of the front page, as its lead or one of its featured stories."""

    class Slot(models.TextChoices):
        # "lead" sorts after "featured": showing() orders by -slot to put the lead first.
        LEAD = "lead", _("Lead")
        FEATURED = "featured", _("Featured")

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, related_name="front_page_pin", verbose_name=_("story")
    )
    slot = models.CharField(_("place"), max_length=10, choices=Slot.choices, default=Slot.FEATURED)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Featured stories are shown by this number, smallest first.")
    )
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, help_text=_("After this time the pin lapses; empty keeps it until removed.")
    )

    objects = FrontPagePinQuerySet.as_manager()

    class Meta:
        ordering = ["-slot", "position", "id"]
        verbose_name = _("front page pin")
        verbose_name_plural = _("front page pins")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(slot="lead"),
                name="one_lead_pin",
                violation_error_code="one_lead_pin",
                violation_error_message=_("Another story is pinned as the lead: remove or change that pin first."),
            ),
        ]

    def __str__(self):
        return f"{self.get_slot_display()}: {self.story}"

    def validate_constraints(self, exclude=None):
        """As Django's, but a second lead is an error of the "place" field, shown beside it in admin."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            lead = [item for item in general if item.code == "one_lead_pin"]
            rest = [item for item in general if item.code != "one_lead_pin"]
            if lead:
                errors.setdefault("slot", []).extend(lead)
            if rest:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from None

    def clean(self):
        if self.story_id and self.story.status != Story.Status.PUBLISHED:
            raise ValidationError(
                {"story": _("Only a published story can be pinned (a scheduled one shows from its time).")}
            )
        if self.slot == self.Slot.FEATURED and not self.has_lapsed():
            limit = settings.NEWSROOM_FEATURED_STORIES
            others = FrontPagePin.objects.filter(slot=self.Slot.FEATURED).exclude(pk=self.pk)
            current = others.filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=timezone.now()))
            if current.count() >= limit:
                raise ValidationError(
                    ngettext(
                        "The front page features at most %(limit)d story: remove a pin or give one an end time.",
                        "The front page features at most %(limit)d stories: remove a pin or give one an end time.",
                        limit,
                    )
                    % {"limit": limit}
                )

    def has_lapsed(self, now=None):
        """True when the pin's end time (aware) is at or before `now` (default the clock's)."""
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())


class StoryHashtag(models.Model):
    """A hashtag on a story, with its place in the story's hashtag line."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="hashtag_links")
    hashtag = models.ForeignKey(
        Hashtag, on_delete=models.CASCADE, related_name="story_links", verbose_name=_("hashtag")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")
        constraints = [models.UniqueConstraint(fields=["story", "hashtag"], name="unique_hashtag_per_story")]

    def __str__(self):
        return str(self.hashtag)


class StoryBodyPhoto(models.Model):
    """A photo of the library placed in a story's body (either language), kept by `Story.link_body_photos`.

    PROTECT, as for the lead photo: a photo a story shows cannot be deleted under it (the admin names
    the story). `articles.receivers.photo_changed` moves these stories' pages on when the photo changes.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="body_photo_links")
    photo = models.ForeignKey(
        "photos.Photo", on_delete=models.PROTECT, related_name="body_story_links", verbose_name=_("photo")
    )

    class Meta:
        verbose_name = _("photo in a story's body")
        verbose_name_plural = _("photos in stories' bodies")
        constraints = [models.UniqueConstraint(fields=["story", "photo"], name="unique_body_photo_per_story")]

    def __str__(self):
        return str(self.story)


class StoryStatusChange(models.Model):
    """One move of a story through the workflow (draft → in review → scheduled/published): who and when.

    Written by the story admin on a save that changes the status or the publication time of a
    published story, and by its publish/unpublish actions; `changed_by` is empty when the user is gone.
    `published_at` is the story's publication time after the change (UTC), so a move to a future
    time reads as "scheduled".
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("story"))
    old_status = models.CharField(_("from"), max_length=10, choices=Story.Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=10, choices=Story.Status.choices)
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.story_id}: {self.old_status or '-'} → {self.new_status}"

    @property
    def was_scheduling(self):
        """True when the change published the story for a time after the change: it was scheduled."""
        return (
            self.new_status == Story.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > self.changed_at
        )


class CorrectionQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def public(self):
        """Corrections readers may see: those of public stories (`story_is_public`)."""
        return self.filter(story_is_public())

    def for_listing(self):
        """The corrections page and feeds: each with its story and outlet, in one query."""
        return self.select_related("story__outlet").newest_first()


class Correction(models.Model):
    """A published correction of a story: what was wrong, in English and optionally Korean.

    A public record: editors add and change corrections, only superusers delete them
    (README "Corrections"). Saving or deleting one moves its story's `page_version`
    (`receivers.correction_changed`), so cached story pages show it at once. It belongs to one story
    (`Story.corrections`), so a revision history of the story can follow it.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("story"))
    published_at = models.DateTimeField(
        _("date"),
        default=timezone.now,
        help_text=_("The date readers see. Entered in the admin's time zone; pages show it in the outlet's."),
    )
    text = models.TextField(_("correction"), help_text=_("What was wrong and what is right, in English."))
    text_ko = models.TextField(
        _("Korean correction"), blank=True, help_text=_("Optional: Korean pages show the English text without it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["-published_at", "-id"], name="correction_listing_idx")]

    def __str__(self):
        return Truncator(" ".join(self.text.split())).chars(60)

    def get_absolute_url(self):
        """The story's address, at this correction."""
        return f"{self.story.get_absolute_url()}#correction-{self.pk}"

    def clean(self):
        """Refuse a new correction of a story readers cannot see, and a date in the future or before
        the story's publication.

        Only new corrections are checked against the story's state: a story returned to
        draft keeps its corrections, and they must not stop the editor saving it.
        """
        try:
            story = self.story
        except Story.DoesNotExist:
            story = None
        if story is not None and self._state.adding and not story.is_public:
            raise ValidationError(
                _("A correction can be added only to a published story: publish the story first."),
                code="story_not_public",
            )
        if self.published_at is None:
            return
        if self.published_at > timezone.now():
            raise ValidationError(
                {"published_at": _("A correction cannot be dated in the future.")}, code="future_date"
            )
        if story is not None and story.published_at and self.published_at < story.published_at:
            raise ValidationError(
                {"published_at": _("A correction cannot be dated before the story was published.")},
                code="before_publication",
            )

    @property
    def dateline(self):
        """The correction's date in the story's outlet's zone (what the `dateline` filter shows)."""
        return timezone.localtime(self.published_at, self.story.outlet.zone)

    def text_in(self, language):
        """(text, language of that text) for a page in `language`: Korean when written, else English."""
        if language == "ko" and has_text(self.text_ko):
            return self.text_ko, "ko"
        return self.text, "en"


# The WordPress import's own records (sites, posts, old addresses) live beside its code; imported
# here, after the models they point at, so that Django registers them with this app.
from .wordpress.records import ImportedPost, ImportedSite, OldAddress  # noqa: E402, F401
