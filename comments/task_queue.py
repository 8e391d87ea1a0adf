"""Tasks that a worker took and never finished: found and put back in the queue.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the
worker is done. A worker that is killed in between (SIGKILL, the out-of-memory killer, a power cut)
never comes back to it, and the library has no lease: the task stays RUNNING for ever and its mail
is never sent. `requeue_abandoned` gives such tasks back to the queue, READY, to be run again.

Which tasks are abandoned is known in two ways:
- by the worker: `scripts/with_worker.py` (`make run`, `make serve`) names each worker it starts
  (`db_worker --worker-id`) and, when that worker exits by itself, requeues what it still held;
- by age: a task RUNNING for longer than NEWSROOM_TASK_LEASE_MINUTES (15) was abandoned, since a
  mail task lasts at most a few EMAIL_TIMEOUTs (a connection, a login, a send: 10 s each by default).
  A production worker pool runs `manage.py requeue_abandoned_tasks` every few minutes (README "Mail").

Running a task again means that a message whose worker died after the server took it but before the
task was marked done goes out twice: delivery is at least once, never "at most once". A task that
finishes while it is being requeued is left as it finished (the update is conditional on RUNNING).
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def requeue_abandoned(*, worker_ids=(), older_than=None, now=None):
    """Put RUNNING tasks back in the queue as READY; returns how many (an int).

    `worker_ids` (strings): tasks last claimed by one of these workers, which are known to be gone.
    `older_than` (a timedelta, or None for no age rule): tasks that started longer ago than that.
    A task matching either is requeued: status READY, `started_at` cleared, its run time kept (it is
    due already). Each one is logged with its id, task and worker. `now`: an aware datetime (tests).
    """
    now = now or timezone.now()
    gone = set(worker_ids)
    cutoff = now - older_than if older_than is not None else None
    requeued = 0
    # Few tasks run at once (one per worker), so they are read and matched here: worker_ids is a
    # JSON list, and SQLite has no JSON "contains" lookup.
    for task in DBTaskResult.objects.running().only("id", "task_path", "worker_ids", "started_at"):
        last_worker = task.worker_ids[-1] if task.worker_ids else None
        stale = cutoff is not None and (task.started_at is None or task.started_at <= cutoff)
        if last_worker not in gone and not stale:
            continue
        with transaction.atomic():
            updated = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
        if updated:
            requeued += 1
            logger.warning(
                "Requeued task %s (%s), abandoned by worker %s %s",
                task.pk,
                task.task_path,
                last_worker,
                "that is gone" if last_worker in gone else f"after running since {task.started_at.isoformat()}",
            )
    return requeued


def lease(minutes):
    """The age (a timedelta) after which a RUNNING task counts as abandoned: `minutes` (a number ≥ 0;
    0 makes every RUNNING task abandoned, right only where no worker runs, as before `make run`
    starts its one worker). Raises ValueError for a negative number."""
    if minutes < 0:
        raise ValueError("the lease cannot be negative")
    return dt.timedelta(minutes=minutes)
