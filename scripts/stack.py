"""The production stack on one machine, as it would run on several: `make stack`.

    python scripts/stack.py [--port 8080] [--instances 2] [--work var/stack] [--no-demo]

On 127.0.0.1 only: Newsroom on PostgreSQL (STACK_DATABASE_URL, default the machine's server on
127.0.0.1:5432, database `newsroom_stack`, created when missing) as two gunicorn instances
(ports PORT+1 and PORT+2, gunicorn.conf.py), the task worker (`manage.py db_worker`), and
Varnish on PORT in front of them (deploy/varnish/newsroom.vcl; Debian's `varnish` package),
all sharing one Redis database for the cache (STACK_REDIS_URL, default db 12). Before they
start: collectstatic, migrate, the demo stories (as `make serve`), and the tasks a killed
worker of the last run left running go back to the queue.

The instances trust the X-Forwarded-For hop Varnish appends (NEWSROOM_TRUST_X_FORWARDED_FOR),
so flood limits follow the visitor, and tell Varnish what changed (NEWSROOM_PURGE_URLS).

Each process runs in a process group of its own, its output prefixed with its name, its pid
(= its group's id) in WORK/pids/NAME.pid: `kill -9 -- -$(cat var/stack/pids/web-1.pid)` kills
one instance, master and workers, as a machine that dies would (bench/stack.py does). A process
that exits by itself is started again after 1 s, doubling up to 30 s while it keeps failing;
a task worker's abandoned task is requeued before its restart. Ctrl-C (or SIGTERM) stops
everything: SIGTERM to each, SIGKILL to what still runs 30 s later (a second Ctrl-C: at once).

Other knobs come from the environment as usual (WEB_CONCURRENCY, default 2 here; LOG_LEVEL;
GUNICORN_ACCESS_LOG, default none here: `varnishncsa -n var/stack/varnish` shows the requests;
NEWSROOM_*), except those the stack itself must set (the database, Redis, the site's address,
the proxy settings). DJANGO_SECRET_KEY, or the key kept in .secret_key.
"""

import argparse
import contextlib
import os
import secrets
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from with_worker import die_with_parent_function, exit_status

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_stack"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
DEMO_LEAD = "tallinn-harbour-hosts-korean-port-cities-culture-week"
# As `make serve` prepares the site (Makefile); each is a manage.py command line.
PREPARE = [
    "collectstatic --noinput -v0",
    "migrate --noinput -v0",
    "import_story --only-new demo/stories",
    "import_corrections demo/corrections.json",
    "import_videos demo/videos.json",
    "import_photos demo/photos.json",
    f"pin_story --lead --unless-pinned {DEMO_LEAD}",
]
DEMO_STEPS = 5  # the import_* and pin_story lines above, skipped with --no-demo
GRACE_SECONDS = 30
RESTART_FIRST_SECONDS = 1
RESTART_MAX_SECONDS = 30
RESTART_RESET_SECONDS = 60
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def find_varnishd():
    """The path of varnishd (Debian installs it in /usr/sbin), or exit saying how to install it."""
    found = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
    if not found:
        raise SystemExit("stack: varnishd is not installed: apt-get install varnish")
    return found


def ensure_database(url):
    """Create the PostgreSQL database of `url` (a postgres:// URL) when it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    if parts.scheme not in ("postgres", "postgresql") or not name:
        raise SystemExit(f"stack: STACK_DATABASE_URL must be a postgres:// URL with a database name; got {url!r}")
    credentials = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": urllib.parse.unquote(parts.username or "postgres"),
        "password": urllib.parse.unquote(parts.password) if parts.password else None,
        "connect_timeout": 5,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"stack: created the database {name}", file=sys.stderr)
    except psycopg.OperationalError as error:
        where = f"{credentials['host']}:{credentials['port']}"
        raise SystemExit(f"stack: PostgreSQL at {where} did not answer: {error}") from None


def check_redis(url):
    """Exit with a clear message when Redis at `url` does not answer PING."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        raise SystemExit(f"stack: Redis at {url} did not answer: {error}") from None


def check_port_free(port):
    with socket.socket() as sock:
        # As gunicorn and varnishd bind: connections of an earlier run in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"stack: 127.0.0.1:{port} is taken; choose another --port") from None


def site_vcl(backend_ports, purgers=("127.0.0.1", "::1")):
    """The text of newsroom-site.vcl (see deploy/varnish/) for gunicorn instances on 127.0.0.1:PORT."""
    lines = [f"# Written by scripts/stack.py for instances on 127.0.0.1:{', '.join(map(str, backend_ports))}.", ""]
    names = [f"newsroom_{number}" for number in range(1, len(backend_ports) + 1)]
    for name, port in zip(names, backend_ports, strict=True):
        lines += [
            f"backend {name} {{",
            '    .host = "127.0.0.1";',
            f'    .port = "{port}";',
            "    .probe = newsroom_probe;",
            "    .connect_timeout = 1s;",
            "    .first_byte_timeout = 35s;",
            "    .between_bytes_timeout = 10s;",
            "}",
            "",
        ]
    lines += ["# The site's own machines: they may send BAN and PURGE, and read /readyz."]
    lines += ["acl newsroom_purgers {", *(f'    "{address}";' for address in purgers), "}", ""]
    lines += ["sub vcl_init {", "    new newsroom = directors.round_robin();"]
    lines += [f"    newsroom.add_backend({name});" for name in names]
    lines += ["}", ""]
    return "\n".join(lines)


def reachable_by_others(path):
    """True when every folder above `path` (a Path) lets other users through (the `x` bit for others)."""
    return all(folder.stat().st_mode & 0o001 for folder in Path(path).resolve().parents)


def varnish_command(varnishd, port, work, site_folder, memory="256m", tls_port=None):
    """varnishd in the foreground on 127.0.0.1:`port` with the site's VCL (`site_folder` holds
    newsroom-site.vcl, found before deploy/varnish's own) and its state in `work`/varnish.

    With `tls_port`, a second listener on 127.0.0.1:`tls_port` named tls, speaking the PROXY
    protocol, for a TLS terminator on this machine: the VCL tells Django those requests are HTTPS
    (README "Production stack", TLS).

    Debian's varnishd started by root compiles the VCL and runs the cache as its own users
    (varnish, vcache), who must be able to reach these folders; in a checkout they cannot
    enter (under /root, say) it runs without that separation (`-j none`), as the user who started it.
    """
    jail = []
    if os.geteuid() == 0 and not all(reachable_by_others(path) for path in (VCL, site_folder, work)):
        jail = ["-j", "none"]
    return [
        varnishd,
        *jail,
        "-F",
        "-a",
        f"http=127.0.0.1:{port}",
        *(["-a", f"tls=127.0.0.1:{tls_port},PROXY"] if tls_port else []),
        "-f",
        str(VCL),
        "-n",
        str(Path(work) / "varnish"),
        "-s",
        f"malloc,{memory}",
        "-p",
        f"vcl_path={site_folder}:{VCL.parent}",
        # Below gunicorn's keepalive (5 s): Varnish never reuses a connection gunicorn is closing.
        "-p",
        "backend_idle_timeout=3",
        # No management port: nothing but this process may change the running VCL.
        "-T",
        "none",
    ]


def secret_key():
    """DJANGO_SECRET_KEY, else the key kept in .secret_key (made once, as `make serve` does)."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    path = ROOT / ".secret_key"
    if not path.exists():
        old_mask = os.umask(0o077)
        try:
            path.write_text(secrets.token_urlsafe(50) + "\n")
        finally:
            os.umask(old_mask)
    return path.read_text().strip()


def stack_env(port, database_url, redis_url):
    """The environment of every process: production mode on plain HTTP behind Varnish on `port`."""
    env = dict(os.environ)
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("CACHE_KEY_PREFIX", "newsroom_stack")
    env.setdefault("NEWSROOM_SERVE_MEDIA", "1")
    # Varnish sees every request (varnishncsa -n WORK/varnish logs them); gunicorn would log its probes too.
    env.setdefault("GUNICORN_ACCESS_LOG", "")
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secret_key(),
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_TASKS_BACKEND": env.get("DJANGO_TASKS_BACKEND") or "database",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "NEWSROOM_SITE_URL": f"http://127.0.0.1:{port}",
            # Varnish appends the visitor's address to X-Forwarded-For; the instances listen on 127.0.0.1 only.
            "NEWSROOM_TRUST_X_FORWARDED_FOR": "1",
            "NEWSROOM_PURGE_URLS": f"http://127.0.0.1:{port}",
        }
    )
    env.pop("SQLITE_PATH", None)
    return env


def prepare(env, *, demo=True):
    """Run the PREPARE commands (without the demo's with `demo` False); exit on the first that fails."""
    steps = PREPARE if demo else PREPARE[: len(PREPARE) - DEMO_STEPS]
    steps = [*steps, "requeue_abandoned_tasks --older-than 0 -v0"]
    for step in steps:
        print(f"stack: manage.py {step}", file=sys.stderr)
        result = subprocess.run(
            [sys.executable, "manage.py", *shlex.split(step)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"stack: manage.py {step} failed (status {result.returncode})")


class Service:
    """One long-running process of the stack: its command, and what to run once it died by itself."""

    def __init__(self, name, command, *, after_exit=None):
        self.name = name
        self.command = command
        self.after_exit = after_exit
        self.process = None
        self.started = 0  # how many times it was started: {worker_id} is stack-<pid>-<name>-<started>
        self.started_at = 0.0
        self.backoff = RESTART_FIRST_SECONDS
        self.restart_due = None
        self.buffer = b""

    @property
    def worker_id(self):
        return f"stack-{os.getpid()}-{self.name}-{self.started}"

    def named(self, command):
        return [part.replace("{worker_id}", self.worker_id) for part in command]

    def start(self, env, pids, selector, die_with_parent):
        self.started += 1
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            self.named(self.command),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=die_with_parent,
        )
        os.set_blocking(self.process.stdout.fileno(), False)
        selector.register(self.process.stdout, selectors.EVENT_READ, self)
        (pids / f"{self.name}.pid").write_text(f"{self.process.pid}\n")

    def running(self):
        return self.process is not None and self.process.poll() is None

    def signal(self, signum):
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def pump(self, out, selector, final=False):
        """Copy what the process wrote, line by line, prefixed with its name."""
        stream = self.process.stdout
        try:
            chunk = stream.read() or b""
        except (BlockingIOError, ValueError):
            chunk = b""
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        if final and self.buffer:
            lines, self.buffer = [*lines, self.buffer], b""
        for line in lines:
            out.write(f"{self.name:>8} | {line.decode('utf-8', 'replace')}\n")
        out.flush()
        if final or (not chunk and self.process.poll() is not None):
            with contextlib.suppress(KeyError, ValueError):
                selector.unregister(stream)
            if final:
                stream.close()


def supervise(services, env, work, out=sys.stdout, grace=GRACE_SECONDS):
    """Run `services` until a stop signal; restart each that exits by itself. Returns 0."""
    pids = Path(work) / "pids"
    pids.mkdir(parents=True, exist_ok=True)
    requests = []
    for number in STOP_SIGNALS:
        signal.signal(number, lambda signum, frame: requests.append(signum))
    selector = selectors.DefaultSelector()
    # preexec_fn is safe here: this process runs no threads (output is read with a selector).
    die_with_parent = die_with_parent_function()
    for service in services:
        service.start(env, pids, selector, die_with_parent)
    stop_began = None
    killed = False
    try:
        while True:
            for key, _events in selector.select(timeout=0.1):
                key.data.pump(out, selector)
            now = time.monotonic()
            if requests:
                signum = requests.pop(0)
                if stop_began is None:
                    print("stack: stopping everything", file=sys.stderr)
                    stop_began = now
                    for service in services:
                        service.signal(signal.SIGTERM)
                elif signum == signal.SIGINT and not killed:
                    grace = 0  # a second Ctrl-C: kill what still runs
            for service in services:
                if service.process is None or service.process.poll() is None or service.restart_due is not None:
                    continue
                if stop_began is not None:
                    continue
                service.pump(out, selector, final=True)
                if now - service.started_at > RESTART_RESET_SECONDS:
                    service.backoff = RESTART_FIRST_SECONDS
                print(
                    f"stack: {service.name} exited with status {exit_status(service.process.returncode)}; "
                    f"restarting it in {service.backoff:g} s",
                    file=sys.stderr,
                )
                if service.after_exit:
                    subprocess.run(service.named(service.after_exit), cwd=ROOT, env=env, check=False)
                service.restart_due = now + service.backoff
                service.backoff = min(service.backoff * 2, RESTART_MAX_SECONDS)
            for service in services:
                if service.restart_due is not None and stop_began is None and now >= service.restart_due:
                    service.restart_due = None
                    service.start(env, pids, selector, die_with_parent)
            if stop_began is not None:
                if not any(service.running() for service in services):
                    break
                if now - stop_began > grace and not killed:
                    killed = True
                    for service in services:
                        if service.running():
                            print(f"stack: killing {service.name}", file=sys.stderr)
                            service.signal(signal.SIGKILL)
    finally:
        for service in services:
            if service.process is not None:
                if service.running():
                    service.signal(signal.SIGKILL)
                service.process.wait()
                service.pump(out, selector, final=True)
            (pids / f"{service.name}.pid").unlink(missing_ok=True)
    return 0


def build_services(port, instances, work, varnishd):
    """The stack's services: web-1..web-N (gunicorn on PORT+1..), worker, varnish on PORT."""
    backend_ports = [port + number for number in range(1, instances + 1)]
    site_folder = Path(work) / "vcl"
    site_folder.mkdir(parents=True, exist_ok=True)
    (site_folder / "newsroom-site.vcl").write_text(site_vcl(backend_ports))
    manage = [sys.executable, "manage.py"]
    services = [
        Service(f"web-{number}", [str(BIN / "gunicorn"), "newsroom.wsgi", "--bind", f"127.0.0.1:{backend_port}"])
        for number, backend_port in enumerate(backend_ports, start=1)
    ]
    services.append(
        Service(
            "worker",
            [*manage, "db_worker", "--no-reload", "--worker-id", "{worker_id}"],
            after_exit=[*manage, "requeue_abandoned_tasks", "--worker-id", "{worker_id}", "--no-age", "-v0"],
        )
    )
    services.append(Service("varnish", varnish_command(varnishd, port, work, site_folder.resolve())))
    return services


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", "8080")), help="Varnish's port")
    parser.add_argument("--instances", type=int, default=2, help="gunicorn instances, on the ports after --port")
    parser.add_argument("--work", default=str(ROOT / "var" / "stack"), help="pid files and Varnish's state")
    parser.add_argument("--no-demo", action="store_true", help="do not import the demo stories")
    options = parser.parse_args(argv)
    if options.instances < 1:
        parser.error("--instances must be 1 or more")
    database_url = os.environ.get("STACK_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("STACK_REDIS_URL") or DEFAULT_REDIS_URL

    varnishd = find_varnishd()
    for port in range(options.port, options.port + options.instances + 1):
        check_port_free(port)
    ensure_database(database_url)
    check_redis(redis_url)
    env = stack_env(options.port, database_url, redis_url)
    prepare(env, demo=not options.no_demo)
    work = Path(options.work).resolve()
    services = build_services(options.port, options.instances, work, varnishd)
    backends = ", ".join(f":{options.port + number}" for number in range(1, options.instances + 1))
    print(
        f"stack: Newsroom on http://127.0.0.1:{options.port}/ (Varnish), gunicorn on {backends}, "
        f"PostgreSQL {urllib.parse.urlsplit(database_url).path.lstrip('/')}, Redis {redis_url}; "
        "Ctrl-C stops everything",
        file=sys.stderr,
    )
    return supervise(services, env, work)


if __name__ == "__main__":
    sys.exit(main())
