"""Requests per second of every reader page, against the smallest Django view and the floor view
(bench/floor.py: the same 45 comments through a template, no database), in one run (issue 12).

Starts gunicorn (DEBUG off, SQLite in a temporary folder, the local-memory cache of each worker)
on 127.0.0.1 with the seed page (or a demo page when the seed is absent) brought to 45 approved
comments, a third of them replies, the demo stories beside it and a story with 1,000 comments
(667 threads: 14 pages of 50). Each URL is loaded with `wrk` (Debian package `wrk`) for a fixed
time after a 2 s warm-up. Prints one table: requests/s, the ratio to the floor view, the goal and
whether it is met, then the SQL queries of the rendered story pages at 45 and 1,000 comments.
Only ratios measured in the same run are comparable.

"Cached" is what an anonymous reader gets (the page cache, articles/page_cache.py); "rendered"
sends a cookie of the comment form (`newsroom_comment_author`), which makes the page personal:
it is rendered every time, as for a commenter or an editor.

    .venv/bin/python bench/story_page.py [--seconds 5] [--workers 2] [--connections 8]
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_ecb8479c0830c2d5.txt"
DEMO = ROOT / "demo" / "stories" / "02_mapo_library_exam_season_hours.txt"
# The demo story that gets 1,000 comments (the Line 9 quiet cars).
LONG = ROOT / "demo" / "stories" / "03_line_9_quiet_cars_accessibility.txt"
PORT = 8123


def run(args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_up(url, deadline=30):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer {url} within {deadline}s")


ADD_COMMENTS = """
import datetime as dt
from articles.models import Story
from comments.models import Comment
story = Story.objects.get(slug={slug!r})
have = story.comments.count()
for number in range(have, {total}):
    parent = None
    if number % 3 == 2:
        parent = story.comments.order_by("-id").first()
    Comment.objects.create(
        story=story, parent=parent, author_name=f"Reader {{number}}", author_email=f"r{{number}}@example.org",
        author_url="https://reader.example/" if number % 4 == 0 else "",
        text=f"Comment {{number}}: a considered reply, with a link https://example.org/{{number}}"
        + chr(10) + "and a second line.",
        status="approved", created_at=story.published_at + dt.timedelta(minutes=number),
    )
print(story.comments.count())
"""


def wrk(url, seconds, connections, headers=()):
    header_args = [arg for header in headers for arg in ("-H", header)]
    output = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", *header_args, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


PATHS = """
import json
from django.urls import reverse
from django.utils import translation
from articles.models import Section, Story
story = Story.objects.get(slug={slug!r})
with translation.override("en"):
    section = Section.objects.filter(stories__status="published").order_by("position", "id").first()
    paths = {{
        "hashtag": story.hashtags.order_by("slug").first().get_absolute_url(),
        "section": section.get_absolute_url() if section else None,
        "outlet": story.outlet.get_absolute_url(),
        "reporter": (
            reverse("articles:reporter", kwargs={{"slug": story.reporter_slug}}) if story.reporter_slug else None
        ),
    }}
print(json.dumps(paths))
"""

# The SQL queries of each rendered story page (a commenter's cookie), counted in-process on the same database.
QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1", headers={{"cookie": "newsroom_comment_author=x"}})
counts = {{}}
for name, path in {paths!r}.items():
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    assert status == 200, (path, status)
    counts[name] = len(queries)
print(json.dumps(counts))
"""

# (goal as a ratio to the floor view, or None): issue 12's goals.
RENDERED_STORY_GOAL = 0.5
LONG_STORY_GOAL = 0.25
CACHED_PAGE_GOAL = 2.0


def manage_output(env, *args):
    """The standard output (str) of `manage.py *args` with `env`; raises CalledProcessError if it fails."""
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def import_story(env, page):
    """Import one story file with the site's command; returns its English path."""
    return re.search(r"(/en/stories/[^/\s]+/)", manage_output(env, "import_story", str(page))).group(1)


def shell_json(env, code):
    """The last line `code` prints in the site's shell, read as JSON."""
    return json.loads(manage_output(env, "shell", "-c", code).strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--comments", type=int, default=45, help="approved comments on the story (some replies)")
    parser.add_argument("--long-comments", type=int, default=1000, help="approved comments on the long story")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    page = SEED if SEED.exists() else DEMO
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SSL_REDIRECT": "0",
            "NEWSROOM_SITE_URL": f"http://127.0.0.1:{PORT}",
            "SQLITE_PATH": str(Path(folder) / "bench.sqlite3"),
            "STATIC_ROOT": str(Path(folder) / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "NEWSROOM_PURGE_URLS", "SENTRY_DSN"):
            env.pop(name, None)
        started = time.monotonic()
        run(["migrate", "--noinput"], env)
        run(["collectstatic", "--noinput"], env)
        story_path = import_story(env, page)
        long_path = import_story(env, LONG)
        run(["import_story", "--only-new", str(ROOT / "demo" / "stories")], env)
        slug = story_path.split("/")[3]
        run(["shell", "-c", ADD_COMMENTS.format(slug=slug, total=options.comments)], env)
        run(["shell", "-c", ADD_COMMENTS.format(slug=long_path.split("/")[3], total=options.long_comments)], env)
        paths = shell_json(env, PATHS.format(slug=slug))
        queries = shell_json(
            env, QUERIES.format(paths={"story, 45 comments": story_path, "story, 1,000 comments": long_path})
        )
        static_path = "/static/" + next(
            line.split('"')[1]
            for line in Path(env["STATIC_ROOT"], "staticfiles.json").read_text().split(",")
            if '"css/' in line
        )
        print(f"prepared in {time.monotonic() - started:.0f} s", file=sys.stderr)

        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "bench.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(options.workers),
                # gunicorn.conf.py runs threads; the figures in the README are for sync workers, no access log.
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        # A cookie of the comment form makes the page personal: rendered every time.
        personal = ["Cookie: newsroom_comment_author=x"]
        # (label, path, headers, goal as a ratio to the floor view)
        runs = [
            ("minimal view", "/bench/minimal/", [], None),
            ("floor view (45 comments)", "/bench/floor/", [], None),
            ("static file (WhiteNoise)", static_path, [], None),
            ("story, rendered", story_path, personal, RENDERED_STORY_GOAL),
            ("story 1,000 comments, rendered", long_path, personal, LONG_STORY_GOAL),
            ("story 1,000 comments, page 14", long_path + "?cpage=14", personal, LONG_STORY_GOAL),
            ("story, cached", story_path, [], CACHED_PAGE_GOAL),
            ("story 1,000 comments, cached", long_path, [], CACHED_PAGE_GOAL),
            ("home, cached", "/en/", [], CACHED_PAGE_GOAL),
            ("home, rendered", "/en/", personal, None),
            ("home (Korean), cached", "/ko/", [], CACHED_PAGE_GOAL),
            ("hashtag index, cached", "/en/tags/", [], CACHED_PAGE_GOAL),
            ("hashtag, cached", paths["hashtag"], [], CACHED_PAGE_GOAL),
            ("section, cached", paths["section"], [], CACHED_PAGE_GOAL),
            ("outlet, cached", paths["outlet"], [], CACHED_PAGE_GOAL),
            ("reporter, cached", paths["reporter"], [], CACHED_PAGE_GOAL),
            ("corrections, cached", "/en/corrections/", [], CACHED_PAGE_GOAL),
            ("search, cached", "/en/search/?q=library", [], CACHED_PAGE_GOAL),
            ("RSS feed, cached", "/en/feeds/stories.rss", [], CACHED_PAGE_GOAL),
            ("RSS feed, rendered", "/en/feeds/stories.rss", personal, None),
            ("Atom feed, cached", "/en/feeds/stories.atom", [], CACHED_PAGE_GOAL),
            ("comment feed, cached", story_path + "comments/feed.rss", [], CACHED_PAGE_GOAL),
            ("sitemap index, cached", "/sitemap.xml", [], CACHED_PAGE_GOAL),
            ("sitemap of stories, cached", "/sitemap-stories.xml", [], CACHED_PAGE_GOAL),
            ("news sitemap, cached", "/news-sitemap.xml", [], CACHED_PAGE_GOAL),
        ]
        results = {}
        try:
            base = f"http://127.0.0.1:{PORT}"
            wait_until_up(base + "/bench/minimal/")
            for name, path, headers, _goal in runs:
                if path is None:
                    print(f"skipped {name}: the demo has none", file=sys.stderr)
                    continue
                request = urllib.request.Request(base + path, headers=dict(h.split(": ", 1) for h in headers))
                status = urllib.request.urlopen(request, timeout=30).status
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: measure pages, not redirects")
                wrk(base + path, 2, options.connections, headers)  # warm-up
                results[name] = wrk(base + path, options.seconds, options.connections, headers)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    minimal = results["minimal view"][0]
    floor = results["floor view (45 comments)"][0]
    print(
        f"gunicorn {options.workers} sync workers, wrk 1 thread {options.connections} connections, "
        f"{options.seconds} s per URL, SQLite, page: {page.name}, {time.strftime('%Y-%m-%d')}"
    )
    print(f"{'URL':<32} {'req/s':>8} {'vs minimal':>10} {'vs floor':>9} {'goal':>6} {'met':>4} {'non-2xx':>8}")
    missed = []
    for name, _path, _headers, goal in runs:
        if name not in results:
            continue
        rate, errors = results[name]
        ratio = rate / floor
        met = "" if goal is None else ("yes" if ratio >= goal else "NO")
        if met == "NO":
            missed.append(name)
        goal_text = "" if goal is None else f"{goal:.2f}x"
        print(f"{name:<32} {rate:>8.1f} {rate / minimal:>9.2f}x {ratio:>8.2f}x {goal_text:>6} {met:>4} {errors:>8}")
    print("SQL queries per rendered page: " + ", ".join(f"{name} {count}" for name, count in queries.items()))
    if missed:
        print("goals not met: " + ", ".join(missed))


if __name__ == "__main__":
    main()
