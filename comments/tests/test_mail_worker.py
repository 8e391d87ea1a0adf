"""The worker beside gunicorn: a post queues its e-mail, a worker sends it, a restart loses none.

Runs gunicorn and `manage.py db_worker` as processes over a throwaway database (live_site), with
the file e-mail backend, so what was sent is read from the mail folder.
"""

import json
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from .live_site import ROOT, Visitor, live_site, sent_mail, site_python, start_worker, stop

pytestmark = pytest.mark.live


def task_statuses(env):
    """The status of each task result in the live site's database, oldest first."""
    code = (
        "import json\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "print(json.dumps(list(DBTaskResult.objects.order_by('enqueued_at').values_list('status', flat=True))))\n"
    )
    return json.loads(site_python(env, code))


def post(host, text, email):
    visitor = Visitor(host)
    status, _html = visitor.post(visitor.show_form(), text, "Reader", email)
    assert status == 303


def test_a_post_queues_its_mail_and_a_restarted_worker_sends_what_waited(tmp_path):
    folder = tmp_path / "sent-mail"
    knobs = {
        "NEWSROOM_COMMENTS_MIN_SECONDS": "0",
        "NEWSROOM_COMMENTS_FLOOD_SECONDS": "0",
        "NEWSROOM_COMMENTS_MODERATOR_EMAILS": "mod@example.org",
        "DJANGO_EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(folder),
    }
    with live_site(tmp_path, workers=1, **knobs) as (host, env), open(tmp_path / "worker.log", "w") as log:
        worker = start_worker(env, log)
        post(host, "The first comment, sent while the worker runs.", "first@example.org")
        [first] = sent_mail(folder, 1)
        assert "The first comment, sent while the worker runs." in first
        assert stop(worker) == 0

        post(host, "The second comment, queued while no worker runs.", "second@example.org")
        time.sleep(1)
        assert len(list(folder.glob("*.log"))) == 1  # the request sent nothing
        assert task_statuses(env) == ["SUCCESSFUL", "READY"]

        worker = start_worker(env, log)
        try:
            second = sent_mail(folder, 2)[1]
        finally:
            assert stop(worker) == 0
        assert "The second comment, queued while no worker runs." in second
        assert task_statuses(env) == ["SUCCESSFUL", "SUCCESSFUL"]


class SilentMailServer:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word: an SMTP client
    waits there for the greeting until its timeout, so a worker sending to it stays mid-send."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


def wait_for_statuses(env, expected, seconds=30):
    deadline = time.monotonic() + seconds
    while (statuses := task_statuses(env)) != expected:
        assert time.monotonic() < deadline, f"task statuses {statuses}, expected {expected}"
        time.sleep(0.3)


def test_a_worker_killed_mid_send_leaves_its_task_running_until_it_is_requeued_and_sent(tmp_path):
    folder = tmp_path / "sent-mail"
    knobs = {
        "NEWSROOM_COMMENTS_MIN_SECONDS": "0",
        "NEWSROOM_COMMENTS_FLOOD_SECONDS": "0",
        "NEWSROOM_COMMENTS_MODERATOR_EMAILS": "mod@example.org",
        "DJANGO_EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(folder),
    }
    server = SilentMailServer()
    try:
        with live_site(tmp_path, workers=1, **knobs) as (host, env), open(tmp_path / "worker.log", "w") as log:
            post(host, "A comment whose mail meets a server that never answers.", "reader@example.org")
            stuck = {**env, "DJANGO_EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1"}
            stuck |= {"EMAIL_PORT": str(server.port), "EMAIL_USE_TLS": "0", "EMAIL_TIMEOUT": "120"}
            worker = start_worker(stuck, log, worker_id="doomed-worker")
            try:
                wait_for_statuses(env, ["RUNNING"])
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
            time.sleep(0.5)
            assert task_statuses(env) == ["RUNNING"]  # nothing in the library ever looks at it again

            requeue = [sys.executable, "manage.py", "requeue_abandoned_tasks", "--worker-id", "doomed-worker"]
            result = subprocess.run(requeue, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            assert "Requeued 1 abandoned task." in result.stdout
            assert task_statuses(env) == ["READY"]

            worker = start_worker(env, log)
            try:
                [message] = sent_mail(folder, 1)
            finally:
                assert stop(worker) == 0
            assert "A comment whose mail meets a server that never answers." in message
            wait_for_statuses(env, ["SUCCESSFUL"])
    finally:
        server.close()
