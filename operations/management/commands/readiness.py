"""`manage.py readiness`: what /readyz checks, with the reason of each failure (for an operator, not the public)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.health import CHECKS


class Command(BaseCommand):
    help = "Run the checks of /readyz (database, cache, task queue) and print each one's result; exit 1 if one fails."

    def add_arguments(self, parser):
        parser.add_argument(
            "checks",
            nargs="*",
            metavar="CHECK",
            help=f"the checks to run, of {', '.join(CHECKS)} (default: NEWSROOM_READY_CHECKS)",
        )

    def handle(self, *args, checks, **options):
        names = checks or settings.NEWSROOM_READY_CHECKS
        unknown = [name for name in names if name not in CHECKS]
        if unknown:
            raise CommandError(f"unknown check {unknown[0]!r}: choose from {', '.join(CHECKS)}")
        failed = False
        for name in names:
            reason = CHECKS[name]()
            failed = failed or reason is not None
            self.stdout.write(f"{name}: {self.style.ERROR(reason) if reason else self.style.SUCCESS('ok')}")
        if failed:
            raise CommandError("not ready", returncode=1)
