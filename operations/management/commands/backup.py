"""`manage.py backup DIR [--keep N]`: a consistent copy of the database and the uploads, while the site runs.

See operations/backups.py for what the folder holds and README "Operations" for the cron line.
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from operations.backups import BackupError, create_backup, describe_size, prune_backups


class Command(BaseCommand):
    help = (
        "Back the database and the uploaded media up into a new folder DIR/newsroom-YYYYMMDDTHHMMSSZ "
        "with a manifest; the site may keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="the folder that holds the backups (made if missing)")
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="afterwards, delete the backups in DIR but the N newest (this one included)",
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, directory, keep, database, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1")
        try:
            report = create_backup(directory, connection=connections[database], storage=default_storage)
            pruned = prune_backups(directory, keep) if keep else []
        except (BackupError, DatabaseError, OSError) as error:
            raise CommandError(f"backup failed: {error}") from None
        manifest = report.manifest
        for name in report.vanished:
            self.stderr.write(f"warning: {name} was deleted from the storage during the backup; not in it")
        rows = manifest["rows"]
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.folder}: {manifest['database']['vendor']} database "
                f"({describe_size(manifest['database']['size'])}; {rows.get('articles.story', 0)} stories, "
                f"{rows.get('comments.comment', 0)} comments), {len(manifest['media']['files'])} media files "
                f"({describe_size(manifest['media']['bytes'])})."
            )
        )
        for path in pruned:
            self.stdout.write(f"deleted the old backup {path}")
