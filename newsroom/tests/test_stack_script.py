"""scripts/stack.py, which `make stack` runs: its VCL compiles, a process that dies is started again,
and one stop signal stops every process (the stack's own services are stand-ins here)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .varnish_site import VARNISHD, load_stack_script

ROOT = Path(__file__).resolve().parents[2]

# Supervise two stand-ins that sleep; `WORK` gets their pid files.
DRIVER = """
import sys
sys.path.insert(0, {scripts!r})
import stack
UP = ("import pathlib, sys, time; print(sys.argv[1], 'up', flush=True); "
      "pathlib.Path(sys.argv[2]).touch(); time.sleep(120)")
services = [
    stack.Service(name, [sys.executable, "-c", UP, name, {work!r} + "/" + name + ".up"]) for name in ("one", "two")
]
sys.exit(stack.supervise(services, None, {work!r}))
"""


def wait_until(check, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def pid_of(work, name):
    path = Path(work) / "pids" / f"{name}.pid"
    return int(path.read_text()) if path.exists() and path.read_text().strip() else None


@pytest.fixture
def supervisor(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER.format(scripts=str(ROOT / "scripts"), work=str(tmp_path))],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(lambda: (tmp_path / "one.up").exists() and (tmp_path / "two.up").exists())
    yield process, tmp_path
    if process.poll() is None:
        process.kill()
        process.wait()


def test_a_process_killed_with_sigkill_is_started_again(supervisor):
    process, work = supervisor
    first = pid_of(work, "one")
    os.killpg(first, signal.SIGKILL)
    wait_until(lambda: pid_of(work, "one") not in (None, first))
    assert running(pid_of(work, "two"))
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert "stack: one exited with status 137; restarting it in 1 s" in stderr


def test_one_stop_signal_stops_every_process_and_removes_the_pid_files(supervisor):
    process, work = supervisor
    pids = [pid_of(work, "one"), pid_of(work, "two")]
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert not any(running(pid) for pid in pids)
    assert not list((work / "pids").iterdir())
    assert "one | one up" in stdout
    assert "two | two up" in stdout
    assert "stack: stopping everything" in stderr


def test_the_site_vcl_names_each_instance_with_the_health_probe():
    text = load_stack_script().site_vcl([9001, 9002])
    assert text.count(".probe = newsroom_probe;") == 2
    assert '.port = "9001";' in text and '.port = "9002";' in text
    assert "newsroom.add_backend(newsroom_2);" in text
    assert '"127.0.0.1";' in text


def test_varnish_listens_on_this_machine_and_on_a_proxy_protocol_listener_named_tls_when_asked(tmp_path):
    """The VCL tells Django a request is HTTPS by the name of its listener (README "Production stack", TLS)."""
    stack = load_stack_script()
    plain = stack.varnish_command("varnishd", 8080, tmp_path, tmp_path)
    assert [plain[i + 1] for i, part in enumerate(plain) if part == "-a"] == ["http=127.0.0.1:8080"]
    both = stack.varnish_command("varnishd", 8080, tmp_path, tmp_path, tls_port=8443)
    assert [both[i + 1] for i, part in enumerate(both) if part == "-a"] == [
        "http=127.0.0.1:8080",
        "tls=127.0.0.1:8443,PROXY",
    ]


@pytest.mark.skipif(VARNISHD is None, reason="varnishd not installed (apt-get install varnish)")
@pytest.mark.parametrize("site", ["deploy", "stack"])
def test_the_vcl_compiles_with_each_site_file(tmp_path, site):
    """Both the shipped newsroom-site.vcl and the one the stack writes make a VCL varnishd accepts."""
    folder = ROOT / "deploy" / "varnish"
    if site == "stack":
        folder = tmp_path
        (folder / "newsroom-site.vcl").write_text(load_stack_script().site_vcl([9001, 9002]))
    result = subprocess.run(
        [
            VARNISHD,
            "-C",
            "-n",
            str(tmp_path / "work"),
            "-p",
            f"vcl_path={folder}:{ROOT / 'deploy' / 'varnish'}",
            "-f",
            str(ROOT / "deploy" / "varnish" / "newsroom.vcl"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
