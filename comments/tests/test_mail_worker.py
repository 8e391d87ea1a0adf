"""The worker beside gunicorn: a post queues its e-mail, a worker sends it, a restart loses none.

Runs gunicorn and `manage.py db_worker` as processes over a throwaway database (live_site), with
the file e-mail backend, so what was sent is read from the mail folder.
"""

import json
import time

import pytest

from .live_site import Visitor, live_site, sent_mail, site_python, start_worker, stop

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
