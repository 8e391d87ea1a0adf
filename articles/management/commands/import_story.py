"""Import story pages saved as text: `manage.py import_story FILE|FOLDER ...`."""

import zoneinfo
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.importing import (
    StoryFormatError,
    check_url,
    decode_story_page,
    find_existing_story,
    parse_story_page,
    save_story,
    zone_warning,
)


class Command(BaseCommand):
    help = (
        "Import story pages saved as text (the format of a story page: headline, Korean headline, "
        "intro, body, sign-off, hashtags, social links, dateline, comments). Each file is imported "
        "in its own transaction: whole or not at all. Re-importing a page updates its story."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help="story page files, or folders of *.txt files")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--source-url", help="the original page's URL (only with a single file)")
        parser.add_argument(
            "--only-new", action="store_true", help="leave stories that exist already untouched (for demo content)"
        )

    def handle(self, *args, paths, dry_run, source_url, only_new, **options):
        files = self.collect_files(paths)
        if source_url:
            if len(files) != 1:
                raise CommandError("--source-url names the source of one page; give exactly one file with it.")
            try:
                check_url(source_url, 0, "source")
            except StoryFormatError as error:
                raise CommandError(f"--source-url: {error.reason}") from None

        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        for path in files:
            outcome = self.import_file(path, dry_run=dry_run, source_url=source_url, only_new=only_new)
            counts[outcome] += 1

        prefix = "Dry run, nothing written: " if dry_run else ""
        skipped = f", {counts['skipped']} skipped" if only_new else ""
        summary = (
            f"{prefix}{len(files)} file(s): {counts['created']} created, "
            f"{counts['updated']} updated{skipped}, {counts['failed']} failed."
        )
        if counts["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def collect_files(self, paths):
        files = []
        for name in paths:
            path = Path(name)
            if path.is_dir():
                found = sorted(p for p in path.glob("*.txt") if p.is_file())
                if not found:
                    raise CommandError(f"{path}: folder holds no *.txt story pages.")
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder.")
        return files

    def import_file(self, path, *, dry_run, source_url, only_new):
        try:
            parsed = parse_story_page(decode_story_page(path.read_bytes()))
            if source_url:
                parsed.source_url = source_url
            existing = find_existing_story(parsed)
            if existing and only_new:
                self.stdout.write(f"{path}: skipped, “{existing.headline}” exists already")
                return "skipped"
            warning = zone_warning(parsed)
            for message in [*parsed.warnings, *([warning] if warning else [])]:
                self.stderr.write(self.style.WARNING(f"{path}: warning: {message}"))
            if dry_run:
                action = "would update" if existing else "would create"
                self.stdout.write(f"{path}: {action} “{parsed.headline}” ({self.describe(parsed)})")
                return "updated" if existing else "created"
            story, created = save_story(parsed, source_name=str(path))
        except StoryFormatError as error:
            error.path = path
            self.stderr.write(self.style.ERROR(f"{error} (nothing imported from this file)"))
            return "failed"
        except (OSError, DatabaseError, ValidationError) as error:
            self.stderr.write(self.style.ERROR(f"{path}:0: {error} (nothing imported from this file)"))
            return "failed"
        action = "created" if created else "updated"
        self.stdout.write(f"{path}: {action} “{story.headline}” ({self.describe(parsed)}) {story.get_absolute_url()}")
        return action

    def describe(self, parsed):
        dateline = parsed.published_at.astimezone(zoneinfo.ZoneInfo(parsed.time_zone))
        return (
            f"{parsed.outlet}, {dateline:%Y-%m-%d %H:%M} {dateline.tzname()}, "
            f"{len(parsed.hashtags)} hashtags, {len(parsed.comments)} comments on the page"
        )
