"""The production stack under load, one gunicorn instance killed with SIGKILL mid-run (`make bench-stack`).

    .venv/bin/python bench/stack.py [--port 8180] [--seconds 24] [--writers 32] [--wrk-seconds 5]

Starts `make stack`'s stack (scripts/stack.py: Varnish on PORT, gunicorn on PORT+1 and PORT+2,
the task worker) over a PostgreSQL database of its own (BENCH_DATABASE_URL, default
`newsroom_bench` on 127.0.0.1:5432, dropped and made anew) and Redis (BENCH_REDIS_URL, default
db 13, under a key prefix of its own that is deleted afterwards), all on 127.0.0.1. Then:

1. Throughput through Varnish, with `wrk` (Debian package `wrk`), one URL after the other: a
   static file, the anonymous story page, the home page. Only rates of the same run compare.
2. A mixed run of `--seconds`: readers load the story and home pages through Varnish while
   `--writers` clients post comments through it, each from an address of its own on the
   loopback network (127.0.0.10, .11, ...: the flood limit is per address) and every comment
   with a unique text; a moderator approves one of them through the admin every few seconds,
   and how long after it a reader's request could still get the story page without it is
   measured. A third of the way in, one gunicorn instance (master and workers) is killed with
   SIGKILL; the stack restarts it.
3. Checks: every acknowledged comment (303) is in the database, once; readers' errors, told
   apart from requests in flight when the instance died; the flood limit refuses a client's
   second post on the other instance; approved comments visible within 1 s.

Prints the figures; README "Production stack" has a table. Bounded: about 2 minutes.
"""

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.util
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORY_PATH = "/en/stories/mapo-district-library-extends-opening-hours-for-exam-season/"
HOME_PATH = "/en/"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
FLOOD_SECONDS = 5
MIN_SECONDS = 1
VISIBLE_WITHIN_SECONDS = 1.0
# Issue 12: the anonymous story page through the proxy at 25 % of the static file's rate at least.
THROUGHPUT_GOALS = {"story page": 0.25}
TIMEOUT = 30


def load_stack_script():
    """scripts/stack.py as a module: the same environment and checks as `make stack`."""
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("stack_script", ROOT / "scripts" / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def request(host, method, path, *, body=None, headers=None, source=None, timeout=TIMEOUT):
    """(status, [(header, value)], body text) of one HTTP/1.1 request, from the address `source` if given."""
    connection = http.client.HTTPConnection(host, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Browser:
    """One visitor: an address of its own, its cookies, the comment form it was shown last."""

    def __init__(self, host, source=None):
        self.host = host
        self.source = source
        self.cookies = {}

    def send(self, method, path, fields=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, text = request(
            self.host, method, path, body=body, headers=headers, source=self.source
        )
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return status, {name.lower(): value for name, value in response_headers}, text

    def comment_form(self):
        """The comment form's hidden fields as a reader's browser gets them: the shared story page, then
        the values its script fetches when the form is first focused (the CSRF token, with its cookie,
        and the form's signed time; README "The comment form on a page everyone shares")."""
        status, _, html = self.send("GET", STORY_PATH)
        if status != 200:
            raise RuntimeError(f"the story page answered {status}")
        values_url = re.search(r'data-values-url="([^"]+)"', html)
        if not values_url:
            raise RuntimeError("the story page has no comment form with a data-values-url")
        status, _, text = self.send("GET", values_url[1], headers={"Accept": "application/json"})
        if status != 200:
            raise RuntimeError(f"the form's values answered {status}")
        values = json.loads(text)
        return {"token": values["token"], "csrfmiddlewaretoken": values["csrfmiddlewaretoken"]}

    def post_comment(self, form, text, number, headers=None):
        fields = {
            **form,
            "text": text,
            "author_name": f"Bench writer {number}",
            "author_email": f"w{number}@example.org",
        }
        return self.send("POST", STORY_PATH + "comments/", fields, headers)


class Results:
    """What every thread saw, appended under one lock: (kind, start, end, status, detail)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []

    def add(self, kind, start, end, status, detail=None):
        with self.lock:
            self.rows.append((kind, start, end, status, detail))

    def of(self, kind):
        with self.lock:
            return [row for row in self.rows if row[0] == kind]


def reader(host, stop_at, results):
    """Load the story and the home page, one after the other, without cookies, until `stop_at`."""
    paths = [STORY_PATH, HOME_PATH]
    number = 0
    while time.monotonic() < stop_at:
        path = paths[number % 2]
        number += 1
        start = time.monotonic()
        try:
            status = request(host, "GET", path)[0]
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        results.add("read", start, time.monotonic(), status)


def writer(host, number, run_id, stop_at, results):
    """Post comments through the proxy from 127.0.0.(10 + number), one per flood window, until `stop_at`.

    A post that got no answer from the site (the proxy's 503, a cut connection) is sent again
    once, as its writer would: a 409 then says the first was stored after all.
    """
    browser = Browser(host, source=f"127.0.0.{10 + number}")
    sequence = 0
    time.sleep(number * FLOOD_SECONDS / 32)  # spread over the window: posts arrive steadily, not in bursts
    while time.monotonic() < stop_at:
        sequence += 1
        text = f"Bench comment {run_id}-{number}-{sequence}: the longer library hours help."
        shown = time.monotonic()
        try:
            form = browser.comment_form()
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            results.add("form", shown, time.monotonic(), type(error).__name__, str(error))
            time.sleep(1)
            continue
        time.sleep(max(0.0, MIN_SECONDS + 0.1 - (time.monotonic() - shown)))
        for attempt in (1, 2):
            start = time.monotonic()
            try:
                status, headers, _ = browser.post_comment(form, text, number)
            except (OSError, http.client.HTTPException) as error:
                status, headers = type(error).__name__, {}
            location = headers.get("location", "")
            comment_id = re.search(r"#comment-(\d+)$", location)
            results.add(
                "post", start, time.monotonic(), status, (text, attempt, int(comment_id[1]) if comment_id else None)
            )
            if isinstance(status, int) and status < 500:
                break
            time.sleep(1)
        time.sleep(max(0.0, FLOOD_SECONDS + 0.3 - (time.monotonic() - start)))


class Moderator:
    """A superuser logged in to the admin through the proxy, approving comments."""

    def __init__(self, host, username, password):
        self.browser = Browser(host)
        status, _, html = self.browser.send("GET", "/admin/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        fields = {"csrfmiddlewaretoken": csrf, "username": username, "password": password, "next": "/admin/"}
        status, headers, _ = self.browser.send("POST", "/admin/login/", fields)
        if status != 302:
            raise RuntimeError(f"the admin login answered {status}")

    def approve(self, comment_id):
        """Approve one comment with the changelist's action; returns time.time() once the admin answered."""
        status, _, html = self.browser.send("GET", "/admin/comments/comment/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        fields = {"csrfmiddlewaretoken": csrf, "action": "approve", "_selected_action": str(comment_id), "index": "0"}
        status, _, _ = self.browser.send("POST", "/admin/comments/comment/", fields)
        if status != 302:
            raise RuntimeError(f"the approve action answered {status}")
        return time.time()


def visible_after(host, text, committed, seconds=10):
    """(stale, answer) for `text` approved at `committed` (time.time()): `stale` is how long after it
    a reader's request could still get a page without it (when the first request that showed it
    was sent, 0 if the very first did), `answer` how long that request took; None if never shown.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sent = time.time()
        status, _, html = request(host, "GET", STORY_PATH)
        if status == 200 and text in html:
            return max(0.0, sent - committed), time.time() - sent
        time.sleep(0.01)
    return None


def moderate(host, moderator, results, stop_at, every=4.0):
    """Every `every` seconds: approve the newest acknowledged comment, measure when readers see it."""
    approved = set()
    while time.monotonic() + every < stop_at:
        time.sleep(every)
        acked = [row for row in results.of("post") if row[3] == 303 and row[4][2] and row[4][2] not in approved]
        if not acked:
            continue
        text, _, comment_id = acked[-1][4]
        approved.add(comment_id)
        try:
            committed = moderator.approve(comment_id)
            delay = visible_after(host, text, committed)
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            results.add("approve", time.monotonic(), time.monotonic(), type(error).__name__, str(error))
            continue
        results.add("approve", time.monotonic(), time.monotonic(), 200 if delay is not None else "never", delay)


def wrk(url, seconds, connections):
    """(requests/s, p99 in ms, non-2xx-or-3xx and socket errors) of one wrk run."""
    output = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    count = int(errors[1]) if errors else 0
    count += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return rate, p99, count


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))] if values else float("nan")


def recreate_database(url):
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stored_texts(url, run_id):
    """Every stored comment text of this run (a list: a text stored twice appears twice)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        rows = connection.execute("SELECT text FROM comments_comment WHERE text LIKE %s", [f"Bench comment {run_id}-%"])
        return [row[0] for row in rows]


def delete_redis_keys(url, prefix):
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if check():
                return
        time.sleep(0.2)
    raise SystemExit(f"bench: {what} within {seconds} s")


def machine():
    model = ""
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    return f"{os.cpu_count()} cores{', ' + model if model else ''}, {platform.system()} {platform.release()}"


def flood_check(ports, source_ip):
    """A client's second post within the flood window, sent to the other instance directly (as Varnish
    would forward it, with its address in X-Forwarded-For): (first status, second status)."""
    forwarded = {"X-Forwarded-For": source_ip}
    first_instance, second_instance = (Browser(f"127.0.0.1:{port}") for port in ports[:2])
    forms = [browser.comment_form() for browser in (first_instance, second_instance)]
    time.sleep(MIN_SECONDS + 0.2)
    first = first_instance.post_comment(forms[0], f"Flood check one {source_ip}", 900, forwarded)[0]
    second = second_instance.post_comment(forms[1], f"Flood check two {source_ip}", 901, forwarded)[0]
    return first, second


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8180, help="Varnish's port; gunicorn on the next two")
    parser.add_argument("--seconds", type=int, default=24, help="length of the mixed run")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="length of each throughput run")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections")
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--readers", type=int, default=4)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed: apt-get install wrk")
    stack = load_stack_script()
    stack.find_varnishd()
    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    run_id = secrets.token_hex(3)
    prefix = f"newsroom_bench_{run_id}"
    stack.check_redis(redis_url)
    recreate_database(database_url)
    ports = [options.port + 1, options.port + 2]
    proxy = f"127.0.0.1:{options.port}"

    env = {
        **os.environ,
        "STACK_DATABASE_URL": database_url,
        "STACK_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
        # Kiwi (340 MB, 1 s per instance) serves Korean search only, which nothing here asks for.
        "NEWSROOM_KOREAN_ANALYSER": "off",
        "NEWSROOM_COMMENTS_FLOOD_SECONDS": str(FLOOD_SECONDS),
        "NEWSROOM_COMMENTS_MIN_SECONDS": str(MIN_SECONDS),
    }
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-stack-", dir=ROOT / "var") as work:
        os.chmod(work, 0o755)  # varnishd's own users read its state folder
        log_path = Path(work) / "stack.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed below
        started = time.monotonic()
        supervisor = subprocess.Popen(
            # The demo's photos (their renditions) take long to import: its stories alone are imported below.
            [sys.executable, "scripts/stack.py", "--port", str(options.port), "--work", work, "--no-demo"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(
                lambda: (
                    supervisor.poll() is None
                    and all(request(f"127.0.0.1:{port}", "GET", "/healthz")[0] == 200 for port in ports)
                ),
                180,
                f"the stack did not start (see {log_path})",
            )
            password = secrets.token_urlsafe(16)
            site_env = stack.stack_env(options.port, database_url, redis_url) | {
                key: env[key] for key in ("CACHE_KEY_PREFIX", "NEWSROOM_KOREAN_ANALYSER")
            }
            moderator_code = CREATE_MODERATOR.format(password=password)
            for command in (["import_story", "demo/stories"], ["shell", "-c", moderator_code]):
                subprocess.run(
                    [sys.executable, "manage.py", *command], cwd=ROOT, env=site_env, check=True, capture_output=True
                )
            wait_until(lambda: request(proxy, "GET", STORY_PATH)[0] == 200, 30, "the story did not show")
            setup_seconds = time.monotonic() - started

            # 1. Throughput through Varnish, one URL at a time.
            home = request(proxy, "GET", HOME_PATH)[2]
            static = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home) or re.search(
                r'href="(/static/[^"]+\.css)"', home
            )
            throughput = {}
            for name, path in (("static file", static[1]), ("story page", STORY_PATH), ("home page", HOME_PATH)):
                wrk(f"http://{proxy}{path}", 1, options.connections)  # warm-up
                throughput[name] = wrk(f"http://{proxy}{path}", options.wrk_seconds, options.connections)

            # 2. The mixed run, one instance killed a third of the way in.
            results = Results()
            moderator = Moderator(proxy, "bench-moderator", password)
            began = time.monotonic()
            stop_at = began + options.seconds
            threads = [
                threading.Thread(target=writer, args=(proxy, number, run_id, stop_at, results), daemon=True)
                for number in range(options.writers)
            ]
            threads += [
                threading.Thread(target=reader, args=(proxy, stop_at, results), daemon=True)
                for _ in range(options.readers)
            ]
            threads.append(threading.Thread(target=moderate, args=(proxy, moderator, results, stop_at), daemon=True))
            for thread in threads:
                thread.start()
            time.sleep(options.seconds / 3)
            victim = int((Path(work) / "pids" / "web-1.pid").read_text())
            killed_at = time.monotonic()
            os.killpg(victim, signal.SIGKILL)
            for thread in threads:
                thread.join(timeout=options.seconds + 2 * TIMEOUT)

            # 3. Checks.
            wait_until(
                lambda: request(f"127.0.0.1:{ports[0]}", "GET", STORY_PATH)[0] == 200,
                60,
                "the killed instance did not come back",
            )
            flood = flood_check(ports, "203.0.113.77")
            stored = stored_texts(database_url, run_id)
        finally:
            supervisor.send_signal(signal.SIGTERM)
            try:
                supervisor.wait(timeout=60)
            except subprocess.TimeoutExpired:
                supervisor.kill()
            log.close()
            delete_redis_keys(redis_url, prefix)

    report(options, throughput, results, began, killed_at, stored, flood, setup_seconds)


CREATE_MODERATOR = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("bench-moderator", "moderator@example.org", {password!r})
"""


def report(options, throughput, results, began, killed_at, stored, flood, setup_seconds):
    static_rate = throughput["static file"][0]
    print(
        f"Newsroom stack, {dt.date.today().isoformat()}, {machine()}: Varnish, 2 gunicorn instances "
        f"(WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '2')}, gthread), PostgreSQL, Redis; "
        f"setup {setup_seconds:.0f} s; load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"\n1. Through Varnish, wrk 1 thread {options.connections} connections, {options.wrk_seconds} s per URL")
    print(f"{'URL':<14} {'req/s':>9} {'p99 ms':>8} {'errors':>7} {'vs static':>10} {'goal':>6} {'met':>4}")
    for name, (rate, latency, errors) in throughput.items():
        goal = THROUGHPUT_GOALS.get(name)
        met = "" if goal is None else ("yes" if rate / static_rate >= goal else "NO")
        goal_text = "" if goal is None else f"{goal:.2f}x"
        ratio = rate / static_rate
        print(f"{name:<14} {rate:>9.0f} {latency:>8.1f} {errors:>7} {ratio:>9.2f}x {goal_text:>6} {met:>4}")

    reads, posts = results.of("read"), results.of("post")
    seconds = options.seconds
    kill_second = killed_at - began
    print(
        f"\n2. Mixed run, {seconds} s: {options.readers} readers (story and home pages), {options.writers} writers, "
        f"web-1 killed with SIGKILL at {kill_second:.1f} s"
    )
    read_errors = [row for row in reads if row[3] != 200]
    in_flight = [row for row in read_errors if row[1] <= killed_at <= row[2]]
    print(f"{'':<10} {'requests':>9} {'req/s':>7} {'p99 ms':>8} {'errors':>7}  in flight at the kill")
    read_latencies = [1000 * (end - start) for _, start, end, _, _ in reads]
    print(
        f"{'readers':<10} {len(reads):>9} {len(reads) / seconds:>7.1f} {p99(read_latencies):>8.0f} "
        f"{len(read_errors):>7}  {len(in_flight)}"
    )
    for _, start, end, status, _ in read_errors:
        offset = start - killed_at
        print(f"reader error: {status}, sent {offset:+.2f} s after the kill, answered after {end - start:.2f} s")
    post_latencies = [1000 * (end - start) for _, start, end, _, _ in posts]
    failed = [row for row in posts if not (isinstance(row[3], int) and row[3] < 500)]
    print(
        f"{'posts':<10} {len(posts):>9} {len(posts) / seconds:>7.1f} {p99(post_latencies):>8.0f} "
        f"{len(failed):>7}  {sum(1 for row in failed if row[1] <= killed_at <= row[2])}"
    )
    acknowledged = {row[4][0] for row in posts if row[3] == 303}
    retried_stored = {row[4][0] for row in posts if row[3] == 409 and row[4][1] == 2}
    refused = [row for row in posts if row[3] == 429]
    lost = acknowledged - set(stored)
    duplicates = len(stored) - len(set(stored))
    statuses = sorted({str(row[3]) for row in posts})
    print(
        f"comments: {len(acknowledged)} acknowledged (303), {len(lost)} lost, {duplicates} stored twice; "
        f"{len(retried_stored)} stored although their first post got no answer (the retry's 409); "
        f"{len(refused)} refused by the flood limit; statuses seen: {', '.join(statuses)}"
    )
    if failed:
        window = [row[1] - killed_at for row in failed]
        print(
            f"posts without an answer from the site: {len(failed)}, "
            f"sent {min(window):+.1f} to {max(window):+.1f} s after the kill"
        )
    print(f"flood limit: first post on web-1 {flood[0]}, second on web-2 {flood[1]} (expected 303 then 429)")
    approvals = results.of("approve")
    measured = [row[4] for row in approvals if row[3] == 200]
    delays = [stale for stale, _ in measured]
    if delays:
        print(
            f"invalidation: {len(delays)} comments approved in the admin through Varnish; a reader asking "
            f"{1000 * max(delays):.0f} ms after the approval at most (median {1000 * statistics.median(delays):.0f}) "
            f"got it (goal: within {VISIBLE_WITHIN_SECONDS * 1000:.0f} ms), that page answered in "
            f"{1000 * max(answer for _, answer in measured):.0f} ms at most; {len(approvals) - len(delays)} failed"
        )
    else:
        print("invalidation: no approval measured")
    for row in approvals:
        if row[3] != 200:
            print(f"approval failed: {row[3]} {row[4]}")
    ok = (
        not lost
        and flood == (303, 429)
        and len(read_errors) == len(in_flight)
        and bool(delays)
        and max(delays) < VISIBLE_WITHIN_SECONDS
    )
    print("\nall checks held" if ok else "\nSOME CHECKS FAILED")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
