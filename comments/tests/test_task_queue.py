"""Tasks a dead worker left RUNNING go back to the queue (comments/task_queue.py), and only those."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.task_queue import requeue_abandoned

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
TASK = "comments.notifications.mail_moderators_about_held_comment"


def task_result(status, *, worker="worker-a", started_minutes_ago=1):
    return DBTaskResult.objects.create(
        status=status,
        task_path=TASK,
        args_kwargs={"args": [1, "en"], "kwargs": {}},
        backend_name="default",
        run_after=NOW - dt.timedelta(hours=1),
        worker_ids=[worker] if worker else [],
        started_at=NOW - dt.timedelta(minutes=started_minutes_ago) if started_minutes_ago is not None else None,
    )


def status_of(result):
    result.refresh_from_db()
    return result.status


def test_a_task_of_a_worker_that_is_gone_is_ready_again_without_its_start_time():
    result = task_result("RUNNING", worker="gone")
    assert requeue_abandoned(worker_ids=["gone"], now=NOW) == 1
    result.refresh_from_db()
    assert (result.status, result.started_at, result.worker_ids) == ("READY", None, ["gone"])


def test_a_task_of_a_worker_still_running_stays_running():
    result = task_result("RUNNING", worker="alive")
    assert requeue_abandoned(worker_ids=["gone"], older_than=dt.timedelta(minutes=15), now=NOW) == 0
    assert status_of(result) == "RUNNING"


def test_a_task_running_past_the_lease_is_requeued_whoever_held_it():
    old = task_result("RUNNING", worker="alive", started_minutes_ago=16)
    recent = task_result("RUNNING", worker="alive", started_minutes_ago=14)
    assert requeue_abandoned(older_than=dt.timedelta(minutes=15), now=NOW) == 1
    assert (status_of(old), status_of(recent)) == ("READY", "RUNNING")


def test_finished_and_waiting_tasks_are_never_touched():
    results = [task_result(status, worker="gone") for status in ("SUCCESSFUL", "FAILED", "READY")]
    assert requeue_abandoned(worker_ids=["gone"], older_than=dt.timedelta(0), now=NOW) == 0
    assert [status_of(result) for result in results] == ["SUCCESSFUL", "FAILED", "READY"]


def test_the_command_requeues_by_worker_and_reports_the_count(capsys):
    task_result("RUNNING", worker="gone")
    call_command("requeue_abandoned_tasks", "--worker-id", "gone", "--no-age")
    assert "Requeued 1 abandoned task." in capsys.readouterr().out
    assert DBTaskResult.objects.get().status == "READY"


def test_the_command_applies_the_lease_by_default(settings):
    settings.NEWSROOM_TASK_LEASE_MINUTES = 15
    old = DBTaskResult.objects.create(
        status="RUNNING",
        task_path=TASK,
        args_kwargs={"args": [1, "en"], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=["alive"],
        started_at=timezone.now() - dt.timedelta(minutes=20),
    )
    call_command("requeue_abandoned_tasks", verbosity=0)
    assert status_of(old) == "READY"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--no-age"], "--no-age needs at least one --worker-id."), (["--older-than", "-1"], "cannot be negative")],
)
def test_the_command_refuses_arguments_that_make_no_sense(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("requeue_abandoned_tasks", *arguments)
