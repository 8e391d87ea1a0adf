"""Readiness: can this process serve the site? The database, the cache and the task queue, checked for real.

Each check returns None when it passes, or a short reason (str) for the log and for
`manage.py readiness`; the public answer of /readyz carries no reason (operations.middleware).

- **database**: SELECT 1 on this thread's own connection, the one requests use. The SQLite
  file is compared with the one this process opened first (resilience.sqlite_file) before it
  is touched: opening a missing path would make a new, empty database there. PostgreSQL
  queries have the deadline of a web request (resilience.query_watchdog), so a frozen server
  fails the check within seconds instead of holding the thread.
- **cache**: a value written and read back under a key of its own (kept 10 s). The site's
  Redis backend turns outages into misses (resilience.cache); here its plain RedisCache
  methods are called, so the reason is Redis's own error and the site's cache is not put to
  rest by a probe.
- **queue** (django-tasks-db only; other task backends have their own monitoring): django-tasks-db
  keeps no heartbeat, so a worker is seen through the rows it claims: ready when no task due
  to run has waited longer than NEWSROOM_READY_QUEUE_MINUTES, or when a worker has started a
  task within that time (a backlog that is being worked through). A task waiting for its
  retry (`run_after` in the future) is not due yet.

Why not django-health-check (4.8.0 supports Django 5.2, and a custom check could express the
queue): it runs synchronous checks in executor threads, each with a connection of its own outside
the SQLite-file guard and the query watchdog, and its database check opens the configured path
even when the file is gone (creating the empty database the guard exists to prevent); its cache
check goes through the fail-safe backend; its views answer 500 and show each check's error to
whoever asks. These three functions are what it would have needed overriding.
"""

import datetime as dt
import functools
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from resilience.cache import FailSafeRedisCache
from resilience.query_watchdog import watching_queries
from resilience.sqlite_file import check_database_file

DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"
CACHE_PROBE_SECONDS = 10


def describe(error):
    """`ExceptionName: message` on one line."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def database_problem(alias="default"):
    """None when the database answers SELECT 1 on this thread's connection; else the reason."""
    connection = connections[alias]
    try:
        check_database_file(connection=connection)
        with watching_queries(connection), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError as error:
        return describe(error)
    return None if row and row[0] == 1 else f"SELECT 1 returned {row!r}"


def cache_operations(cache):
    """(set, get, delete) of `cache`; the plain Redis ones for the fail-safe backend, which hides outages."""
    if isinstance(cache, FailSafeRedisCache):
        return (
            functools.partial(RedisCache.set, cache),
            functools.partial(RedisCache.get, cache),
            functools.partial(RedisCache.delete, cache),
        )
    return cache.set, cache.get, cache.delete


def cache_problem(alias="default"):
    """None when a value written to the cache is read back; else the reason."""
    set_value, get_value, delete = cache_operations(caches[alias])
    key = f"readyz:{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    try:
        set_value(key, token, CACHE_PROBE_SECONDS)
        found = get_value(key)
        delete(key)
    except Exception as error:  # any backend's failure is the answer, not a crash
        return describe(error)
    return None if found == token else "a value written to the cache was not read back"


def database_task_backends():
    """The aliases of settings.TASKS that use the django-tasks-db queue."""
    return sorted(alias for alias, options in settings.TASKS.items() if options.get("BACKEND") == DATABASE_TASK_BACKEND)


def queue_problem(now=None):
    """None when the database queue's worker keeps up (see the module's docstring); else the reason.

    `now`: an aware datetime, the current time by default.
    """
    backends = database_task_backends()
    if not backends:
        return None
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    minutes = settings.NEWSROOM_READY_QUEUE_MINUTES
    since = now - dt.timedelta(minutes=minutes)
    results = DBTaskResult.objects.filter(backend_name__in=backends)
    try:
        # Due since before `since`: enqueued then, and either not deferred or deferred to before then.
        waiting = (
            results.ready().filter(enqueued_at__lt=since).filter(Q(run_after=get_date_max()) | Q(run_after__lt=since))
        )
        stale = waiting.count()
        if not stale or results.filter(started_at__gte=since).exists():
            return None
    except DatabaseError as error:
        return describe(error)
    return (
        f"{stale} task(s) have waited more than {minutes} min and no worker started a task since "
        f"{since.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC: is `manage.py db_worker` running?"
    )


CHECKS = {"database": database_problem, "cache": cache_problem, "queue": queue_problem}


def readiness_problems(names=None):
    """{check name: reason} of the checks that fail, among `names` (settings.NEWSROOM_READY_CHECKS by default).

    The queue is checked only when the database answered: its reason would only repeat the database's.
    """
    problems = {}
    for name in names if names is not None else settings.NEWSROOM_READY_CHECKS:
        if name == "queue" and "database" in problems:
            continue
        reason = CHECKS[name]()
        if reason:
            problems[name] = reason
    return problems
