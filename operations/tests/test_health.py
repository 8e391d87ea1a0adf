"""/healthz and /readyz: the answers a load balancer reads, and each failure /readyz must notice."""

import datetime as dt
import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.notifications import mail_moderators_about_held_comment
from resilience.cache import outage_log
from resilience.tests.listeners import closed_port

from .second_site import SecondSite

# A load balancer probes by the instance's address, over plain HTTP.
BALANCER = {"HTTP_HOST": "10.0.0.7:8000"}

PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="10.0.0.7:8000").get("/readyz")
print(json.dumps({"status": response.status_code, "body": response.content.decode(),
                  "cache_control": response["Cache-Control"]}))
"""


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as with `make run` and `make serve`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.NEWSROOM_READY_QUEUE_MINUTES = 10


def queued_task(*, waited_minutes, started_minutes_ago=None, deferred_minutes=None):
    """A real task in the database queue, due since `waited_minutes` ago (or deferred to run later)."""
    task = mail_moderators_about_held_comment
    if deferred_minutes is not None:
        task = task.using(run_after=timezone.now() + dt.timedelta(minutes=deferred_minutes))
    result = task.enqueue(1, "en")
    row = DBTaskResult.objects.filter(pk=result.id)
    row.update(enqueued_at=timezone.now() - dt.timedelta(minutes=waited_minutes))
    if started_minutes_ago is not None:
        row.update(status="RUNNING", started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago))
    return row.get()


@pytest.mark.django_db
def test_healthz_answers_ok_by_address_over_plain_http_without_touching_the_database(
    client, settings, django_assert_num_queries
):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["news.example"]

    with django_assert_num_queries(0):
        response = client.get("/healthz", **BALANCER)

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.usefixtures("database_queue")
def test_readyz_answers_ready_when_database_cache_and_queue_work(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["news.example"]
    queued_task(waited_minutes=1)

    response = client.get("/readyz", **BALANCER)

    assert response.status_code == 200
    assert response.content == b"ready\n"
    assert response["Cache-Control"] == "no-store"


def test_a_head_probe_gets_the_status_without_a_body_and_a_post_is_refused(client):
    head = client.head("/healthz")
    post = client.post("/readyz")

    assert (head.status_code, head.content) == (200, b"")
    assert post.status_code == 405
    assert post["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_the_probes_live_outside_the_language_prefix(client):
    assert client.get("/en/healthz").status_code == 404


def probe_in_a_fresh_process(tmp_path, **env):
    """GET /readyz in a new process whose settings come from `env`; (answer dict, stderr)."""
    site = SecondSite(tmp_path)
    environment = site.environment()
    environment.update(env)
    site.environment = lambda: environment
    result = site.run("-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_readyz_answers_503_when_postgresql_refuses_connections_and_says_why_in_the_log_only(tmp_path):
    answer, log = probe_in_a_fresh_process(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/x")

    assert answer == {"status": 503, "body": "not ready\n", "cache_control": "no-store"}
    assert "Not ready: database: OperationalError: connection failed" in log
    assert "Connection refused" in log


def test_readyz_answers_503_when_the_sqlite_file_is_missing_and_makes_no_new_one(tmp_path):
    missing = tmp_path / "gone.sqlite3"

    answer, log = probe_in_a_fresh_process(tmp_path, SQLITE_PATH=str(missing))

    assert answer["status"] == 503
    assert answer["body"] == "not ready\n"
    assert f"Not ready: database: DatabaseFileGone: the SQLite file {missing} is missing" in log
    assert not missing.exists()


@pytest.mark.django_db
def test_readyz_answers_503_when_redis_has_nothing_listening_and_leaves_the_site_cache_alone(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "resilience.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
    outage_log.last_failure = None

    with caplog.at_level(logging.WARNING, logger="operations.health"):
        response = client.get("/readyz", **BALANCER)

    assert response.status_code == 503
    assert response.content == b"not ready\n"
    assert "cache: ConnectionError" in caplog.text
    assert "database" not in caplog.text
    assert outage_log.last_failure is None


@pytest.mark.django_db
@pytest.mark.usefixtures("database_queue")
def test_readyz_answers_503_when_a_due_task_has_waited_too_long_and_no_worker_started_one(client, caplog):
    queued_task(waited_minutes=25)
    queued_task(waited_minutes=12)
    queued_task(waited_minutes=20, started_minutes_ago=30)

    with caplog.at_level(logging.WARNING, logger="operations.health"):
        response = client.get("/readyz", **BALANCER)

    assert response.status_code == 503
    assert response.content == b"not ready\n"
    assert "queue: 2 task(s) have waited more than 10 min and no worker started a task since" in caplog.text


@pytest.mark.django_db
@pytest.mark.usefixtures("database_queue")
def test_a_backlog_is_ready_while_a_worker_keeps_starting_tasks(client):
    queued_task(waited_minutes=25)
    queued_task(waited_minutes=20, started_minutes_ago=2)

    assert client.get("/readyz", **BALANCER).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("database_queue")
def test_a_task_waiting_for_its_retry_is_not_due_and_keeps_the_site_ready(client):
    queued_task(waited_minutes=40, deferred_minutes=5)

    assert client.get("/readyz", **BALANCER).status_code == 200


@pytest.mark.django_db
def test_the_queue_is_not_checked_when_tasks_run_elsewhere(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    assert client.get("/readyz", **BALANCER).status_code == 200


@pytest.mark.django_db
def test_only_the_configured_checks_count(client, settings):
    settings.NEWSROOM_READY_CHECKS = ["database"]
    settings.CACHES = {
        "default": {
            "BACKEND": "resilience.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }

    assert client.get("/readyz", **BALANCER).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("database_queue")
def test_the_readiness_command_prints_each_check_and_fails_with_the_reason(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "resilience.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
    out = StringIO()

    with pytest.raises(CommandError, match="not ready"):
        call_command("readiness", stdout=out, no_color=True)

    lines = out.getvalue().splitlines()
    assert lines[0] == "database: ok"
    assert lines[1].startswith("cache: ConnectionError:")
    assert lines[2] == "queue: ok"
