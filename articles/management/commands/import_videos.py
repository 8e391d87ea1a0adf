"""Give stories the videos listed in a JSON file: `manage.py import_videos FILE`.

The story-page format mirrors a story as a reader's browser saved it: the player on such a page
is not part of its text, so videos of demo stories are listed here instead, as corrections are
(`import_corrections`). The file is a list of objects: `story` (the story's slug) and `video`
(a YouTube or Vimeo address, checked as the admin checks it: `articles.video`). A story that
has this video already is left alone, so `make run` can import the file every time.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.management.json_lists import read_json_list
from articles.models import Story

FIELDS = {"story", "video"}


class Command(BaseCommand):
    help = "Give the stories listed in a JSON file their YouTube or Vimeo video; those that have it are skipped."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="a JSON list of {story, video}")

    def handle(self, *args, path, **options):
        entries = read_json_list(path, "videos")
        changed = skipped = 0
        with transaction.atomic():
            for number, entry in enumerate(entries, start=1):
                story, address = self.story_and_video(path, number, entry)
                if story.video_url == address:
                    skipped += 1
                    continue
                story.video_url = address
                # save(), not update(): the page version moves, so cached pages show the video at once.
                story.save(update_fields=["video_url"])
                changed += 1
        self.stdout.write(self.style.SUCCESS(f"{path}: {changed} video(s) set, {skipped} already there."))

    def story_and_video(self, path, number, entry):
        """(the Story, the checked address) of one entry; CommandError naming the entry otherwise."""
        where = f"{path}, video {number}"
        if not isinstance(entry, dict) or entry.keys() != FIELDS or not all(isinstance(v, str) for v in entry.values()):
            raise CommandError(f"{where}: expected the keys story and video, each a string")
        story = Story.objects.filter(slug=entry["story"]).first()
        if story is None:
            raise CommandError(f"{where}: no story with the slug “{entry['story']}”")
        address = entry["video"].strip()
        try:
            Story._meta.get_field("video_url").run_validators(address)
        except ValidationError as error:
            raise CommandError(f"{where}: {' '.join(error.messages)}") from None
        return story, address
