"""A large WordPress export imported with `manage.py import_wordpress`: time and peak memory.

Writes the generated export of `bench/wordpress_export.py` (N posts, M comments: a third of them
replies, spam, pending and pingbacks among them; English and Korean, classic and block content; an
image attachment every fifth post), migrates a throwaway SQLite database in a temporary folder,
then runs the command three times, each in a process of its own (DEBUG off):

1. the first import (every post and comment new; no uploads folder, so images are listed missing);
2. the same file again (everything unchanged: what a re-run costs);
3. a dry run of it.

For each: wall and CPU seconds and the process's peak resident size (`os.wait4`'s rusage), and the
command's summary line. Benchmarks are not tests: the figures go to the README.

    .venv/bin/python bench/wordpress_import.py [--posts 2000] [--comments 20000] [--postgres URL]
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wordpress_export import write_export  # noqa: E402


def environment(folder, database_url):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "NEWSROOM_SITE_URL": "http://localhost",
        "NEWSROOM_MEDIA_ROOT": str(Path(folder) / "media"),
        "NEWSROOM_KOREAN_ANALYSER": "off",
        "DJANGO_TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
        env["DATABASE_STATEMENT_TIMEOUT"] = "600"
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
    return env


def measured(args, env):
    """Run manage.py `args`; returns (wall s, CPU s, peak RSS MB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # Read before waiting (a full pipe would block the child); wait4 gives this child's own rusage.
    stdout, stderr = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{stderr.decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout.decode()


def summary(output):
    lines = [line.strip() for line in output.splitlines()]
    return " | ".join(line for line in lines if line.startswith(("posts:", "comments:")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--postgres", metavar="URL", help="a DATABASE_URL of an empty PostgreSQL database to use")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.xml"
        size = write_export(export, options.posts, options.comments)
        print(f"export: {options.posts} posts, about {options.comments} comments, {size / 1e6:.1f} MB")
        env = environment(folder, options.postgres)
        migrate = [sys.executable, "manage.py", "migrate", "-v", "0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        runs = [
            ("first import", []),
            ("again (unchanged)", []),
            ("dry run", ["--dry-run"]),
        ]
        for label, extra in runs:
            args = ["import_wordpress", str(export), "--zone", "Asia/Seoul", "--no-progress", *extra]
            wall, cpu, peak, output = measured(args, env)
            rate = options.posts / wall
            print(f"{label}: {wall:.1f} s ({cpu:.1f} s of CPU, {rate:.0f} posts/s), peak RSS {peak:.0f} MB")
            print(f"    {summary(output)}")


if __name__ == "__main__":
    main()
