"""E-mail in the background: a request queues, the worker sends, a failing server is tried again.

Most tests run tasks at once (DJANGO_TASKS_BACKEND=immediate, pyproject.toml); these use the
database queue that `make run` and `make serve` use, and run its worker (`db_worker --batch`)
in the test's own transaction.
"""

import datetime as dt
import email
import email.policy
import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from comments.mail import retry_delay
from comments.models import Comment
from comments.notifications import notify_moderators
from comments.status import change_status

from .factories import make_comment, make_moderator, make_story, post_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

TASK_PATH = "comments.notifications.mail_moderators_about_held_comment"


class DisconnectingMailServer(BaseEmailBackend):
    """An SMTP server that hangs up on every message (a failure that may pass)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingMailServer(BaseEmailBackend):
    """An SMTP server that refuses every recipient for good (550)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"mod@example.com": (550, b"5.1.1 No such user")})


@pytest.fixture
def database_queue(settings, monkeypatch):
    """Tasks go to the database queue, as in `make run`; the worker keeps the test's connection."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.NEWSROOM_MAIL_ATTEMPTS = 4
    settings.NEWSROOM_MAIL_RETRY_SECONDS = 60
    # The worker closes stale connections between tasks; here that connection holds the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def moderator(django_user_model):
    return make_moderator(django_user_model, email="mod@example.com")


def run_worker():
    """One worker run over what is due now, then it stops (as a restarted worker would begin).

    The command sets the level of the task loggers for the whole process (CRITICAL at verbosity
    0); their levels are put back, or later tests would no longer see a failed task's log.
    """
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [each.level for each in loggers]
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


def post_held_comment(client, story, django_capture_on_commit_callbacks, text="Please check me."):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client, story, text=text)
    assert response.status_code == 303
    return Comment.objects.get(text=text)


def mail_tasks():
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at"))


@pytest.mark.usefixtures("database_queue", "moderator")
def test_a_held_comment_is_queued_by_the_request_and_not_sent(
    client, story, mailoutbox, django_capture_on_commit_callbacks
):
    comment = post_held_comment(client, story, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    [queued] = mail_tasks()
    assert queued.status == "READY"
    assert queued.args_kwargs == {"args": [comment.pk, "en"], "kwargs": {}}


@pytest.mark.usefixtures("database_queue", "moderator")
def test_the_worker_sends_the_queued_mail(client, story, mailoutbox, django_capture_on_commit_callbacks):
    comment = post_held_comment(client, story, django_capture_on_commit_callbacks)
    run_worker()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mod@example.com"]
    assert f"/admin/comments/comment/{comment.pk}/moderate/approve/" in mailoutbox[0].body
    [done] = mail_tasks()
    assert (done.status, done.return_value) == ("SUCCESSFUL", 1)


@pytest.mark.usefixtures("database_queue", "moderator")
def test_a_mail_queued_while_no_worker_runs_is_sent_by_the_next_worker(
    client, story, mailoutbox, django_capture_on_commit_callbacks
):
    run_worker()  # a worker that finds nothing, and stops
    post_held_comment(client, story, django_capture_on_commit_callbacks)
    assert [task.status for task in mail_tasks()] == ["READY"]
    run_worker()  # the next one
    assert len(mailoutbox) == 1
    assert [task.status for task in mail_tasks()] == ["SUCCESSFUL"]


def fail_every_attempt(client, story, settings, django_capture_on_commit_callbacks):
    """Post a held comment with a mail server that always hangs up; run the worker whenever the
    next attempt is due (moving its time to now). Returns [(attempt row, wait before the next)]."""
    settings.EMAIL_BACKEND = "comments.tests.test_mail.DisconnectingMailServer"
    post_held_comment(client, story, django_capture_on_commit_callbacks)
    waits = []
    for _attempt in range(settings.NEWSROOM_MAIL_ATTEMPTS):
        run_worker()
        due = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").first()
        if due is None:
            break
        failed = DBTaskResult.objects.filter(task_path=TASK_PATH, status="FAILED").order_by("-finished_at").first()
        waits.append(due.run_after - failed.started_at)
        DBTaskResult.objects.filter(pk=due.pk).update(run_after=timezone.now())
    return mail_tasks(), waits


@pytest.mark.usefixtures("database_queue", "moderator")
def test_a_failing_mail_server_is_tried_again_with_doubling_waits_then_given_up(
    client, story, settings, mailoutbox, django_capture_on_commit_callbacks
):
    attempts, waits = fail_every_attempt(client, story, settings, django_capture_on_commit_callbacks)
    assert [task.status for task in attempts] == ["FAILED"] * 4
    assert [task.args_kwargs["kwargs"].get("attempt", 1) for task in attempts] == [1, 2, 3, 4]
    # 60 s, 2 min, 4 min after each failed attempt (within the second the attempt took).
    assert [round(wait.total_seconds()) for wait in waits] == [60, 120, 240]
    assert [task.exception_class_path for task in attempts] == ["smtplib.SMTPServerDisconnected"] * 3 + [
        "comments.mail.MailNotSent"
    ]
    assert "gave up after attempt 4 of 4" in attempts[-1].traceback
    assert mailoutbox == []


@pytest.mark.usefixtures("database_queue", "moderator")
def test_a_mail_given_up_is_listed_as_failed_with_its_attempt_and_error_in_admin(
    admin_client, client, story, settings, django_capture_on_commit_callbacks
):
    fail_every_attempt(client, story, settings, django_capture_on_commit_callbacks)
    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "mail_moderators_about_held_comment" in page
    assert "4 of 4" in page
    assert "MailNotSent: Could not e-mail moderators about comment" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page


@pytest.mark.usefixtures("database_queue", "moderator")
def test_a_mail_server_that_refuses_for_good_is_not_tried_again(
    client, story, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "comments.tests.test_mail.RefusingMailServer"
    post_held_comment(client, story, django_capture_on_commit_callbacks)
    run_worker()
    [attempt] = mail_tasks()
    assert (attempt.status, attempt.exception_class_path) == ("FAILED", "comments.mail.MailNotSent")
    assert "gave up after attempt 1 of 4" in attempt.traceback


@pytest.mark.usefixtures("database_queue", "moderator")
def test_a_comment_approved_before_the_worker_runs_is_not_mailed(
    client, story, mailoutbox, django_capture_on_commit_callbacks, moderator
):
    comment = post_held_comment(client, story, django_capture_on_commit_callbacks)
    change_status(comment, Comment.Status.APPROVED, actor=moderator, reason="approved in admin")
    run_worker()
    assert mailoutbox == []
    [done] = mail_tasks()
    assert (done.status, done.return_value) == ("SUCCESSFUL", 0)


@pytest.mark.usefixtures("moderator")
def test_a_comment_held_by_a_moderator_sends_no_mail(story, mailoutbox, django_capture_on_commit_callbacks, moderator):
    comment = make_comment(story)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(comment, Comment.Status.PENDING, actor=moderator, reason="held for moderation in admin")
    assert mailoutbox == []


@pytest.mark.usefixtures("moderator")
def test_the_file_backend_writes_each_message_into_the_mail_folder(
    story, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "sent-mail")
    comment = make_comment(story, status=Comment.Status.PENDING, text="Read me from a file.")
    with django_capture_on_commit_callbacks(execute=True):
        notify_moderators(comment)
    [sent] = (tmp_path / "sent-mail").iterdir()
    message = email.message_from_string(sent.read_text(), policy=email.policy.default)
    assert message["Subject"] == "[Newsroom] Comment held for moderation: Harbour ferry adds an evening crossing"
    assert message["To"] == "mod@example.com"
    assert "Read me from a file." in message.get_content()


def test_waits_double_from_the_base():
    assert [retry_delay(attempt, 60) for attempt in (1, 2, 3, 5)] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(minutes=16),
    ]
