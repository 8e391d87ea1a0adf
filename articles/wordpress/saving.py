"""Save a WordPress export's posts as stories: the step after reading (issue 10). ORM here; the
reader, the index and the converter stay pure.

The command (`import_wordpress`) indexes every file first (`index.index_export`: a malformed file
fails before anything is written), then reads each again and hands each post to
`SiteImport.save_post` inside a transaction of its own: a post that fails is reported and the
others go on. For each post:

1. Its story is found by the site and post id (`ImportedPost`). A story deleted here since is left
   out (unless `overwrite`).
2. The content is converted (`convert_post_content`) and the story it would give is planned: text
   in the post's language (a Korean post, by `is_korean`, fills the Korean headline, intro and body;
   its English headline, which the model requires, repeats the Korean one, and its English intro
   and body stay empty: English pages show it in Korean, `articles.languages.story_text`), status,
   time, byline, section and hashtags (`terms`), lead photo and body photos from the uploads folder
   (`photos`), the first YouTube/Vimeo video as the story's video, sticky → pinned. Without an
   uploads folder a story imported before keeps its photos: its lead photo, and its body photos
   in their order for the post's images with the same alt text (a story with photos left over,
   the post's images having changed, is kept as it is, counted).
3. `story_fingerprint` of the plan is compared with the one stored at the last import and with the
   story as it is now: the same plan → unchanged; a story still as the import left it (or
   `overwrite`) → updated, as a revision; a story edited here since → kept as it is.
4. Its old addresses are remembered (`OldAddress`), and the `wordpress_post_imported` signal lets
   the comments app import the post's comments in the same transaction.

A dry run plans the same way and writes nothing (each post's transaction is rolled back as well,
in case), so it prints the same counts.
"""

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from photos.models import Photo

from .. import revisions  # noqa: F401 - registers Story with reversion
from ..importing import unique_slug
from ..languages import written_language
from ..models import (
    FrontPagePin,
    Hashtag,
    Section,
    Story,
    hashtag_slug,
    mostly_hangul,
    unique_section_slug,
)
from ..rich_text import PLACED_PHOTO, body_text
from ..signals import wordpress_post_imported
from ..text import clean_stored_text, comparable_text
from .content import convert_post_content
from .html_tree import plain_text
from .items import comment_feed_addresses, old_addresses
from .photos import LibraryPhoto, PhotoWords
from .plan import StoryPlan, first_video, image_blocks, promote_headings, story_fingerprint, story_state
from .records import ImportedPost, ImportedSite, OldAddress, address_key
from .tally import COMMENT, HASHTAG, IMPORTED, OLD_ADDRESS, PHOTO, PIN, POST, SECTION, UNCHANGED, UPDATED
from .terms import DEFAULT_CATEGORY, SECTION_NAME_LENGTH, category_paths, hashtag_name, post_terms, tag_path

PAGE, FEED, COMMENTS, SEARCH = (
    OldAddress.Kind.PAGE,
    OldAddress.Kind.FEED,
    OldAddress.Kind.COMMENTS,
    OldAddress.Kind.SEARCH,
)
HEADLINE_LENGTH = 300
REPORTER_LENGTH = 120

# Skip reasons and what the body lost, as the report prints them.
SKIP_SINCE = "older than --since"
SKIP_DELETED = "its story was deleted here since the last import (--overwrite brings it back)"
SKIP_EDITED = "its story was edited here since the last import (kept; --overwrite replaces it)"
SKIP_NOT_PINNED = "sticky posts not pinned: the front page's featured places are taken"
SKIP_ADDRESS_TAKEN = "the address leads to a page of another imported site already"
SKIP_PHOTOS_UNKNOWN = (
    "its story was kept as it is: the post's images changed and its photos cannot be matched "
    "without the --uploads folder (re-run with --uploads to update it)"
)
KEPT_PHOTOS = "photos kept as their stories had them (no --uploads folder given)"
DROPPED_NO_UPLOADS = "image not imported: no --uploads folder given"
DROPPED_MISSING = "image not imported: its file is not in the uploads folder"
DROPPED_REFUSED = "image not imported: the file was refused by the photo checks"
DROPPED_ELSEWHERE = "image from another site (not in the uploads folder)"
DROPPED_HEADLINE = f"headline shortened to {HEADLINE_LENGTH} characters"
DROPPED_HEADINGS = "subheading made second-level (the post had no second-level one)"


@dataclass
class ImportOptions:
    """How to import: `outlet` (an Outlet) and `zone` (a tzinfo: the WordPress site's), `photos` (a
    `photos.PhotoImporter`), `since` (aware datetime or None: leave out posts last changed before),
    `dry_run` and `overwrite` (bools)."""

    outlet: object
    zone: dt.tzinfo
    photos: object
    since: dt.datetime | None = None
    dry_run: bool = False
    overwrite: bool = False
    # The address of a site imported before (`ImportedSite.address`) whose posts these are, under
    # a home address that changed since (`--site`); None: the export's own address says.
    site_address: str | None = None


def site_address(site):
    """The identity of a WordPress site (an items.WordPressSite): its home address without scheme,
    host in lower case, path decoded, no trailing slash ("harbour.example", "old.example/blog")."""
    link = site.link or site.base_blog_url or site.base_site_url
    try:
        parts = urlsplit(link)
        host = (parts.hostname or "").lower()
        path = unquote(parts.path).rstrip("/")
    except ValueError:
        host, path = "", ""
    return f"{host}{path}" or site.title or "wordpress"


def library_photo(photo):
    """A `photos.LibraryPhoto` of `photo` (a saved Photo), as `PhotoImporter.find` gives one."""
    return LibraryPhoto(photo.checksum, photo.image.url, photo.caption or photo.caption_ko, photo)


PLACED_ALT = re.compile(r'\balt="([^"]*)"')


def body_photos(body):
    """[(LibraryPhoto, alt)] of the photos a stored body (str) shows, in its order (photos deleted
    since left out; alt as the body gives it, unescaped)."""
    placed = []
    for match in PLACED_PHOTO.finditer(body or ""):
        alt = PLACED_ALT.search(match.group(0))
        placed.append((int(match.group(1)), html.unescape(alt.group(1)) if alt else ""))
    found = Photo.objects.in_bulk({number for number, _alt in placed})
    return [(library_photo(found[number]), alt) for number, alt in placed if number in found]


def given_site_address(text):
    """A site's address as typed for `--site` ("https://www.harbour.example/", "harbour.example")
    in the form `site_address` gives (host in lower case, path decoded, no trailing slash)."""
    text = text.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        return f"{(parts.hostname or '').lower()}{unquote(parts.path).rstrip('/')}"
    except ValueError:
        return text


def moved_from(index, address, *, least=0.5):
    """The ImportedSite (another address than `address`, a str) whose old addresses hold at least
    `least` (a fraction) of the post permalinks of `index` (an ExportIndex), or None: the same site
    exported again after its home address changed (`www.`, `old.`, a new domain), which imported as a
    new site would bring every post and comment in a second time. One query per 500 permalinks."""
    paths = sorted(index.post_paths)
    if not paths:
        return None
    found = {}
    for start in range(0, len(paths), 500):
        rows = OldAddress.objects.filter(
            key__in=[address_key(clean_stored_text(path)) for path in paths[start : start + 500]],
            site__isnull=False,
        ).exclude(site__address=address)
        for site_id in rows.values_list("site_id", flat=True):
            found[site_id] = found.get(site_id, 0) + 1
    if not found:
        return None
    site_id, count = max(found.items(), key=lambda pair: pair[1])
    return ImportedSite.objects.get(pk=site_id) if count >= least * len(paths) else None


def site_prefix(site):
    """The folder WordPress lived in ("" at the root, "/blog"), for the addresses of its pages."""
    try:
        return unquote(urlsplit(site.link).path).rstrip("/")
    except ValueError:
        return ""


def site_language(site):
    """ "ko" for a site whose export says Korean (`<language>` ko, ko-KR), else "en"."""
    return "ko" if (site.language or "").lower().startswith("ko") else "en"


class SiteImport:
    """The save step for one export (`index`, an `index.ExportIndex`) with `options`
    (`ImportOptions`). `begin()` once before the posts, `save_post(post, tally)` for each (inside the
    caller's transaction), `finish(tally)` once after them (its own transaction)."""

    def __init__(self, index, options):
        self.index = index
        self.options = options
        self.site = index.site
        self.address = options.site_address or site_address(self.site)
        self.prefix = site_prefix(self.site)
        self.language = site_language(self.site)
        self.record = ImportedSite.objects.filter(address=self.address).first()
        # A dry run makes nothing: what earlier posts of the run would have made, by name.
        self.planned = set()
        self.planned_pins = 0

    # The site.

    def begin(self):
        """Record the site (a real run): made the first time, its title, outlet and language kept current."""
        if self.options.dry_run:
            return
        values = {
            "title": self.site.title[:300],
            "outlet": self.options.outlet,
            "language": self.language,
            "last_imported_at": timezone.now(),
        }
        self.record, _ = ImportedSite.objects.update_or_create(address=self.address, defaults=values)

    # One post.

    def save_post(self, post, tally):
        """Import `post` (an items.Post) and its comments, counting into `tally`. Raises what makes
        the post fail (ContentConversionError, ValidationError, DatabaseError): the caller's
        transaction is then rolled back and the post reported."""
        options = self.options
        changed = post.modified_at or post.published_at
        if options.since and changed and changed < options.since:
            tally.skip(POST, SKIP_SINCE)
            tally.skip(COMMENT, SKIP_SINCE, len(post.comments))
            return
        mapping = self.mapping(post.id)
        story = mapping.story if mapping else None
        if mapping and story is None and not options.overwrite:
            tally.skip(POST, SKIP_DELETED)
            tally.skip(COMMENT, SKIP_DELETED, len(post.comments))
            return
        plan = self.plan(post, story, tally)
        planned = story_fingerprint(plan.state())
        if story is None:
            outcome = IMPORTED
        elif mapping.fingerprint == planned:
            outcome = UNCHANGED
            if options.overwrite and story_fingerprint(story_state(story)) != planned:
                outcome = UPDATED
        elif options.overwrite or story_fingerprint(story_state(story)) == mapping.fingerprint:
            outcome = UPDATED
        else:
            outcome = None
        reason = SKIP_EDITED
        if outcome == UPDATED and plan.photos_unmatched:
            outcome, reason = None, SKIP_PHOTOS_UNKNOWN
        if outcome is None:
            tally.skip(POST, reason)
        else:
            tally.add(POST, outcome)
        if outcome in (UPDATED, UNCHANGED):
            tally.skip(PHOTO, KEPT_PHOTOS, plan.kept_photos)
        if outcome in (IMPORTED, UPDATED):
            tally.dropped.update(plan.dropped)
            story = self.write_story(post, plan, story, mapping, tally)
        if story is not None or options.dry_run:
            self.remember_post_addresses(post, story, plan, tally)
        wordpress_post_imported.send(
            sender=Story,
            story=story,
            post=post,
            site=self.record,
            tally=tally,
            dry_run=options.dry_run,
            overwrite=options.overwrite,
        )

    def mapping(self, post_id):
        if self.record is None:
            return None
        return ImportedPost.objects.filter(site=self.record, wordpress_id=post_id).select_related("story").first()

    def plan(self, post, story, tally):
        """The `StoryPlan` of `post` (`story`: its story, or None for a new one). Writes nothing."""
        converted = convert_post_content(
            post.content, attachments=self.index.attachments, post_id=post.id, base_url=self.site.link
        )
        dropped = Counter(converted.dropped)
        dropped[DROPPED_HEADINGS] += promote_headings(converted.blocks)
        title = post.title.strip() or f"WordPress post {post.id}"
        if len(title) > HEADLINE_LENGTH:
            title = title[: HEADLINE_LENGTH - 1].rstrip() + "…"
            dropped[DROPPED_HEADLINE] += 1
        intro = plain_text(post.excerpt).strip()
        korean = self.is_korean(title, converted.body_html)
        author = self.index.authors.get(post.author_login)
        byline = (author.byline if author else post.author_login)[:REPORTER_LENGTH].strip()
        video_url = first_video(converted.embeds)
        # A Korean post fills the Korean fields. The English headline is required: it repeats the
        # Korean one, which pages take for no English headline (`Story.text_for`); the English
        # intro and body stay empty, and English pages show the Korean text, marked as Korean.
        values = {
            "headline": title,
            "headline_ko": title if korean else "",
            "intro": "" if korean else intro,
            "intro_ko": intro if korean else "",
            "body": "",
            "body_ko": "",
            "reporter": byline,
            "status": post.story_status,
            "published_at": post.published_at,
            "comments_enabled": post.comments_open,
            "video_url": video_url,
        }
        # Without an uploads folder, a story imported before keeps the photos it has (in order).
        keeping = story is not None and self.options.photos.uploads is None
        kept = body_photos(story.body_ko if korean else story.body) if keeping else []
        kept_count = 0
        images, photos = {}, []
        for block in image_blocks(converted.blocks):
            reference = block.reference
            attachment = self.index.attachment_for(reference)
            found = self.find_photo(attachment.file if attachment else reference.uploads_path, attachment, reference)
            alt = reference.alt or (attachment.alt if attachment else "")
            if found == DROPPED_NO_UPLOADS and kept:
                # The story's next photo, if it has this image's alt: else this image gave no photo before.
                photo, placed_alt = kept[0]
                if placed_alt == (alt or photo.caption):
                    found = photo
                    kept.pop(0)
                    kept_count += 1
            if isinstance(found, str):
                dropped[found] += 1
                continue
            images[id(block)] = (found, alt or found.caption)
            photos.append(found)
        # Photos left over: the post's images changed, and without the files nothing tells which is which.
        unmatched = bool(kept)
        lead = None
        if post.thumbnail_id in self.index.attachments:
            attachment = self.index.attachments[post.thumbnail_id]
            found = self.find_photo(attachment.file, attachment, None)
            if found == DROPPED_NO_UPLOADS and keeping and story.lead_photo_id:
                found = library_photo(story.lead_photo)
                kept_count += 1
            if not isinstance(found, str):
                lead = found
                photos.append(found)
        section_name, hashtags = post_terms(post, self.index.categories)
        plan = StoryPlan(
            values=values,
            section=self.find_section(section_name),
            hashtags=hashtags,
            lead=lead,
            photos=photos,
            blocks=converted.blocks,
            images=images,
            korean=korean,
            pinned=self.plan_pin(post, story, tally),
            dropped=dropped,
            kept_photos=kept_count,
            photos_unmatched=unmatched,
        )
        plan.write_body()
        return plan

    def is_korean(self, title, body_html):
        """Whether a post is in Korean: its title and text mostly Korean words, or undecided (no
        words either way) on a site whose export says Korean (`<language>ko-KR`)."""
        language = written_language(f"{title}\n{body_text(body_html)}")
        return language == "ko" or (language is None and self.language == "ko")

    def find_photo(self, relative, attachment, reference):
        """The photos.LibraryPhoto of an uploads file, or the reason (str) the image is left out."""
        if not relative:
            return DROPPED_ELSEWHERE
        photos = self.options.photos
        words = PhotoWords(
            alt=(attachment.alt if attachment else "") or (reference.alt if reference else ""),
            caption=(attachment.caption if attachment else "") or (reference.caption if reference else ""),
            title=attachment.title if attachment else "",
        )
        found = photos.find(relative, words)
        if found is not None:
            return found
        if photos.uploads is None:
            return DROPPED_NO_UPLOADS
        return DROPPED_REFUSED if relative in photos.refused else DROPPED_MISSING

    def find_section(self, name):
        """The Section a category name files under (by name as readers see it, English or Korean),
        else the name of the section to make; None for no name."""
        if not name:
            return None
        wanted = comparable_text(name)
        for section in Section.objects.all():
            if wanted in (comparable_text(section.name), comparable_text(section.name_ko)):
                return section
        return name

    def plan_pin(self, post, story, tally):
        """Whether the story is to be pinned: a sticky post published here, while the front page has
        a featured place (NEWSROOM_FEATURED_STORIES) for it, or already pinned."""
        if not post.sticky or post.story_status != Story.Status.PUBLISHED:
            return False
        if story is not None and FrontPagePin.objects.filter(story=story).exists():
            return True
        now = timezone.now()
        current = FrontPagePin.objects.filter(slot=FrontPagePin.Slot.FEATURED).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )
        if current.count() + self.planned_pins >= settings.NEWSROOM_FEATURED_STORIES:
            tally.skip(PIN, SKIP_NOT_PINNED)
            return False
        if self.options.dry_run:
            self.planned_pins += 1
        return True

    # Writing.

    def write_story(self, post, plan, story, mapping, tally):
        """Save the story `plan` describes (a new one when `story` is None) as a revision, with its
        section, hashtags, photos and pin; record its fingerprint. Returns the story (None in a dry
        run of a new story)."""
        photos = self.options.photos
        for photo in plan.photos:
            if photos.make(photo):
                tally.add(PHOTO, IMPORTED)
        plan.write_body()
        section = self.section_for(plan.section, tally)
        tags = [self.hashtag_for(name, tally) for name in plan.hashtags]
        if self.options.dry_run:
            return story
        created = story is None
        if created:
            base = slugify(post.slug)[:200].strip("-") or slugify(plan.values["headline"])[:200].strip("-")
            story = Story(slug=unique_slug(base or f"post-{post.id}"), outlet=self.options.outlet)
        with reversion.create_revision(manage_manually=True, atomic=False):
            reversion.set_comment(f"imported from WordPress: {self.site.title or self.address}, post {post.id}")
            for name, value in plan.values.items():
                setattr(story, name, value)
            story.section = section
            story.lead_photo = plan.lead.photo if plan.lead else None
            # One language: what the post says in it is its whole text, so nothing is stale.
            story.korean_confirmed = plan.korean
            # A Korean post has no English body (its text is the Korean body).
            story.full_clean(exclude=["body"] if plan.korean else None)
            story.save()
            story.set_hashtags(tags)
            self.write_pin(story, plan.pinned)
            reversion.add_to_revision(story)
        fingerprint = story_fingerprint(story_state(Story.objects.select_related("lead_photo").get(pk=story.pk)))
        if mapping is None:
            ImportedPost.objects.create(site=self.record, wordpress_id=post.id, story=story, fingerprint=fingerprint)
        else:
            mapping.story, mapping.fingerprint, mapping.imported_at = story, fingerprint, timezone.now()
            mapping.save()
        return story

    def section_for(self, planned, tally):
        """The Section for a plan's `section` (a Section, a name to make, or None)."""
        if planned is None or isinstance(planned, Section):
            return planned
        if self.options.dry_run:
            if ("section", planned) not in self.planned:
                self.planned.add(("section", planned))
                tally.add(SECTION, IMPORTED)
            return None
        last = Section.objects.aggregate(models.Max("position"))["position__max"]
        section = Section(
            name=planned,
            name_ko=planned if mostly_hangul(planned) else "",
            slug=unique_section_slug(planned),
            position=(last or 0) + 1,
        )
        section.full_clean()
        section.save()
        tally.add(SECTION, IMPORTED)
        return section

    def hashtag_for(self, name, tally):
        """The Hashtag called `name` (the one with its slug, or a new one); None in a dry run of a new one."""
        tag = Hashtag.objects.filter(slug=hashtag_slug(name)).first()
        if tag is not None:
            return tag
        if self.options.dry_run:
            if ("hashtag", hashtag_slug(name)) not in self.planned:
                self.planned.add(("hashtag", hashtag_slug(name)))
                tally.add(HASHTAG, IMPORTED)
            return None
        tag = Hashtag(name=name)
        tag.full_clean()
        tag.save()
        tally.add(HASHTAG, IMPORTED)
        return tag

    def write_pin(self, story, pinned):
        pin = FrontPagePin.objects.filter(story=story).first()
        if pinned and pin is None:
            last = FrontPagePin.objects.aggregate(models.Max("position"))["position__max"]
            pin = FrontPagePin(story=story, slot=FrontPagePin.Slot.FEATURED, position=(last or 0) + 1)
            pin.full_clean()
            pin.save()
        elif not pinned and pin is not None:
            pin.delete()

    # Old addresses.

    def remember_post_addresses(self, post, story, plan, tally):
        language = "ko" if plan.korean else self.language
        self.remember(old_addresses(post, self.site), tally, story=story, language=language)
        self.remember(comment_feed_addresses(post, self.site), tally, kind=COMMENTS, story=story, language=language)

    def remember(self, paths, tally, *, kind=PAGE, language=None, story=None, section=None, hashtag=None):
        """Make `paths` (decoded paths) lead to the story, section or hashtag given (or, with none,
        the site's feed or home): new ones added, this site's others pointed there, another site's
        left as they are (counted). A dry run counts the same and writes nothing (a story, section
        or hashtag still to be made is None then)."""
        language = language or self.language
        keyed = {}
        for path in paths:
            cleaned = clean_stored_text(path)
            keyed[address_key(cleaned)] = cleaned
        target = (kind, getattr(story, "pk", None), getattr(section, "pk", None), getattr(hashtag, "pk", None))
        site_id = self.record.pk if self.record else None
        dry_run = self.options.dry_run
        for row in OldAddress.objects.filter(key__in=list(keyed)):
            keyed.pop(row.key)
            if row.site_id != site_id:
                tally.skip(OLD_ADDRESS, SKIP_ADDRESS_TAKEN)
            elif (row.kind, row.story_id, row.section_id, row.hashtag_id) == target and row.language == language:
                tally.add(OLD_ADDRESS, UNCHANGED)
            else:
                tally.add(OLD_ADDRESS, UPDATED)
                if not dry_run:
                    row.kind, row.language = kind, language
                    row.story, row.section, row.hashtag = story, section, hashtag
                    row.save()
        tally.add(OLD_ADDRESS, IMPORTED, len(keyed))
        if dry_run:
            return
        OldAddress.objects.bulk_create(
            OldAddress(
                key=key,
                path=path,
                site=self.record,
                kind=kind,
                language=language,
                story=story,
                section=section,
                hashtag=hashtag,
            )
            for key, path in keyed.items()
        )

    def finish(self, tally):
        """After the posts: the site's feed (`/feed/`, `/?feed=rss2`) and search (`/?s=`), and the
        pages and feeds of the categories and tags that became sections and hashtags (`/category/x/`,
        `/?cat=<id>`, `/tag/x/`, `/?tag=x`, each with its feed), lead to ours (a top category to its
        section, a sub-category and a tag to their hashtag)."""
        prefix = self.prefix
        feeds = [f"{prefix}/feed/", f"{prefix}/feed/rss2/", f"{prefix}/feed/atom/", f"{prefix}/?feed"]
        self.remember(feeds, tally, kind=FEED)
        self.remember([f"{prefix}/?s"], tally, kind=SEARCH)
        categories = self.index.categories
        for slug, category in categories.items():
            if not slug or slug == DEFAULT_CATEGORY or not category.name:
                continue
            pages = category_paths(slug, categories, prefix)
            if category.term_id is not None:
                pages.append(f"{prefix}/?cat={category.term_id}")
            if category.parent:
                found, hashtag = self.existing_hashtag(hashtag_name(category.name))
                if found:
                    self.remember_term(pages, tally, hashtag=hashtag)
                continue
            section = self.find_section(category.name[:SECTION_NAME_LENGTH].strip())
            if isinstance(section, Section):
                self.remember_term(pages, tally, section=section)
            elif section and ("section", section) in self.planned:
                self.remember_term(pages, tally)
        for slug, tag in self.index.tags.items():
            found, hashtag = self.existing_hashtag(hashtag_name(tag.name))
            if found and slug:
                self.remember_term([tag_path(slug, prefix), f"{prefix}/?tag={slug}"], tally, hashtag=hashtag)

    def existing_hashtag(self, name):
        """(found, Hashtag or None): a hashtag of that name exists (or, in a dry run, would)."""
        if not name:
            return False, None
        hashtag = Hashtag.objects.filter(slug=hashtag_slug(name)).first()
        return hashtag is not None or ("hashtag", hashtag_slug(name)) in self.planned, hashtag

    def remember_term(self, pages, tally, *, section=None, hashtag=None):
        """Make a term's `pages` (its paths, and its `/?cat=` or `/?tag=` address) and their feeds
        (`/category/x/feed/`, `/?cat=3&feed`) lead to the section or hashtag page and feed."""
        self.remember(pages, tally, section=section, hashtag=hashtag)
        feeds = [f"{page}&feed" if "?" in page else f"{page}feed/" for page in pages]
        self.remember(feeds, tally, kind=FEED, section=section, hashtag=hashtag)
