"""The sitemap index and its stories files over a large archive: time, queries, bytes and memory.

Migrates a throwaway SQLite database in a temporary folder, stores N published stories (bulk
inserts; slugs of about 60 characters, as headlines make them, or `--slug-length`), then renders
through Django's test client, with the page cache off, (DEBUG off):

1. /sitemap.xml, the index;
2. /sitemap-stories.xml, its first file, and the last stories file (`?p=`).

For each: wall and CPU seconds (best of `--repeat`; on a shared machine the CPU time is the steadier
figure), queries, bytes, and the growth of the process's peak resident size (getrusage) over that
request (beyond what the requests before it reached). `--django-paginator` renders with Django's own
paginator (`Sitemap.paginator`, which builds the list of every (story, language) pair) instead of
`articles.sitemaps.LanguagePairs`, for comparison. Benchmarks are not tests: the figures go to the
README ("Feeds and sitemaps").

    .venv/bin/python bench/sitemaps.py [--stories 100000] [--slug-length 60] [--repeat 3] [--django-paginator]
"""

import argparse
import datetime as dt
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "news.example.org"


def environment(folder):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SSL_REDIRECT": "0",
        "NEWSROOM_SITE_URL": f"https://{HOST}",
        "NEWSROOM_PAGE_CACHE_SECONDS": "0",
        "SQLITE_PATH": str(Path(folder) / "sitemaps.sqlite3"),
        "STATIC_ROOT": str(Path(folder) / "static"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return env


def store_stories(count, slug_length):
    """`count` published stories of one outlet, an hour apart, newest first, in batches."""
    from articles.models import Outlet, Story

    outlet = Outlet.objects.create(name="Bench outlet", homepage="https://outlet.example/", time_zone="Asia/Seoul")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    batch = []
    for number in range(count):
        stem = f"harbour-ferries-run-all-night-as-the-strike-ends-{number}-"
        slug = (stem * (slug_length // len(stem) + 1))[: slug_length - len(str(number))] + str(number)
        batch.append(
            Story(
                headline=f"Harbour story {number}",
                slug=slug,
                body="A paragraph.",
                body_plain="A paragraph.",
                status=Story.Status.PUBLISHED,
                published_at=start - dt.timedelta(hours=number),
                outlet=outlet,
            )
        )
        if len(batch) == 5000:
            Story.objects.bulk_create(batch)
            batch = []
    Story.objects.bulk_create(batch)


def measure(client, path, repeat):
    """(best wall seconds, best CPU seconds, queries, bytes, growth of the peak resident size in MB,
    the body) of GET `path`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, HTTP_HOST=HOST, secure=True)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    return min(wall), min(cpu), len(queries), len(response.content), grown, response.content


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--slug-length", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--django-paginator", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = environment(folder)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        import django

        django.setup()
        from django.contrib.sitemaps import Sitemap
        from django.test import Client

        from articles import sitemaps

        if options.django_paginator:
            sitemaps.BilingualSitemap.paginator = Sitemap.paginator
        started = time.perf_counter()
        store_stories(options.stories, options.slug_length)
        print(f"{options.stories:,} stories stored in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.get("/robots.txt", HTTP_HOST=HOST, secure=True)  # warm-up: the URLconf, the translations
        files = sitemaps.StorySitemap().paginator.num_pages
        paths = ["/sitemap.xml", "/sitemap-stories.xml", f"/sitemap-stories.xml?p={files}"]
        paginator = "Django's paginator" if options.django_paginator else "LanguagePairs"
        print(f"limit {sitemaps.SITEMAP_LIMIT:,} addresses a file, {files} stories files, {paginator}")
        for path in paths:
            wall, cpu, queries, size, grown, content = measure(client, path, options.repeat)
            addresses = content.count(b"<url>") or content.count(b"<sitemap>")
            print(
                f"{path:28} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms CPU {queries:2} queries "
                f"{size / 1e6:6.2f} MB {addresses:6,} entries, peak RSS +{grown:.0f} MB"
            )
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
