"""Where a rendered story page's time goes: cProfile over N renders, in-process.

Builds the benchmark's story (the seed page, or a demo page when the seed is absent, with 45
approved comments, a third of them replies) in a temporary SQLite database, then renders it N
times through Django's test client as a commenter (the author cookie: no page cache), under
cProfile, and prints the functions with the most cumulative and own time, and the mean time per
render in ms (a profiled time: about twice the plain one; only the shares compare).

    .venv/bin/python bench/profile_story.py [--renders 200] [--comments 45] [--top 30]
"""

import argparse
import cProfile
import os
import pstats
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.story_page import ADD_COMMENTS, DEMO, SEED  # noqa: E402


def prepare(folder, comments):
    """A database in `folder` with the story and its comments; returns (environment, story path)."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SSL_REDIRECT": "0",
        "NEWSROOM_SITE_URL": "http://testserver",
        "SQLITE_PATH": str(Path(folder) / "profile.sqlite3"),
        "STATIC_ROOT": str(Path(folder) / "static"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    page = SEED if SEED.exists() else DEMO
    imported = subprocess.run(
        [*manage, "import_story", str(page)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    story_path = re.search(r"(/en/stories/[^/\s]+/)", imported).group(1)
    code = ADD_COMMENTS.format(slug=story_path.split("/")[3], total=comments)
    subprocess.run([*manage, "shell", "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env, story_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--comments", type=int, default=45)
    parser.add_argument("--top", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env, story_path = prepare(folder, options.comments)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        import django

        django.setup()
        from django.test import Client

        client = Client()
        client.cookies["newsroom_comment_author"] = "x"  # a commenter's cookie: the page is rendered
        for _ in range(5):  # warm-up: templates compiled, translations loaded
            assert client.get(story_path).status_code == 200
        started = time.perf_counter()
        for _ in range(options.renders):
            client.get(story_path)
        plain = (time.perf_counter() - started) / options.renders * 1000
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.renders):
            client.get(story_path)
        profile.disable()
        print(f"{options.renders} renders of {story_path} with {options.comments} comments: {plain:.1f} ms each")
        ours = pstats.Stats(profile)
        print("Newsroom's own functions, by cumulative time:")
        ours.sort_stats("cumulative").print_stats(rf"^{ROOT}/(?!\.venv)", options.top)
        stats = pstats.Stats(profile).strip_dirs()
        stats.sort_stats("cumulative").print_stats(options.top)
        stats.sort_stats("tottime").print_stats(options.top)


if __name__ == "__main__":
    main()
