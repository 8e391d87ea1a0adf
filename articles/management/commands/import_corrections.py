"""Add corrections listed in a JSON file: `manage.py import_corrections FILE`.

The story-page format mirrors a story as a reader's browser saved it, and such a page carries no
correction; corrections of demo stories are listed here instead. The file is a list of objects:
`story` (the story's slug), `dateline` (`2026-10-29, 09:40 (KST)`, the form of a story's
dateline), `text` and optionally `text_ko`. A correction already stored (same story, date and
English text) is left alone, so `make run` can import the file every time.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.datelines import DatelineError, parse_dateline
from articles.management.json_lists import read_json_list
from articles.models import Correction, Story

FIELDS = {"story", "dateline", "text", "text_ko"}


class Command(BaseCommand):
    help = "Add the corrections listed in a JSON file to published stories; those already stored are skipped."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="a JSON list of {story, dateline, text, text_ko}")

    def handle(self, *args, path, **options):
        entries = read_json_list(path, "corrections")
        added = skipped = 0
        with transaction.atomic():
            for number, entry in enumerate(entries, start=1):
                correction = self.correction(path, number, entry)
                exists = Correction.objects.filter(
                    story=correction.story, published_at=correction.published_at, text=correction.text
                ).exists()
                if exists:
                    skipped += 1
                    continue
                correction.save()
                added += 1
        self.stdout.write(self.style.SUCCESS(f"{path}: {added} correction(s) added, {skipped} already there."))

    def correction(self, path, number, entry):
        """The unsaved, validated Correction of one entry; CommandError naming the entry otherwise."""
        where = f"{path}, correction {number}"
        if not isinstance(entry, dict) or not {"story", "dateline", "text"} <= entry.keys() <= FIELDS:
            raise CommandError(f"{where}: expected the keys story, dateline, text and optionally text_ko")
        story = Story.objects.select_related("outlet").filter(slug=entry["story"]).first()
        if story is None:
            raise CommandError(f"{where}: no story with the slug “{entry['story']}”")
        try:
            published_at, _zone = parse_dateline(entry["dateline"])
        except DatelineError as error:
            raise CommandError(f"{where}: {error}") from None
        correction = Correction(
            story=story, published_at=published_at, text=entry["text"], text_ko=entry.get("text_ko", "")
        )
        try:
            correction.full_clean()
        except ValidationError as error:
            raise CommandError(f"{where}: {' '.join(error.messages)}") from None
        return correction
