"""Put the photos listed in a JSON file into the library and make them stories' lead photos:
`manage.py import_photos FILE`.

Like videos and corrections, photos are not part of the story-page text format, so the demo lists
them in a file (demo/photos.json): a list of objects with `file` (a JPEG, PNG or WebP path, relative
to the JSON file), `alt_text`, `alt_text_ko`, `caption`, `caption_ko`, `credit`, and `stories` (the
slugs of the stories it leads; one photo may lead several), and optionally `in_bodies` (a list of
{"story": slug, "field": "body" or "body_ko"}: the photo is placed after that body's first
paragraph, as the editor's "Insert photo" places it, unless the body holds it already). Each file
goes through the same checks and preparation as an upload (`photos.uploads`). A file already in
the library (the same bytes) is not added again, a story that has its lead photo is left alone and
a body that holds the photo is not changed, so `make run` can import the file every time.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.management.json_lists import read_json_list
from articles.models import Story
from articles.rich_text import photo_reference
from photos.models import Photo
from photos.uploads import file_checksum, prepare_photo

TEXT_FIELDS = ("alt_text", "alt_text_ko", "caption", "caption_ko", "credit")
FIELDS = {"file", "stories", *TEXT_FIELDS}
OPTIONAL_FIELDS = {"in_bodies"}
BODY_FIELDS = {"body": "en", "body_ko": "ko"}


class Command(BaseCommand):
    help = "Add the photos listed in a JSON file to the library and make them their stories' lead photos."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="a JSON list of {file, alt_text, …, stories}")

    def handle(self, *args, path, **options):
        entries = read_json_list(path, "photos")
        added = kept = led = placed = 0
        # One transaction; the renditions are made once it has committed (photos.renditions.OnSave).
        with transaction.atomic():
            for number, entry in enumerate(entries, start=1):
                where = f"{path}, photo {number}"
                stories = self.stories(where, entry)
                photo, new = self.photo(where, Path(path).parent / entry["file"], entry)
                added, kept = added + new, kept + (not new)
                placed += self.place_in_bodies(where, photo, entry.get("in_bodies", []))
                for story in stories:
                    if story.lead_photo_id != photo.pk:
                        story.lead_photo = photo
                        # save(), not update(): the page version moves, so cached pages show the photo at once.
                        story.save(update_fields=["lead_photo"])
                        led += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {added} photo(s) added, {kept} already there, {led} lead photo(s) set, "
                f"{placed} placed in a body."
            )
        )

    def stories(self, where, entry):
        """The Story objects an entry names; CommandError naming the entry when it is malformed."""
        if (
            not isinstance(entry, dict)
            or not FIELDS <= entry.keys() <= FIELDS | OPTIONAL_FIELDS
            or not all(isinstance(entry[name], str) for name in ("file", *TEXT_FIELDS))
            or not isinstance(entry["stories"], list)
        ):
            raise CommandError(f"{where}: expected the keys {', '.join(sorted(FIELDS))} (stories a list of slugs)")
        stories = []
        for slug in entry["stories"]:
            story = Story.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if story is None:
                raise CommandError(f"{where}: no story with the slug “{slug}”")
            stories.append(story)
        return stories

    def place_in_bodies(self, where, photo, places):
        """Place `photo` in each body `places` names (see the module's docstring); returns how many
        bodies changed. CommandError naming the entry when a place is malformed."""
        changed = 0
        if not isinstance(places, list):
            raise CommandError(f"{where}: in_bodies must be a list of {{story, field}}")
        for place in places:
            if not isinstance(place, dict) or place.keys() != {"story", "field"} or place["field"] not in BODY_FIELDS:
                raise CommandError(f"{where}: each of in_bodies is {{story: a slug, field: body or body_ko}}")
            story = Story.objects.filter(slug=place["story"]).first() if isinstance(place["story"], str) else None
            if story is None:
                raise CommandError(f"{where}: no story with the slug “{place['story']}”")
            body = getattr(story, place["field"])
            if f'data-photo="{photo.pk}"' in body or "</p>" not in body:
                continue
            first, rest = body.split("</p>", 1)
            alt = photo.text_for(BODY_FIELDS[place["field"]]).alt
            setattr(story, place["field"], first + "</p>" + photo_reference(photo.pk, photo.image.url, alt) + rest)
            story.save()
            changed += 1
        return changed

    def photo(self, where, file_path, entry):
        """(the Photo of `file_path`, True when it was added now); CommandError when it is refused."""
        try:
            with file_path.open("rb") as handle:
                upload = File(handle, name=file_path.name)
                existing = Photo.objects.filter(checksum=file_checksum(upload)).first()
                if existing is not None:
                    return existing, False
                prepared = prepare_photo(
                    upload,
                    max_bytes=settings.NEWSROOM_PHOTO_MAX_BYTES,
                    max_pixels=settings.NEWSROOM_PHOTO_MAX_PIXELS,
                )
        except OSError as error:
            raise CommandError(f"{where}: {error}") from None
        except ValidationError as error:
            raise CommandError(f"{where}: {file_path}: {' '.join(error.messages)}") from None
        photo = Photo(**{name: entry[name] for name in TEXT_FIELDS})
        photo.take(prepared)
        try:
            photo.full_clean()
        except ValidationError as error:
            raise CommandError(f"{where}: {' '.join(error.messages)}") from None
        photo.save()
        return photo, True
