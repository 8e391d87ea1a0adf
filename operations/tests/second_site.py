"""A second site beside the test database: another SQLite file, or another PostgreSQL database on the same
server, with its own media folder, reached by running manage.py in a subprocess (as an operator would)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# What a subprocess must not inherit from the test run: the second site has its own database and media.
SITE_VARIABLES = ("DATABASE_URL", "SQLITE_PATH", "NEWSROOM_MEDIA_ROOT", "REDIS_URL", "NEWSROOM_ENV_FILE")

READ_CONTENT = """
import json, django
django.setup()
from django.core.files.storage import default_storage
from articles.models import Story
from comments.models import Comment, ModerationLogEntry
from operations.backups import storage_files
print(json.dumps({
    "stories": sorted([s.slug, s.headline, s.headline_ko, s.body] for s in Story.objects.all()),
    "comments": sorted(
        [c.text, c.author_email, c.status, c.parent.text if c.parent else None]
        for c in Comment.objects.select_related("parent")
    ),
    "log": sorted(
        [e.comment.text, e.from_status, e.to_status, e.reason]
        for e in ModerationLogEntry.objects.select_related("comment")
    ),
    "media": {name: default_storage.open(name).read().hex() for name in storage_files(default_storage)},
}))
"""


class SecondSite:
    """Run manage.py against a second database (`url`: a DATABASE_URL, or None for the SQLite file `sqlite_path`)."""

    def __init__(self, tmp_path, url=None):
        self.media = tmp_path / "second-media"
        self.sqlite_path = tmp_path / "second.sqlite3"
        self.url = url

    def environment(self):
        env = {key: value for key, value in os.environ.items() if key not in SITE_VARIABLES}
        env.update(
            DJANGO_DEBUG="1",
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DJANGO_TASKS_BACKEND="immediate",
            NEWSROOM_KOREAN_ANALYSER="off",
            NEWSROOM_MEDIA_ROOT=str(self.media),
            NEWSROOM_ENV_FILE="",
        )
        if self.url:
            env["DATABASE_URL"] = self.url
        else:
            env["SQLITE_PATH"] = str(self.sqlite_path)
        return env

    def run(self, *args):
        """`python ARGS` in the project folder against this site; the CompletedProcess."""
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.environment(), capture_output=True, text=True, timeout=180
        )

    def manage(self, *args):
        return self.run("manage.py", *args)

    def content(self):
        """{stories, comments, log, media} of this site, read through the ORM and its storage."""
        result = self.run("-c", READ_CONTENT)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def postgresql_url(name):
    """A DATABASE_URL for the database `name` on the server the tests use."""
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
