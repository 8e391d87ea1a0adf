"""Make the renditions of every photo again, or only those missing: `manage.py generate_renditions [--force]`.

Renditions are made when a photo is saved; this repairs a storage that lost files, or makes new
renditions after `photos/renditions.py` changed (new names: the old files can then be deleted).
Only the renditions pages use are made (see `renditions.offered_widths`); imagekit's own
`generateimages` makes every spec of every photo.
"""

from django.core.management.base import BaseCommand

from photos.models import Photo
from photos.renditions import make_file


class Command(BaseCommand):
    help = "Make the renditions pages use, for every photo (the missing ones, or all with --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="make every rendition again, even if it exists")

    def handle(self, *args, force, **options):
        count = 0
        for photo in Photo.objects.order_by("pk").iterator():
            for file in photo.rendition_files():
                if force:
                    file.generate(force=True)
                else:
                    make_file(file)
                count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} rendition(s) checked or made."))
