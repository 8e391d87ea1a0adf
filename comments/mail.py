"""Sending e-mail from a background task, and trying again later when the server fails.

No e-mail leaves inside a web request: the request enqueues a task (django-tasks, the
backport of Django 6's tasks API) and a worker runs it. django-tasks 0.12 has no retries of
its own, so a task that sends calls `send_or_retry`: when the mail server fails in a way that
may pass (refused or dropped connection, timeout, a 4xx reply), the task enqueues itself again
with `run_after` set `retry_delay` later and the attempt number one higher, then fails, so the
attempt's task result is stored as failed with the error. After NEWSROOM_MAIL_ATTEMPTS attempts,
or at once for a permanent refusal (a 5xx reply), it raises `MailNotSent`. Each attempt is one
row in the admin's task results, its attempt number in its arguments (README "Mail").
"""

import datetime as dt
import logging
import smtplib
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The last attempt at a message failed: nothing will try it again."""


def enqueue_with_transaction(task, *args, run_after=None):
    """Enqueue `task` (a django-tasks Task) with `args` as part of the current transaction.

    The database queue writes the task's row inside this transaction: the task exists exactly
    when what it is about was committed, and a post costs no second write (on SQLite each write
    waits for the one lock). Another backend (Redis) could run the task before the commit, so
    there it is enqueued once the transaction commits; `robust`: a queue that cannot be reached
    is logged and the commit stands. The immediate backend of the tests takes that path too.

    `run_after` (an aware datetime, or None for now): the task waits until then on a backend
    that can run a task later (`supports_defer`); one that cannot (immediate) runs it at once.
    """
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)


def retry_delay(attempt, base_seconds):
    """The wait (a timedelta) after failed attempt number `attempt` (1 for the first):
    `base_seconds`, then twice that, four times… (60 s, 2, 4, 8, 16 min with the defaults)."""
    return dt.timedelta(seconds=base_seconds * 2 ** (attempt - 1))


def is_transient(error):
    """True when the same message may go through later: a connection refused, reset or timed out,
    a server that hung up, a 4xx reply (greylisting, a full queue). False for 5xx replies
    (refused sender or recipients, failed login) and for errors that are not the network's."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    # smtplib.SMTPException is an OSError; so are socket timeouts and refused connections.
    return isinstance(error, OSError)


def send_or_retry(message, *, task, args, attempt, description):
    """Send `message` (an EmailMessage); returns how many messages went (1).

    On a failure that may pass, while attempts remain and the task backend can run a task later
    (`supports_defer`: the database backend can, the immediate one of the tests cannot), enqueue
    `task` (the calling Task) again with `args` (a tuple) and `attempt=attempt + 1`, log a warning
    starting with `description` (str), and re-raise the error. Otherwise log an error and raise
    MailNotSent from it.
    """
    try:
        return message.send()
    except Exception as error:
        attempts = settings.NEWSROOM_MAIL_ATTEMPTS
        if attempt < attempts and is_transient(error) and task.get_backend().supports_defer:
            run_after = timezone.now() + retry_delay(attempt, settings.NEWSROOM_MAIL_RETRY_SECONDS)
            task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
            logger.warning(
                "%s (attempt %d of %d: %s: %s); trying again after %s",
                description,
                attempt,
                attempts,
                type(error).__name__,
                error,
                run_after.isoformat(timespec="seconds"),
            )
            raise
        logger.error(
            "%s (attempt %d of %d: %s: %s); giving up", description, attempt, attempts, type(error).__name__, error
        )
        raise MailNotSent(f"{description}: gave up after attempt {attempt} of {attempts}") from error
