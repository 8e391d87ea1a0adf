"""Outages run against a real gunicorn (DEBUG off): Redis and the database unreachable, hanging,
read-only, the SQLite file deleted. Each peer that fails is a port where nothing listens or a
listener the test starts (resilience/tests/listeners.py); the machine's PostgreSQL and Redis are
never stopped. Timings are asserted with the margins the README quotes.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from comments.tests.live_site import (
    DEMO_STORY,
    GUNICORN,
    ROOT,
    STORY_PATH,
    Visitor,
    free_port,
    request,
    stored_comments,
    throwaway_database,
)

from .listeners import FreezingProxy, closed_port, silent_listener

pytestmark = pytest.mark.live

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected once for every server of this module."""
    root = tmp_path_factory.mktemp("static")
    env = {**base_env(root), "DATABASE_URL": "", "SQLITE_PATH": str(root / "unused.sqlite3")}
    manage(env, "collectstatic", "--noinput")
    return root


def base_env(static_root):
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
        # Production mode needs the site's address; gunicorn() sets the real port's.
        "NEWSROOM_SITE_URL": "http://127.0.0.1",
        "NEWSROOM_KOREAN_ANALYSER": "off",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
    }


def manage(env, *command):
    subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )


@contextlib.contextmanager
def prepared_database(tmp_path, static_root):
    """The env of a migrated throwaway database holding the demo story."""
    with throwaway_database(tmp_path) as database_env:
        env = {**base_env(static_root), **database_env}
        manage(env, "migrate", "--noinput")
        manage(env, "import_story", str(DEMO_STORY))
        yield env


@contextlib.contextmanager
def gunicorn(tmp_path, env, *, port=None, workers=1, threads=1):
    """Yields (host, log) of gunicorn serving with `env`; answers of any status count as up.
    Each access log line starts with `pid=<worker pid>` (see `warm_every_worker`)."""
    port = port or free_port()
    env = {**env, "NEWSROOM_SITE_URL": f"http://127.0.0.1:{port}"}
    log_path = tmp_path / f"gunicorn-{port}-{uuid.uuid4().hex[:6]}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after the server stops
    command = [str(GUNICORN), "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    server = subprocess.Popen(
        [*command, "--threads", str(threads), "--access-logformat", 'pid=%(p)s "%(r)s" %(s)s'],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request(f"127.0.0.1:{port}", "GET", "/static/css/site.css", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start: {log_path.read_text()}") from None
                time.sleep(0.2)
        yield f"127.0.0.1:{port}", log_path
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def warm_every_worker(host, log, path, workers, seconds=60):
    """GET `path` (answers 200), two at a time per worker, until each of the `workers` gunicorn
    workers has answered it: its pid is in the access log. Under load one worker may take every
    request of a short series, and a worker that never opened the database would open whatever
    file is at the path later (resilience/sqlite_file.py)."""
    deadline = time.monotonic() + seconds
    wanted = f'"GET {path} '
    while True:
        with ThreadPoolExecutor(workers * 2) as pool:
            statuses = list(pool.map(lambda _: timed(host, "GET", path)[0], range(workers * 2)))
        assert statuses == [200] * (workers * 2)
        pids = {line.split()[0] for line in log.read_text().splitlines() if line.startswith("pid=") and wanted in line}
        if len(pids) >= workers:
            return pids
        assert time.monotonic() < deadline, f"only {pids} answered {path} in {seconds} s"


def timed(host, method, path, **kwargs):
    started = time.monotonic()
    status, headers, html = request(host, method, path, **kwargs)
    return status, dict(headers), html, time.monotonic() - started


def test_pages_answer_200_while_redis_is_unreachable_then_hanging(tmp_path, static_root):
    with prepared_database(tmp_path, static_root) as env:
        with gunicorn(tmp_path, {**env, "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0"}) as (host, log):
            answers = [timed(host, "GET", path) for path in [STORY_PATH, "/ko/", STORY_PATH, "/en/"] * 3]
            assert [status for status, *_ in answers] == [200] * 12
            assert max(seconds for *_, seconds in answers) < 3  # no wait for Redis (generous: a loaded CI box)
            assert log.read_text().count("Redis cache unavailable") == 1
        with (
            silent_listener() as redis_port,
            gunicorn(tmp_path, {**env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}) as (host, log),
        ):
            first = timed(host, "GET", STORY_PATH)
            later = [timed(host, "GET", STORY_PATH) for _ in range(5)]
    assert first[0] == 200
    assert first[3] < 3  # one socket timeout (0.5 s), then Redis is left alone for 5 s
    assert [status for status, *_ in later] == [200] * 5
    # Asking Redis on each request would cost three timeouts (get, set, set): 1.5 s at least.
    assert max(seconds for *_, seconds in later) < 1.2


def test_unreachable_then_hanging_database_answers_503_within_five_seconds(tmp_path, static_root):
    down = {**base_env(static_root), "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/newsroom"}
    with gunicorn(tmp_path, down) as (host, log):
        status, headers, html, seconds = timed(host, "GET", "/ko/")
        assert (status, headers["Retry-After"], '<html lang="ko">' in html, seconds < 2) == (503, "30", True, True)
        status, headers, html, _ = timed(host, "GET", STORY_PATH)
        assert status == 503
        assert "Set-Cookie" not in headers  # answered by the page cache, before the session and CSRF layers
        cookie = f"csrftoken={'a' * 32}"  # a well-formed CSRF secret, as a browser holding one sends it
        fields = {"csrfmiddlewaretoken": "a" * 32, "token": "kept-form-token"}
        body = urllib.parse.urlencode({**fields, "text": "Words during an outage.", "author_name": "Oh"})
        post_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        status, _, html, _ = timed(host, "POST", STORY_PATH + "comments/", body=body, headers=post_headers)
        assert status == 503
        assert "Words during an outage.</textarea>" in html
        assert 'value="kept-form-token"' in html
        assert "Traceback" not in html
        assert "Database unavailable" in log.read_text()

    with silent_listener() as database_port:
        hanging = {**down, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_port}/newsroom"}
        with gunicorn(tmp_path, hanging, workers=1, threads=4) as (host, _):
            answers = {}
            page = threading.Thread(target=lambda: answers.setdefault("page", timed(host, "GET", "/en/")))
            page.start()
            time.sleep(0.3)
            static = timed(host, "GET", "/static/css/site.css")
            page.join(timeout=10)
    assert answers["page"][0] == 503
    assert answers["page"][3] < 5
    assert static[0] == 200
    assert static[3] < 1.5  # not behind the page's 3 s wait for the database


def through_proxy(env, proxy):
    """`env` with DATABASE_URL's host and port replaced by the proxy's."""
    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    netloc = f"{url.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}"
    return {**env, "DATABASE_URL": urllib.parse.urlunsplit(url._replace(netloc=netloc))}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="a frozen PostgreSQL connection: SQLite has no connection to freeze")
def test_requests_on_frozen_database_connections_answer_503_within_five_seconds(tmp_path, static_root):
    with prepared_database(tmp_path, static_root) as env:
        port = urllib.parse.urlsplit(env["DATABASE_URL"]).port
        with FreezingProxy(port) as proxy, gunicorn(tmp_path, through_proxy(env, proxy), threads=4) as (host, log):
            visitor = Visitor(host)
            hidden = visitor.show_form()
            opened = in_parallel([lambda: timed(host, "GET", STORY_PATH)] * 4)  # each thread keeps a connection
            assert [answer[0] for answer in opened] == [200] * 4
            proxy.freeze()
            session = {"Cookie": "sessionid=abc"}  # not from the page cache: the database is asked
            answers = in_parallel(
                [lambda: timed(host, "GET", STORY_PATH, headers=session, timeout=15)] * 3
                + [lambda: timed_post(visitor, hidden, "Words for a frozen database.")]
            )
            later = in_parallel([lambda: timed(host, "GET", "/en/", headers=session, timeout=15)] * 4)
            logged = log.read_text()
    pages = answers[:3] + later
    assert [answer[0] for answer in pages] == [503] * 7
    assert max(answer[3] for answer in pages) < 5.5
    status, html, seconds = answers[3]
    assert (status, seconds < 5.5) == (503, True)
    assert "Words for a frozen database.</textarea>" in html
    assert "Database unavailable" in logged


def timed_post(visitor, hidden, text):
    started = time.monotonic()
    status, html = visitor.post(hidden, text, "Seo", "seo@example.org")
    return status, html, time.monotonic() - started


def in_parallel(calls):
    """The results of `calls` (functions without arguments) run at once, each on its own thread.

    A call that raises (a request that timed out) gives `(repr(exception),)` as the result."""
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported as the result, the test asserts on it
            results[index] = (repr(error),)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_comment_to_a_hanging_database_answers_after_one_connect_timeout_with_the_text(tmp_path, static_root):
    """The view's connect fails after 3 s; giving the comment back must not try a second connect (6 s)."""
    with silent_listener() as database_port:
        hanging = {**base_env(static_root), "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_port}/newsroom"}
        with gunicorn(tmp_path, hanging, threads=2) as (host, _):
            cookie = f"csrftoken={'a' * 32}"  # a well-formed CSRF secret, as a browser holding one sends it
            fields = {"csrfmiddlewaretoken": "a" * 32, "token": "kept-form-token"}
            body = urllib.parse.urlencode({**fields, "text": "Words for a hanging database.", "author_name": "Ha"})
            post_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            status, _, html, seconds = timed(host, "POST", STORY_PATH + "comments/", body=body, headers=post_headers)
    assert status == 503
    assert "Words for a hanging database.</textarea>" in html
    assert seconds < 4.5  # one 3 s connect timeout, not two


def make_read_only(env, path):
    """Serve the database read-only: a `mode=ro` URI for SQLite, a read-only default for PostgreSQL."""
    if not ON_POSTGRESQL:
        return {**env, "SQLITE_PATH": f"file:{path}?mode=ro"}
    import psycopg

    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    with psycopg.connect(env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    return env


def test_comment_to_a_read_only_database_answers_503_on_the_story_page_with_the_text(tmp_path, static_root):
    with prepared_database(tmp_path, static_root) as env:
        serving = make_read_only(env, env.get("SQLITE_PATH"))
        with gunicorn(tmp_path, serving) as (host, _):
            visitor = Visitor(host)
            hidden = visitor.show_form()
            started = time.monotonic()
            status, html = visitor.post(hidden, "Words for a read-only site.", "Lim", "lim@example.org")
            seconds = time.monotonic() - started
            reader = timed(host, "GET", STORY_PATH)
        if ON_POSTGRESQL:
            env = {**env, "PGOPTIONS": "-c default_transaction_read_only=off"}
        stored = stored_comments(env)
    assert status == 503
    assert seconds < 5
    assert "Your comment could not be stored" in html
    assert "Words for a read-only site.</textarea>" in html
    assert "Mapo" in html  # the story itself is still there
    assert reader[0] == 200
    assert stored == []


@pytest.mark.skipif(ON_POSTGRESQL, reason="an SQLite file only")
def test_comment_after_the_sqlite_file_was_deleted_is_not_acknowledged(tmp_path, static_root):
    with prepared_database(tmp_path, static_root) as env:
        with gunicorn(tmp_path, env) as (host, log):
            visitor = Visitor(host)
            hidden = visitor.show_form()
            database = Path(env["SQLITE_PATH"])
            for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
                path.unlink(missing_ok=True)
            status, html = visitor.post(hidden, "Words that must not vanish.", "Kang", "kang@example.org")
            reader = timed(host, "GET", STORY_PATH)
            assert "is missing" in log.read_text()
        assert not database.exists()
    assert status == 503
    assert "Words that must not vanish.</textarea>" in html
    assert reader[0] == 503


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="a cache shared between processes: Redis only")
def test_cached_story_page_is_served_from_redis_while_the_database_is_down(tmp_path, static_root):
    prefix = f"outage-{uuid.uuid4().hex[:8]}"
    port = free_port()
    with prepared_database(tmp_path, static_root) as env:
        shared = {**env, "REDIS_URL": os.environ["REDIS_URL"], "CACHE_KEY_PREFIX": prefix}
        with gunicorn(tmp_path, shared, port=port) as (host, _):
            assert timed(host, "GET", STORY_PATH)[0] == 200
        down = {**shared, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/newsroom"}
        try:
            with gunicorn(tmp_path, down, port=port) as (host, _):
                anonymous = timed(host, "GET", STORY_PATH)
                with_session = timed(host, "GET", STORY_PATH, headers={"Cookie": "sessionid=abc"})
        finally:
            import redis

            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
    assert anonymous[0] == 200
    assert "Mapo" in anonymous[2]
    assert with_session[0] == 503


@pytest.mark.skipif(ON_POSTGRESQL, reason="an SQLite file only")
def test_acknowledged_comment_survives_the_sqlite_file_moved_aside_then_put_back(tmp_path, static_root):
    """The reviewer's sequence: 2 workers in WAL mode, a comment acknowledged, the file moved aside and an
    empty one put at its path, requests meanwhile, then the original moved back and the server restarted."""
    with prepared_database(tmp_path, static_root) as env:
        database = Path(env["SQLITE_PATH"])
        aside = Path(f"{database}.away")
        with gunicorn(tmp_path, env, workers=2) as (host, log):
            warm_every_worker(host, log, STORY_PATH, workers=2)  # both workers open the database
            visitor = Visitor(host)
            status, _ = visitor.post(visitor.show_form(), "Words acknowledged before the move.", "Yoon", "y@x.org")
            assert status == 303  # acknowledged
            assert Path(f"{database}-wal").stat().st_size > 0
            os.replace(database, aside)
            database.write_bytes(b"")
            during = [timed(host, "GET", path)[0] for path in [STORY_PATH, "/en/", STORY_PATH, "/ko/"]]
            database.unlink()
            os.replace(aside, database)
            after = [timed(host, "GET", STORY_PATH)[0] for _ in range(4)]
            logged = log.read_text()
        assert database.stat().st_size > 0
        with gunicorn(tmp_path, env, workers=2) as (host, _):
            restarted = timed(host, "GET", STORY_PATH)
        stored = stored_comments(env)
    assert restarted[0] == 200
    assert [text for text, _ in stored] == ["Words acknowledged before the move."]
    assert during == [503] * 4
    # A worker that saw the replacement answers 503 until the restart; one that did not finds its own file back.
    assert set(after) <= {200, 503}
    assert "restart the server after putting the right file back" in logged
