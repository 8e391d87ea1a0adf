"""Page times of a small and a large generated archive, in one run: do listings, feeds and story pages
stay constant-time as the archive grows?

Each size (default 1,000 stories / 10,000 comments, then 100,000 / 1,000,000) has a process of its
own (DEBUG off, as bench/story_page.py runs the site) and a fresh database: SQLite in a temporary
folder, or with `--database-url` that PostgreSQL database for the large archive and the same name
with `_small` for the small one, both made anew and dropped after. Each is migrated and filled by
`bench/archive_data.py`, one after the other; then both processes render the same pages through
Django's test client, taking turns request by request, so that a busy moment of a shared machine
falls on both sizes alike: a warm-up, `--runs` timed renders, each after clearing the cache (every
request renders, as a page-cache miss does: the version query, the view, the templates), and one
more counting its SQL queries (`CaptureQueriesContext`), with the slowest and its plan. A page
slower than 5 s is rendered once more only; on SQLite one still running at 60 s is cut (its query
interrupted: the site's 503 page).

Prints the generation times, then a table: page, median wall-clock ms at each size and their ratio,
median CPU ms of the process at each size and their ratio (on SQLite all of the work; on a shared
machine the steadier figure), and the queries at each size. Constant-time means ratios near 1 and the
same queries. Then the pages whose queries read a growing table whole at the large size (SQLite's
`SCAN`, PostgreSQL's `Seq Scan`), and for each page whose CPU time grew by half or more (every page
with `--plans`), its slowest query and that query's plan.

    .venv/bin/python bench/archive.py                     # 1,000/10,000 then 100,000/1,000,000, SQLite
    .venv/bin/python bench/archive.py --small             # a quick run: 1,000/10,000 then 10,000/100,000
    .venv/bin/python bench/archive.py --stories 50000 --comments 500000 --runs 7 --plans
    .venv/bin/python bench/archive.py --analyze           # SQLite with statistics (ANALYZE after generating)
    .venv/bin/python bench/archive.py --database-url postgres://postgres@127.0.0.1:5432/newsroom_archive_bench
"""

import argparse
import math
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environment(folder, database_url, label):
    """The environment of one size's process: production mode, the database, the shared static files."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SSL_REDIRECT": "0",
        "NEWSROOM_SITE_URL": "http://testserver",
        "SQLITE_PATH": str(Path(folder) / f"{label}.sqlite3"),
        "STATIC_ROOT": str(Path(folder) / "static"),
        "LOG_LEVEL": "ERROR",  # not the 404s of pages an archive this size does not have
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def administer(database_url, statement):
    """Run `statement` (CREATE or DROP DATABASE) on the server of `database_url`, from its `postgres` database."""
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as server:
        server.execute(statement)


def database_name(database_url):
    """The database name in `database_url`; SystemExit unless it is letters, digits and underscores (it
    goes into CREATE and DROP DATABASE)."""
    name = urlsplit(database_url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"--database-url names no plain database: {database_url}")
    return name


def start_size(label, stories, comments, options, folder):
    """Start the process of one size (`serve_size`); returns (process, its end of the pipe, database URL)."""
    database_url = options.database_url
    if database_url:
        name = database_name(database_url) + ("_small" if label == "small" else "")
        database_url = urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
        administer(database_url, f'DROP DATABASE IF EXISTS "{name}"')
        administer(database_url, f'CREATE DATABASE "{name}"')
    env = environment(folder, database_url, label)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: Django set up from `env`
    ours, theirs = context.Pipe()
    process = context.Process(target=serve_size, args=(env, stories, comments, options.analyze, theirs))
    process.start()
    return process, ours, database_url


def stop_size(process, pipe, database_url):
    """End a size's process and drop its PostgreSQL database (a SQLite file goes with the folder)."""
    if process.is_alive():
        pipe.send(None)
        process.join(timeout=60)
    if process.is_alive():
        process.terminate()
    if database_url:
        administer(database_url, f'DROP DATABASE IF EXISTS "{database_name(database_url)}"')


def pages(archive, public_stories):
    """(name, path) of every page measured. The front page's page 40 exists at 1,000 stories, page 400
    only in a larger archive (`(404)` in the table), its last page is the deepest there is; the
    sitemap files after sitemap.xml exist once it is an index (else `(404)`)."""
    from django.conf import settings

    from articles.models import Story
    from bench.archive_data import BIG_STORY_COMMENTS, SEARCH_COMMON, SEARCH_RARE, SEARCH_SHORT_KOREAN
    from comments.threads import thread_page

    story = Story.objects.get(slug=archive.big_story)
    last_comments = thread_page(story, 10**6, per_page=settings.COMMENTS_PER_PAGE).number
    last_home = math.ceil(max(1, public_stories - 4) / settings.NEWSROOM_STORIES_PER_PAGE)  # 4 pinned
    story_path = f"/en/stories/{archive.big_story}/"
    comments = f"{BIG_STORY_COMMENTS:,}"
    return [
        ("home, page 1", "/en/"),
        ("home, page 40", "/en/?page=40"),
        ("home, page 400", "/en/?page=400"),
        ("home, last page", f"/en/?page={last_home}"),
        ("hashtag (most used)", f"/en/tags/{quote(archive.hashtag)}/"),
        ("section (largest)", f"/en/sections/{quote(archive.section)}/"),
        ("outlet (largest)", f"/en/outlets/{quote(archive.outlet)}/"),
        ("reporter (most stories)", f"/en/reporters/{quote(archive.reporter)}/"),
        ("hashtag index", "/en/tags/"),
        ("RSS feed", "/en/feeds/stories.rss"),
        ("Atom feed", "/en/feeds/stories.atom"),
        ("hashtag feed (RSS)", f"/en/tags/{quote(archive.hashtag)}/feed.rss"),
        ("section feed (RSS)", f"/en/sections/{quote(archive.section)}/feed.rss"),
        ("corrections", "/en/corrections/"),
        ("corrections feed (RSS)", "/en/corrections/feed.rss"),
        (f"search, rare word ({SEARCH_RARE})", f"/en/search/?q={quote(SEARCH_RARE)}"),
        (f"search, common word ({SEARCH_COMMON})", f"/en/search/?q={quote(SEARCH_COMMON)}"),
        (f"search, 2-letter Korean ({SEARCH_SHORT_KOREAN})", f"/ko/search/?q={quote(SEARCH_SHORT_KOREAN)}"),
        ("sitemap.xml", "/sitemap.xml"),
        ("sitemap-stories.xml?p=1", "/sitemap-stories.xml?p=1"),
        ("sitemap-hashtags.xml", "/sitemap-hashtags.xml"),
        ("news-sitemap.xml", "/news-sitemap.xml"),
        (f"story, {comments} comments, page 1", story_path),
        (f"story, {comments} comments, last page", f"{story_path}?cpage={last_comments}"),
        ("story's comment feed (RSS)", f"{story_path}comments/feed.rss"),
    ]


def query_plan(sql):
    """The database's plan of `sql` (as Django logged it, parameters in), as lines; [] when it cannot tell."""
    from django.db import DatabaseError, connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except DatabaseError:
        return []
    return [" ".join(str(value) for value in row) if connection.vendor == "sqlite" else row[0] for row in rows]


# A page whose warm-up took longer than this is rendered once more, not `--runs` times; one that takes
# longer than LIMIT_SECONDS is cut there (SQLite: its query interrupted, the site's 503 page).
SLOW_SECONDS = 5
LIMIT_SECONDS = 60
# A table read whole in a plan line: SQLite's `SCAN t` (`SCAN t USING INDEX i` reads all of i), its FTS
# table without MATCH (`VIRTUAL TABLE INDEX 0:`), PostgreSQL's `Seq Scan on t`. Tables that grow with
# the archive only.
FULL_SCAN = re.compile(r"^\d+ \d+ \d+ SCAN (\w+)\b(?! VIRTUAL TABLE INDEX \d+:M)|Seq Scan on (\w+)")
LARGE_TABLES = {
    "articles_story",
    "articles_storyhashtag",
    "articles_story_search",
    "comments_comment",
    "comments_commenter",
}


def rendered(client, path):
    """One render of `path` after clearing the cache: (status, wall-clock ms, CPU ms of this process).
    On SQLite, "cut" when the request ran into LIMIT_SECONDS."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    timer = None
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        timer = threading.Timer(LIMIT_SECONDS, connection.connection.interrupt)
        timer.start()
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        response = client.get(path)
    finally:
        if timer is not None:
            timer.cancel()
    seconds = time.perf_counter() - started
    status = "cut" if seconds >= LIMIT_SECONDS else response.status_code
    return status, seconds * 1000, (time.process_time() - started_cpu) * 1000


def queries_of(client, path):
    """{queries, slowest_sql, slowest_ms, plan, bytes} of one render of `path` (the cache cleared)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    scans = set()
    for query in captured.captured_queries:
        for line in query_plan(query["sql"]):
            for match in FULL_SCAN.finditer(line):
                scans.add(match.group(1) or match.group(2))
    scans &= LARGE_TABLES
    return {
        "queries": len(captured.captured_queries),
        "slowest_sql": slowest["sql"],
        "slowest_ms": float(slowest["time"]) * 1000,
        "plan": query_plan(slowest["sql"]),
        "full_scans": sorted(scans),
        "bytes": len(response.content),
    }


def serve_size(env, stories, comments, analyze, pipe):
    """The process of one size: set up Django in `env`, migrate, generate, then answer `pipe`.

    Sends {vendor, generated_seconds, steps, counts, pages: [(name, path)]} once the archive is made,
    then for each request ("render" or "queries", page name) the answer of `rendered` or
    `queries_of`; None ends it.
    """
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.archive_data import make_archive

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    archive = make_archive(stories, comments)
    generated = time.perf_counter() - started
    if connection.vendor == "postgresql" or analyze:
        # PostgreSQL: what autovacuum does after a bulk load. SQLite gathers statistics only when told.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET statement_timeout = 0")  # the site's 5 s is for pages (connection closed below)
            cursor.execute("ANALYZE")
    pages_here = pages(archive, archive.counts["public_stories"])
    connection.close()  # measured on a connection as the site opens it
    vendor = connection.vendor + (" (ANALYZE run)" if analyze and connection.vendor == "sqlite" else "")
    steps = {step: round(seconds, 1) for step, seconds in archive.seconds.items()}
    pipe.send(
        {
            "vendor": vendor,
            "generated_seconds": generated,
            "steps": steps,
            "counts": archive.counts,
            "pages": pages_here,
        }
    )
    paths = dict(pages_here)
    client = Client()
    while (request := pipe.recv()) is not None:
        kind, name = request
        pipe.send(rendered(client, paths[name]) if kind == "render" else queries_of(client, paths[name]))


def measure_both(sizes, names, runs):
    """{size label: {page name: result}} for `sizes` ({label: pipe}), the sizes taking turns at each
    request: a warm-up, `runs` renders (once when the warm-up took SLOW_SECONDS), the queries.
    A result is {status, ms, cpu_ms (medians), runs, queries, slowest_sql, slowest_ms, plan, bytes};
    {status} alone for a page that does not answer 200 (or was cut) at that size."""
    results = {label: {} for label in sizes}
    for name in names:
        answering = {}
        for label, pipe in sizes.items():
            pipe.send(("render", name))
            status, ms, _cpu = pipe.recv()
            if status == 200:
                answering[label] = ms
            else:
                results[label][name] = {"status": status}
        times = {label: ([], []) for label in answering}
        repeat = 1 if any(ms > SLOW_SECONDS * 1000 for ms in answering.values()) else runs
        for _ in range(repeat):
            for label in answering:
                sizes[label].send(("render", name))
                _status, ms, cpu = sizes[label].recv()
                times[label][0].append(ms)
                times[label][1].append(cpu)
        for label, (wall, cpu) in times.items():
            sizes[label].send(("queries", name))
            queries = sizes[label].recv()
            results[label][name] = {"status": 200, "ms": statistics.median(wall), "cpu_ms": statistics.median(cpu)}
            results[label][name].update(runs=repeat, **queries)
    return results


def cell(page, key, format_):
    """A page's figure for the table: its value, `(404)` for a page that is not there, `>60 s` for one cut."""
    if page.get("status") == "cut":
        return f">{LIMIT_SECONDS} s"
    return format_.format(page[key]) if page.get("status") == 200 else f"({page.get('status', '-')})"


def report(info, results, options):
    """Print the generation summary of each size (`info`: what its process sent when ready) and the
    table of both sizes' `results` (`measure_both`)."""
    for label in ("small", "large"):
        counts, steps = info[label]["counts"], info[label]["steps"]
        print(
            f"{label}: {counts['stories']:,} stories ({counts['public_stories']:,} public), "
            f"{counts['comments']:,} comments, {counts['hashtag_links']:,} hashtag links, "
            f"{counts['corrections']:,} corrections, {counts['commenters']:,} commenters on {info[label]['vendor']}; "
            f"generated in {info[label]['generated_seconds']:.0f} s "
            f"({', '.join(f'{step} {seconds:.0f} s' for step, seconds in steps.items())})"
        )
    print(
        f"median of {options.runs} renders after a warm-up, the two sizes taking turns, the cache cleared before "
        "each: wall-clock ms, and CPU ms of the size's process (on SQLite all of the work)"
    )
    header = (
        f"{'page':<36} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'small CPU':>9} {'large CPU':>9} {'ratio':>6}"
        f" {'queries':>9}"
    )
    print(header)
    print("-" * len(header))
    slow = []
    for name, page in results["large"].items():
        before = results["small"][name]
        both = before.get("status") == 200 and page.get("status") == 200
        ratio = f"{page['ms'] / before['ms']:.2f}" if both else "-"
        cpu_ratio = f"{page['cpu_ms'] / max(before['cpu_ms'], 0.01):.2f}" if both else "-"
        queries = f"{cell(before, 'queries', '{}')}/{cell(page, 'queries', '{}')}"
        print(
            f"{name:<36} {cell(before, 'ms', '{:.1f}'):>9} {cell(page, 'ms', '{:.1f}'):>9} {ratio:>6}"
            f" {cell(before, 'cpu_ms', '{:.1f}'):>9} {cell(page, 'cpu_ms', '{:.1f}'):>9} {cpu_ratio:>6} {queries:>9}"
        )
        if page.get("status") == 200 and (options.plans or (both and page["cpu_ms"] > 1.5 * before["cpu_ms"] + 1)):
            slow.append((name, before, page))
    scanned = [(name, page["full_scans"]) for name, page in results["large"].items() if page.get("full_scans")]
    if scanned:
        print("tables read whole by a query of the page, large archive:")
        for name, tables in scanned:
            print(f"  {name}: {', '.join(tables)}")
    once = [name for name, page in results["large"].items() if page.get("runs") == 1]
    if once:
        print(f"rendered once (slower than {SLOW_SECONDS} s): {', '.join(once)}")
    for name, before, page in slow:
        print(f"\n{name}: slowest query {before.get('slowest_ms', 0):.1f} ms small, {page['slowest_ms']:.1f} ms large")
        print("  " + page["slowest_sql"][:600])
        for line in page["plan"]:
            print("    " + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000, help="stories of the large archive")
    parser.add_argument("--comments", type=int, default=1_000_000, help="comments of the large archive")
    parser.add_argument("--small-stories", type=int, default=1000, help="stories of the small archive")
    parser.add_argument("--small-comments", type=int, default=10_000, help="comments of the small archive")
    parser.add_argument("--small", action="store_true", help="a quick run: the large archive 10,000 / 100,000")
    parser.add_argument("--runs", type=int, default=5, help="renders per page (the median is printed)")
    parser.add_argument("--plans", action="store_true", help="print every page's slowest query and its plan")
    parser.add_argument(
        "--analyze", action="store_true", help="SQLite: ANALYZE after generating (the site itself never runs it)"
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL: the large archive's database, made anew")
    options = parser.parse_args()
    if options.small:
        options.stories, options.comments = 10_000, 100_000
    if options.database_url:
        database_name(options.database_url)  # refuse a bad name before generating anything
    started = time.perf_counter()
    sizes = {"small": (options.small_stories, options.small_comments), "large": (options.stories, options.comments)}
    running, info = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        env = environment(folder, "", "static")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        try:
            for label, (stories, comments) in sizes.items():  # one after the other: generating takes both cores
                running[label] = start_size(label, stories, comments, options, folder)
                info[label] = running[label][1].recv()
            names = [name for name, _path in info["large"]["pages"]]
            results = measure_both(
                {label: pipe for label, (_process, pipe, _url) in running.items()}, names, options.runs
            )
        finally:
            for process, pipe, database_url in running.values():
                stop_size(process, pipe, database_url)
    report(info, results, options)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
