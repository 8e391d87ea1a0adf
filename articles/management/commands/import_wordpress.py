"""Import a WordPress site from its exports: `manage.py import_wordpress EXPORT.xml [EXPORT2.xml ...]`.

Wires the reader (`articles.wordpress`: `index_export`, `read_export`) to the save step
(`articles.wordpress.saving.SiteImport`) and prints. Every file is read through first: one that
is malformed stops the command before anything is written. Then each post is imported with its
comments in a transaction of its own; one that fails is reported with its WordPress id and line,
and the others go on. README "Moving from WordPress".
"""

import datetime as dt
import sys
import time
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from articles.import_files import read_through
from articles.models import Outlet
from articles.wordpress import ContentConversionError, Post, Skipped, WordPressExportError, read_export
from articles.wordpress.index import index_export
from articles.wordpress.photos import PhotoImporter, uploads_folder
from articles.wordpress.records import ImportedSite
from articles.wordpress.saving import ImportOptions, SiteImport, given_site_address, moved_from, site_address
from articles.wordpress.tally import (
    COMMENT,
    FAILED,
    HASHTAG,
    IMPORTED,
    OLD_ADDRESS,
    PHOTO,
    PIN,
    POST,
    SECTION,
    UNCHANGED,
    UPDATED,
    Tally,
)

# What makes one post fail, with a reason of its own. Any other error while converting or saving a
# post (a bug, met on markup nobody foresaw) fails that post too, reported with the error's type: its
# transaction is rolled back and the others go on.
POST_ERRORS = (ContentConversionError, ValidationError, DatabaseError, ValueError)
LISTED_FILES = 20


def failure_reason(error):
    """What to print of the `error` that made a post fail: its reason (`ContentConversionError`), its
    messages (`ValidationError`), else its text; an error not in POST_ERRORS is named as unexpected."""
    reason = getattr(error, "reason", None) or "; ".join(getattr(error, "messages", [])) or str(error)
    if isinstance(error, POST_ERRORS):
        return reason
    return f"unexpected error ({type(error).__name__}: {reason or 'no message'})"


def share_between_files(indexes):
    """`indexes` with what the files of one site hold pooled: a site exported as several files
    (`wp export` splits a large one) may show in one file an attachment listed in another."""
    by_site = {}
    for index in indexes:
        by_site.setdefault(site_address(index.site), []).append(index)
    for group in by_site.values():
        if len(group) < 2:
            continue
        for name in ("authors", "categories", "tags", "attachments", "attachments_by_file"):
            pooled = {}
            for index in group:
                pooled.update(getattr(index, name))
            for index in group:
                setattr(index, name, pooled)
    return indexes


class Command(BaseCommand):
    help = (
        "Import a WordPress site from the files of its Tools → Export (WXR 1.0–1.2): posts become stories, "
        "with their comments, categories (sections), tags (hashtags), photos (from --uploads) and old addresses "
        "(301 redirects). Re-running updates what changed in WordPress and duplicates nothing; stories edited "
        "here since the last import are kept unless --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="EXPORT.xml", help="WordPress export files")
        parser.add_argument("--uploads", metavar="DIR", help="a copy of the site's wp-content/uploads folder")
        parser.add_argument("--outlet", metavar="NAME", help="the stories' outlet (default: the site's name)")
        parser.add_argument(
            "--zone", metavar="ZONE", help="the WordPress site's time zone (IANA, default: the outlet's)"
        )
        parser.add_argument("--since", metavar="DATE", help="only posts published or changed since (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="read and report the same counts, write nothing")
        parser.add_argument("--overwrite", action="store_true", help="replace what editors changed here since")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (none without a terminal)")
        parser.add_argument(
            "--site",
            metavar="ADDRESS",
            help="the address of a site imported before whose posts these are (its home address changed since)",
        )
        parser.add_argument(
            "--new-site",
            action="store_true",
            help="import as a site of its own even where its posts' addresses lead to another imported site",
        )

    def handle(
        self, *args, paths, uploads, outlet, zone, since, dry_run, overwrite, no_progress, site, new_site, **options
    ):
        self.verbosity = options["verbosity"]
        self.progress = not no_progress and sys.stderr.isatty()
        files = [Path(name) for name in paths]
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        try:
            folder = uploads_folder(uploads)
        except NotADirectoryError as error:
            raise CommandError(f"--uploads: {error}") from None

        if dry_run:
            self.stdout.write("Dry run, nothing written.")
        # The index keeps no dates, so the zone it is read in does not matter; the posts are read in the site's.
        indexes = share_between_files([self.read_through(path) for path in files])
        into = self.site_to_import_into(site, new_site, files, indexes)
        outlet_object = self.outlet(outlet or indexes[0].site.title or "WordPress", zone, dry_run)
        site_zone = self.zone_of(zone, outlet) or outlet_object.zone
        since_time = self.since(since, site_zone)

        self.stdout.write(f"Outlet {outlet_object.name}, the WordPress site's time zone {site_zone}.")
        total, failures = Tally(), []
        for path, index in zip(files, indexes, strict=True):
            photos = PhotoImporter(folder, index.site.title or outlet_object.name, dry_run=dry_run)
            options = ImportOptions(
                outlet=outlet_object,
                zone=site_zone,
                photos=photos,
                since=since_time,
                dry_run=dry_run,
                overwrite=overwrite,
                site_address=into,
            )
            tally = self.import_file(path, index, options, failures)
            self.report(path, index, tally, photos)
            total.merge(tally)
        if len(files) > 1:
            self.stdout.write(f"All {len(files)} files: {self.counts(total, POST)}; {self.counts(total, COMMENT)}.")
        if failures:
            raise CommandError(f"{len(failures)} post(s) failed (listed above); the others were imported.")

    # Before writing.

    def site_to_import_into(self, site, new_site, files, indexes):
        """The address of the imported site `--site` names (None without it). Without it, refuses an
        export that is a site imported before under another home address (most of its permalinks
        lead to that site already): imported as a new site, every post and comment would come in a
        second time. `--new-site` imports it as a site of its own all the same."""
        if site and new_site:
            raise CommandError("--site and --new-site exclude each other.")
        if site:
            address = given_site_address(site)
            if not ImportedSite.objects.filter(address=address).exists():
                known = ", ".join(ImportedSite.objects.order_by("address").values_list("address", flat=True)[:10])
                raise CommandError(f"--site: no site {address!r} was imported before (imported: {known or 'none'}).")
            return address
        if new_site:
            return None
        for path, index in zip(files, indexes, strict=True):
            address = site_address(index.site)
            if ImportedSite.objects.filter(address=address).exists():
                continue
            earlier = moved_from(index, address)
            if earlier is not None:
                raise CommandError(
                    f"{path}: most of its posts' addresses lead to {earlier.address}, imported before: the same "
                    f"site under a new home address ({address})? Re-run with --site {earlier.address} to update "
                    "those stories, or --new-site to import them as another site's (nothing was imported)."
                )
        return None

    def zone_of(self, zone, outlet):
        """The zone --zone names (a ZoneInfo), else the existing --outlet's, else None."""
        if zone:
            try:
                return zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise CommandError(f"--zone: {zone!r} is not a known IANA time zone, such as Asia/Seoul.") from None
        found = Outlet.objects.filter(name=outlet).first() if outlet else None
        return found.zone if found else None

    def read_through(self, path):
        """Read `path` through (an `ExportIndex`); CommandError, nothing written, when it is malformed."""
        index = read_through(path, index_export, WordPressExportError, progress=self.progress)
        if index.site is None:
            raise CommandError(f"{path}: not a WordPress export (nothing was imported)")
        return index

    def outlet(self, name, zone, dry_run):
        """The Outlet called `name`; made (zone: --zone, else TIME_ZONE) when there is none yet."""
        name = name.strip()[:120]
        found = Outlet.objects.filter(name=name).first()
        if found is not None:
            return found
        outlet = Outlet(name=name, time_zone=zone or settings.TIME_ZONE)
        try:
            outlet.full_clean()
        except ValidationError as error:
            raise CommandError(f"--outlet: {' '.join(error.messages)}") from None
        if not dry_run:
            outlet.save()
        self.stdout.write(f"New outlet {name} (time zone {outlet.time_zone}).")
        return outlet

    def since(self, value, zone):
        """--since as an aware datetime (a date is its start in the site's zone), or None."""
        if not value:
            return None
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DD HH:MM).")
            moment = dt.datetime.combine(day, dt.time())
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)

    # Writing.

    def import_file(self, path, index, options, failures):
        """Import the posts of one export; returns its Tally. Failed posts are written to stderr."""
        tally = Tally()
        site_import = SiteImport(index, options)
        with transaction.atomic():
            site_import.begin()
        started, comments = time.monotonic(), 0
        with tqdm(total=index.posts, unit="post", desc=path.name, file=sys.stderr, disable=not self.progress) as bar:
            for item in read_export(path, options.zone):
                if isinstance(item, Skipped):
                    self.count_skipped(item, tally)
                    continue
                if not isinstance(item, Post):
                    continue
                self.import_post(path, item, site_import, tally, failures)
                comments += len(item.comments)
                elapsed = max(time.monotonic() - started, 1e-6)
                bar.set_postfix_str(f"{comments} comments, {comments / elapsed:.0f} comments/s", refresh=False)
                bar.update(1)
        with transaction.atomic():
            site_import.finish(tally)
            if options.dry_run:
                transaction.set_rollback(True)
        return tally

    def import_post(self, path, post, site_import, tally, failures):
        post_tally = Tally()
        try:
            with transaction.atomic():
                site_import.save_post(post, post_tally)
                if site_import.options.dry_run:
                    # Nothing is written in a dry run; this takes back anything that was, all the same.
                    transaction.set_rollback(True)
        except Exception as error:  # one post's failure, whatever it is, does not stop the others
            tally.add(POST, FAILED)
            tally.add(COMMENT, FAILED, len(post.comments))
            reason = failure_reason(error)
            message = f"{path}:{post.line}: post {post.id} (“{post.title}”): {reason} (nothing of this post imported)"
            failures.append(message)
            self.stderr.write(self.style.ERROR(message))
            return
        tally.merge(post_tally)

    def count_skipped(self, item, tally):
        if item.post_id is not None:
            tally.skip(COMMENT, item.kind)
            return
        tally.skip("item", item.kind)
        tally.skip(COMMENT, f"on a skipped item ({item.kind})", item.comment_count)

    # Printing.

    def counts(self, tally, kind):
        names = {POST: "posts", COMMENT: "comments"}
        done = ", ".join(f"{tally.count(kind, outcome)} {outcome}" for outcome in (IMPORTED, UPDATED, UNCHANGED))
        skipped = sum(tally.skipped_of(kind).values())
        return f"{names.get(kind, kind)}: {done}, {skipped} skipped, {tally.count(kind, FAILED)} failed"

    def report(self, path, index, tally, photos):
        site = index.site
        write = self.stdout.write
        for line, what, reason in tally.notes:
            self.stderr.write(self.style.WARNING(f"{path}:{line}: {what}: {reason}"))
        write(f"{path}: {site.title or site.link} — {index.posts} posts, {index.comments} comments read.")
        for kind in (POST, COMMENT):
            write(f"  {self.counts(tally, kind)}")
            for reason, number in sorted(tally.skipped_of(kind).items()):
                write(f"    skipped {number}: {reason}")
        made = [
            f"{tally.count(kind, IMPORTED)} {name}"
            for kind, name in ((PHOTO, "photos"), (SECTION, "sections"), (HASHTAG, "hashtags"))
        ]
        write(f"  new: {', '.join(made)}")
        outcomes = (IMPORTED, UPDATED, UNCHANGED)
        addresses = ", ".join(f"{tally.count(OLD_ADDRESS, outcome)} {outcome}" for outcome in outcomes)
        taken = sum(tally.skipped_of(OLD_ADDRESS).values())
        write(f"  old addresses: {addresses}" + (f", {taken} leading elsewhere already" if taken else ""))
        for kind in (PIN, PHOTO):
            for reason, number in sorted(tally.skipped_of(kind).items()):
                write(f"  {number} {reason}")
        others = tally.skipped_of("item")
        if others:
            write("  not imported: " + ", ".join(f"{number} × {kind}" for kind, number in sorted(others.items())))
        if tally.dropped:
            write("  left out of bodies or changed:")
            for reason, number in sorted(tally.dropped.items(), key=lambda entry: (-entry[1], entry[0])):
                write(f"    {number} × {reason}")
        self.list_files("  missing from the uploads folder", photos.missing_files())
        refused = [f"{name}: {reason}" for name, reason in sorted(photos.refused.items())]
        self.list_files("  refused by the photo checks", refused)

    def list_files(self, heading, lines):
        if not lines:
            return
        shown = lines if self.verbosity >= 2 else lines[:LISTED_FILES]
        self.stdout.write(f"{heading} ({len(lines)}):")
        for line in shown:
            self.stdout.write(f"    {line}")
        if len(shown) < len(lines):
            self.stdout.write(f"    … and {len(lines) - len(shown)} more (all of them with -v 2)")
