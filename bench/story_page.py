"""Requests per second of the story page, against the smallest Django view and the floor view
(bench/floor.py: the same 45 comments through a template, no database), in one run.

Starts gunicorn (DEBUG off, SQLite in a temporary folder, the seed page imported,
or a demo page when the seed is absent, brought to 45 approved comments, a third of
them replies) on 127.0.0.1 and loads it with `wrk`
(Debian package `wrk`) for a fixed time per URL. Prints a table with the ratio
story/minimal: only ratios measured in the same run are comparable.

    .venv/bin/python bench/story_page.py [--seconds 10] [--workers 2] [--connections 8]
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--comments", type=int, default=45, help="approved comments on the story (some replies)")
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
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        run(["migrate", "--noinput"], env)
        run(["collectstatic", "--noinput"], env)
        imported = subprocess.run(
            [sys.executable, "manage.py", "import_story", str(page)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        story_path = re.search(r"(/en/stories/[^/\s]+/)", imported).group(1)
        slug = story_path.split("/")[3]
        run(["shell", "-c", ADD_COMMENTS.format(slug=slug, total=options.comments)], env)

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
        try:
            base = f"http://127.0.0.1:{PORT}"
            wait_until_up(base + "/bench/minimal/")
            results = {}
            # A cookie of the comment form makes the page personal: rendered every time.
            personal = ["Cookie: newsroom_comment_author=x"]
            # A returning reader's browser sends back the CSRF cookie of its first visit.
            returning = ["Cookie: csrftoken=" + "k" * 32]
            runs = [
                ("minimal view", "/bench/minimal/", []),
                ("floor view", "/bench/floor/", []),
                ("story page", story_path, []),
                ("story, returning", story_path, returning),
                ("story, uncached", story_path, personal),
                ("home page", "/en/", []),
            ]
            for name, path, headers in runs:
                status = urllib.request.urlopen(base + path, timeout=10).status
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: measure pages, not redirects")
                wrk(base + path, 2, options.connections, headers)  # warm-up
                results[name] = wrk(base + path, options.seconds, options.connections, headers)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    minimal = results["minimal view"][0]
    floor = results["floor view"][0]
    print(
        f"gunicorn {options.workers} sync workers, wrk 1 thread {options.connections} connections, "
        f"{options.seconds}s per URL, page: {page.name}"
    )
    print(f"{'URL':<16} {'req/s':>9} {'vs minimal':>11} {'vs floor':>9} {'non-2xx':>8}")
    for name, (rate, errors) in results.items():
        print(f"{name:<16} {rate:>9.1f} {rate / minimal:>10.2f}x {rate / floor:>8.2f}x {errors:>8}")


if __name__ == "__main__":
    main()
