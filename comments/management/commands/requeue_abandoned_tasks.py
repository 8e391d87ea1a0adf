"""Put tasks that a dead worker left RUNNING back in the queue (comments/task_queue.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.task_queue import lease, requeue_abandoned


class Command(BaseCommand):
    help = (
        "Requeue tasks left RUNNING by a worker that is gone: those last claimed by a --worker-id given "
        "here, and those running for longer than --older-than minutes (default: "
        "NEWSROOM_TASK_LEASE_MINUTES). Run it every few minutes beside a pool of db_worker processes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            action="append",
            default=[],
            dest="worker_ids",
            help="a worker known to be gone (db_worker --worker-id); may be given several times",
        )
        parser.add_argument(
            "--older-than", type=float, default=None, metavar="MINUTES", help="the age of an abandoned task"
        )
        parser.add_argument("--no-age", action="store_true", help="only requeue the tasks of the --worker-id workers")

    def handle(self, *args, worker_ids, older_than, no_age, **options):
        if no_age and not worker_ids:
            raise CommandError("--no-age needs at least one --worker-id.")
        minutes = settings.NEWSROOM_TASK_LEASE_MINUTES if older_than is None else older_than
        try:
            age = None if no_age else lease(minutes)
        except ValueError as error:
            raise CommandError(f"--older-than: {error}.") from None
        count = requeue_abandoned(worker_ids=worker_ids, older_than=age)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Requeued {count} abandoned task{'' if count == 1 else 's'}.")
