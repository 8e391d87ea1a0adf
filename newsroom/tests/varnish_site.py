"""The site behind a real Varnish for tests: two gunicorn instances over one throwaway database.

`proxied_site(folder)` migrates the database (comments.tests.live_site's: SQLite, or PostgreSQL
when the run is on it), imports the demo story, starts two gunicorn instances of
newsroom.tests.proxy_wsgi (the site plus pages a shared cache may keep) and varnishd with
deploy/varnish/newsroom.vcl in front, configured as `make stack` does (scripts/stack.py) plus
the PROXY-protocol listener named tls that a TLS terminator would use, behind which the
instances trust X-Forwarded-Proto (DJANGO_BEHIND_HTTPS_PROXY=1), and stops it all afterwards.
Needs Debian's varnish package (`VARNISHD` is None without it).
"""

import contextlib
import http.client
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from comments.tests.live_site import DEMO_STORY, GUNICORN, STORY_PATH, free_port, throwaway_database

ROOT = Path(__file__).resolve().parents[2]
VARNISHD = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)


def load_stack_script():
    """scripts/stack.py as a module (its VCL and varnishd command are the ones tested here)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location("stack_script", ROOT / "scripts" / "stack.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "scripts"))


@dataclass
class ProxiedSite:
    """A running site: `proxy` is Varnish's host:port, `tls_port` its PROXY-protocol listener's
    port (the TLS terminator's: `proxy_protocol_get`), `ports` the gunicorn instances' ports."""

    proxy: str
    tls_port: int
    ports: list
    env: dict
    folder: Path
    servers: dict = field(default_factory=dict)

    def start_instance(self, port):
        log = open(self.folder / f"gunicorn-{port}.log", "a")  # noqa: SIM115 - kept open for the server's life
        self.servers[port] = subprocess.Popen(
            [str(GUNICORN), "newsroom.tests.proxy_wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        log.close()

    def kill_instance(self, port):
        """SIGKILL to the instance's master and workers at once, as a machine that dies."""
        server = self.servers.pop(port)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)

    def stop_instances(self):
        for server in self.servers.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
        for server in self.servers.values():
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        self.servers.clear()

    def wait_until_serving(self, seconds=60):
        """Until each instance answers the story page itself, and Varnish answers too."""
        deadline = time.monotonic() + seconds
        for host in [*(f"127.0.0.1:{port}" for port in self.servers), self.proxy]:
            while True:
                try:
                    if get(host, STORY_PATH)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{host} did not serve the story within {seconds} s; logs in {self.folder}")
                time.sleep(0.2)


def get(host, path, headers=None, method="GET", source=None, timeout=10):
    """(status, {lower-cased header: value}, body text) of one request; from the address `source` if given."""
    connection = http.client.HTTPConnection(host, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def proxy_protocol_get(port, path, headers=None, client="192.0.2.10"):
    """(status, {lower-cased header: value}, body text) of a GET sent to 127.0.0.1:`port` as a TLS
    terminator sends it: a PROXY protocol v1 line naming the visitor `client`, then the request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.connect()
        connection.sock.sendall(f"PROXY TCP4 {client} 127.0.0.1 40000 {port}\r\n".encode())
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def wait_for_text(host, path, text, seconds=5.0):
    """The time.time() at which `path` through `host` first showed `text` (fails after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body = get(host, path)
        if status == 200 and text in body:
            return time.time()
        time.sleep(0.01)
    raise AssertionError(f"{path} did not show {text!r} within {seconds} s")


@contextlib.contextmanager
def proxied_site(folder):
    """Yields a ProxiedSite; stops Varnish and both instances, and drops the database, afterwards."""
    stack = load_stack_script()
    folder = Path(folder)
    with throwaway_database(folder) as database_env:
        proxy_port, tls_port, ports = free_port(), free_port(), [free_port(), free_port()]
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(folder / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "",
            "NEWSROOM_KOREAN_ANALYSER": "off",
            "REDIS_URL": "",
            "DJANGO_TASKS_BACKEND": "database",
            "NEWSROOM_SITE_URL": f"http://127.0.0.1:{proxy_port}",
            # As scripts/stack.py sets them: the visitor's address from Varnish, the BANs to it.
            "NEWSROOM_TRUST_X_FORWARDED_FOR": "1",
            "NEWSROOM_PURGE_URLS": f"http://127.0.0.1:{proxy_port}",
            "NEWSROOM_COMMENTS_MIN_SECONDS": "0",
            # As behind a TLS terminator: Django and gunicorn believe the X-Forwarded-Proto Varnish sets.
            "DJANGO_BEHIND_HTTPS_PROXY": "1",
            **database_env,
        }
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["import_story", str(DEMO_STORY)]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
        site = ProxiedSite(proxy=f"127.0.0.1:{proxy_port}", tls_port=tls_port, ports=ports, env=env, folder=folder)
        # varnishd drops to its own user, who cannot enter pytest's private temporary folders: its
        # work folder and the site's VCL go under the project's ignored var/ folder instead.
        (ROOT / "var").mkdir(exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="test-varnish-", dir=ROOT / "var"))
        scratch.chmod(0o755)
        vcl_folder, work = scratch / "vcl", scratch / "work"
        vcl_folder.mkdir(mode=0o755)
        work.mkdir(mode=0o755)
        (vcl_folder / "newsroom-site.vcl").write_text(stack.site_vcl(ports))
        varnish_log = open(folder / "varnish.log", "w")  # noqa: SIM115 - closed below
        varnish = subprocess.Popen(
            stack.varnish_command(VARNISHD, proxy_port, work, vcl_folder, memory="64m", tls_port=tls_port),
            cwd=ROOT,
            stdout=varnish_log,
            stderr=subprocess.STDOUT,
        )
        try:
            for port in ports:
                site.start_instance(port)
            wait_for_port(proxy_port, varnish)
            site.wait_until_serving()
            yield site
        finally:
            site.stop_instances()
            varnish.send_signal(signal.SIGTERM)
            try:
                varnish.wait(timeout=20)
            except subprocess.TimeoutExpired:
                varnish.kill()
            varnish_log.close()
            shutil.rmtree(scratch, ignore_errors=True)


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited with status {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"varnishd did not listen on {port} within {seconds} s")
