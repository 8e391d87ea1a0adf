"""A real deployment for tests: gunicorn workers on 127.0.0.1 over their own database.

`live_site(...)` migrates a throwaway database (a SQLite file, or a new PostgreSQL
database when the test run itself is on PostgreSQL), imports a demo story, starts
gunicorn with DEBUG off, and stops and removes it all afterwards. `start_worker` runs the
task worker beside it; `sent_mail` reads what the file e-mail backend wrote; `site_python`
runs code against the site's database with its own settings.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEMO_STORY = ROOT / "demo" / "stories" / "02_mapo_library_exam_season_hours.txt"
STORY_PATH = "/en/stories/mapo-district-library-extends-opening-hours-for-exam-season/"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_database(folder):
    """DATABASE_URL / SQLITE_PATH for a fresh database on the engine this test run uses."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        yield {"SQLITE_PATH": str(Path(folder) / "live.sqlite3"), "DATABASE_URL": ""}
        return
    import psycopg

    name = f"newsroom_live_{uuid.uuid4().hex[:12]}"
    credentials = {
        "host": database.get("HOST") or "127.0.0.1",
        "port": database.get("PORT") or 5432,
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = urllib.parse.quote(credentials["user"])
    password = f":{urllib.parse.quote(credentials['password'])}" if credentials["password"] else ""
    url = f"postgres://{user}{password}@{credentials['host']}:{credentials['port']}/{name}"
    try:
        yield {"DATABASE_URL": url}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def live_site(tmp_path, *, workers, **extra_env):
    """Yields (base_url, env) of a running gunicorn; extra_env sets NEWSROOM_* knobs."""
    with throwaway_database(tmp_path) as database_env:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(tmp_path / "static"),
            "LOG_LEVEL": "WARNING",
            # gunicorn.conf.py loads Kiwi (340 MB, 1 s) in the master: no live test searches Korean.
            "NEWSROOM_KOREAN_ANALYSER": "off",
            "REDIS_URL": "",
            # As deployed: e-mail is queued in the database for a worker (test_mail_worker.py starts one).
            "DJANGO_TASKS_BACKEND": "database",
            # The site's own address: pages are cached for it (articles/page_cache.py, bounded origins).
            "NEWSROOM_SITE_URL": f"http://127.0.0.1:{port}",
            **database_env,
            **extra_env,
        }
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["import_story", str(DEMO_STORY)]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
        log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below, after the server stops
        server = subprocess.Popen(
            [str(GUNICORN), "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(port)
            yield f"127.0.0.1:{port}", env
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(f"127.0.0.1:{port}", "GET", STORY_PATH)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not serve the story within {seconds} s")


def request(host, method, path, *, body=None, headers=None, timeout=30):
    connection = http.client.HTTPConnection(host, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Visitor:
    """One browser: shows the form (keeping the CSRF cookie), then posts it."""

    def __init__(self, host):
        self.host = host
        self.cookies = {}

    def headers(self):
        return {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}

    def keep_cookies(self, headers):
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def show_form(self):
        """Open the story page and fetch the form's values as its script does (data-values-url)."""
        status, headers, html = request(self.host, "GET", STORY_PATH, headers=self.headers())
        assert status == 200, f"story page answered {status}"
        self.keep_cookies(headers)
        url = re.search(r'<form id="comment-form"[^>]*\sdata-values-url="([^"]+)"', html).group(1)
        status, headers, body = request(self.host, "GET", url, headers=self.headers())
        assert status == 200, f"the form's values answered {status}"
        self.keep_cookies(headers)
        return json.loads(body)

    def post(self, hidden, text, name, email):
        body = urllib.parse.urlencode({**hidden, "text": text, "author_name": name, "author_email": email})
        headers = {**self.headers(), "Content-Type": "application/x-www-form-urlencoded"}
        status, _, html = request(self.host, "POST", STORY_PATH + "comments/", body=body, headers=headers)
        return status, html


def site_python(env, code, timeout=60):
    """Run Python `code` (after django.setup()) with the live site's settings; returns its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.stdout


def stored_comments(env):
    """(text, status) of every comment in the live site's database, read by its own code."""
    code = (
        "import json\n"
        "from comments.models import Comment\n"
        "print(json.dumps(list(Comment.objects.exclude(rule='imported').values_list('text', 'status'))))\n"
    )
    return [tuple(row) for row in json.loads(site_python(env, code))]


def start_worker(env, log, worker_id=None):
    named = ["--worker-id", worker_id] if worker_id else []
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *named],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(worker):
    """SIGTERM, as `make run` and a service manager stop it; returns its exit status."""
    worker.send_signal(signal.SIGTERM)
    return worker.wait(timeout=30)


def sent_mail(folder, count, seconds=20):
    """The texts of the messages in `folder` once there are `count` of them (fails after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if len(files) >= count:
            return [path.read_text() for path in files]
        time.sleep(0.2)
    raise AssertionError(f"{count} message(s) expected in {folder}, found {len(files)}")
