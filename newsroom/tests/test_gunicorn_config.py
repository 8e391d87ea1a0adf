"""gunicorn.conf.py: proxy trust only behind an HTTPS proxy, workers and threads from the environment."""

import os
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gunicorn.config import Config

from comments.tests.live_site import free_port, request

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"
VARIABLES = [
    "DJANGO_BEHIND_HTTPS_PROXY",
    "FORWARDED_ALLOW_IPS",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_BIND",
    "GUNICORN_ACCESS_LOG",
    "PORT",
]


def gunicorn_config(monkeypatch, **env):
    """gunicorn's Config after reading gunicorn.conf.py with only `env` set, as gunicorn reads it."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONFIG)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_nothing_is_trusted_to_set_the_scheme_without_an_https_proxy(monkeypatch):
    assert gunicorn_config(monkeypatch).forwarded_allow_ips == []


def test_a_false_proxy_flag_trusts_nothing_either(monkeypatch):
    config = gunicorn_config(monkeypatch, DJANGO_BEHIND_HTTPS_PROXY="0", FORWARDED_ALLOW_IPS="10.0.0.0/8")
    assert config.forwarded_allow_ips == []


def test_behind_an_https_proxy_this_machine_is_trusted_by_default(monkeypatch):
    assert gunicorn_config(monkeypatch, DJANGO_BEHIND_HTTPS_PROXY="1").forwarded_allow_ips == ["127.0.0.1", "::1"]


def test_behind_an_https_proxy_its_addresses_come_from_forwarded_allow_ips(monkeypatch):
    config = gunicorn_config(monkeypatch, DJANGO_BEHIND_HTTPS_PROXY="yes", FORWARDED_ALLOW_IPS="10.0.0.0/8,192.0.2.7")
    assert config.forwarded_allow_ips == ["10.0.0.0/8", "192.0.2.7"]


def test_only_x_forwarded_proto_marks_a_request_secure(monkeypatch):
    assert gunicorn_config(monkeypatch).secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}


def test_no_header_sets_the_mount_point_even_from_a_trusted_proxy(monkeypatch):
    """gunicorn's default would take a forwarded `SCRIPT_NAME` header (past the proxy's /readyz rule)."""
    config = gunicorn_config(monkeypatch, DJANGO_BEHIND_HTTPS_PROXY="1")
    assert (config.forwarder_headers, config.header_map) == ([], "drop")


def test_workers_come_from_web_concurrency_and_each_runs_threads(monkeypatch):
    config = gunicorn_config(monkeypatch, WEB_CONCURRENCY="7")
    assert (config.workers, config.worker_class_str, config.threads) == (7, "gthread", 4)


def test_default_bind_is_this_machine_and_port_or_gunicorn_bind_override_it(monkeypatch):
    assert gunicorn_config(monkeypatch).bind == ["127.0.0.1:8000"]
    assert gunicorn_config(monkeypatch, PORT="9000").bind == ["0.0.0.0:9000"]
    assert gunicorn_config(monkeypatch, PORT="9000", GUNICORN_BIND="unix:/run/newsroom.sock").bind == [
        "unix:/run/newsroom.sock"
    ]


def test_requests_are_logged_to_stdout_unless_switched_off(monkeypatch):
    assert gunicorn_config(monkeypatch).accesslog == "-"
    assert gunicorn_config(monkeypatch, GUNICORN_ACCESS_LOG="").accesslog is None


@pytest.mark.live
def test_live_gunicorn_ignores_a_forged_https_header_from_this_machine(tmp_path):
    """A client on 127.0.0.1 claiming HTTPS: gunicorn's own default would believe it."""
    port = free_port()
    # An empty file is an empty SQLite database: robots.txt reads nothing from it, but a
    # missing file would be answered with the outage page (resilience.sqlite_file).
    (tmp_path / "unused.sqlite3").touch()
    env = {
        **{name: value for name, value in os.environ.items() if name not in VARIABLES},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "Qm3v9Zr0bK7wXy2Lp5Nd8Hs1Tg4Fc6Jq-Ue_Va0Wb9Xc8Yd7Ze6Af5Bg4Ch3Di2Ej1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "NEWSROOM_SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SSL_REDIRECT": "0",
        "SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with open(tmp_path / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            body = robots_when_up(port, {"X-Forwarded-Proto": "https"})
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    assert f"Sitemap: http://127.0.0.1:{port}/sitemap.xml" in body, (tmp_path / "gunicorn.log").read_text()


def robots_when_up(port, headers, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, body = request(f"127.0.0.1:{port}", "GET", "/robots.txt", headers=headers)
            if status == 200:
                return body
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {seconds} s")


def test_no_control_socket_is_shared_between_servers_of_one_user(monkeypatch):
    assert gunicorn_config(monkeypatch).control_socket_disable is True
