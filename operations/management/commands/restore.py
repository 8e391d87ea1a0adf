"""`manage.py restore DIR [--force]`: bring a backup made by `manage.py backup` back, into an empty database.

Stop the web servers and the task worker first: the restored database replaces what they
would be writing. Everything is checked before anything is written, and the stories' page versions
move on afterwards so that no cache serves a page of before (operations/backups.py).
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from operations.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder (DIR/newsroom-…) into this site's empty database and its media storage; "
        "--force replaces a database that has tables and files that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", metavar="DIR", help="one backup folder, such as backups/newsroom-20261201T031500Z"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the tables already in the database and overwrite files of the storage that differ",
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, directory, force, database, **options):
        try:
            report = restore_backup(directory, connection=connections[database], storage=default_storage, replace=force)
        except (BackupError, DatabaseError, OSError) as error:
            raise CommandError(f"restore failed: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {directory}: the database, and {report.written} media file(s) written"
                + (f", {report.unchanged} already there" if report.unchanged else "")
                + "; every table's rows match the manifest"
                + (
                    f"; the page versions of {report.moved_stories} stories moved on (no cached page of before "
                    "is served)."
                    if report.moved_stories is not None
                    else "."
                )
            )
        )
        for note in report.notes:
            self.stderr.write(f"note: {note}")
