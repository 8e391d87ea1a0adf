"""scripts/with_worker.py, which `make run` and `make serve` use: both processes stop together, and a
worker that exits by itself is restarted without taking the web server down."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for the web server or the worker: notes the signals it gets, exits on the first.
CHILD = """
import signal, sys, time
from pathlib import Path
log = Path(sys.argv[1])
def stop(signum, frame):
    log.write_text(log.read_text() + f"{signal.Signals(signum).name} ")
    sys.exit(0)
for number in (signal.SIGINT, signal.SIGTERM):
    signal.signal(number, stop)
log.write_text("started ")
time.sleep(60)
"""


# A worker that crashes the first time it is started (exit status 1), then runs as CHILD does.
CRASHES_ONCE = """
import runpy, sys
from pathlib import Path
marker = Path(sys.argv[1] + ".crashed")
if not marker.exists():
    marker.write_text("crashed")
    sys.exit(1)
runpy.run_path(sys.argv[2], run_name="__main__")
"""


def start(tmp_path, web=None, crash_once=False):
    """The supervisor over the stand-ins (or `web`, a command; a worker that crashes once when
    `crash_once`); returns (process, web log, worker log) once the stand-ins have started."""
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    worker = f"{sys.executable} {child} {worker_log}"
    if crash_once:
        crashing = tmp_path / "crashes_once.py"
        crashing.write_text(CRASHES_ONCE)
        worker = f"{sys.executable} {crashing} {worker_log} {child}"
    started = [worker_log] if web else [web_log, worker_log]
    web = web or [sys.executable, str(child), str(web_log)]
    process = subprocess.Popen(
        [sys.executable, "scripts/with_worker.py", "--worker", worker, "--", *web],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(lambda: all(log.exists() and log.read_text() for log in started))
    return process, web_log, worker_log


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_sigterm_stops_the_web_server_and_the_worker(tmp_path):
    process, web, worker = start(tmp_path)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert (web.read_text(), worker.read_text()) == ("started SIGTERM ", "started SIGTERM ")


def test_ctrl_c_reaches_the_worker_once_from_the_supervisor_and_the_web_server_all_the_same(tmp_path):
    process, web, worker = start(tmp_path)
    process.send_signal(signal.SIGINT)  # to the supervisor only, as `kill -INT` sends it
    assert process.wait(timeout=10) == 0
    assert (web.read_text(), worker.read_text()) == ("started SIGINT ", "started SIGINT ")


def test_a_web_server_that_exits_stops_the_worker_and_gives_its_status(tmp_path):
    process, _web, worker = start(tmp_path, web=[sys.executable, "-c", "import time, sys; time.sleep(1); sys.exit(3)"])
    assert process.wait(timeout=10) == 3
    assert worker.read_text() == "started SIGTERM "


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_supervisor_leaves_no_process_behind(tmp_path):
    process, web, worker = start(tmp_path)
    process.kill()
    process.wait(timeout=10)
    wait_until(lambda: web.read_text().endswith("SIGTERM ") and worker.read_text().endswith("SIGTERM "))


def test_a_worker_that_crashes_is_restarted_and_the_web_server_keeps_running(tmp_path):
    process, web, worker = start(tmp_path, crash_once=True)  # returns once the restarted worker runs
    assert (tmp_path / "worker.log.crashed").exists()
    assert process.poll() is None and web.read_text() == "started "  # the web server never stopped
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert (web.read_text(), worker.read_text()) == ("started SIGTERM ", "started SIGTERM ")
    errors = process.stderr.read()
    assert "the worker exited with status 1; restarting it in 1 s" in errors
    assert "restarting the worker" in errors


def test_a_worker_that_exits_by_itself_gets_the_after_exit_command_with_its_own_id(tmp_path):
    """`make run` requeues there what a killed worker left RUNNING (comments/task_queue.py)."""
    child, crashing = tmp_path / "child.py", tmp_path / "crashes_once.py"
    child.write_text(CHILD)
    crashing.write_text(CRASHES_ONCE)
    worker_log, ids = tmp_path / "worker.log", tmp_path / "ids.txt"
    note_id = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'a').write(sys.argv[2] + ' ')\" {ids} {{worker_id}}"
    web = [sys.executable, "-c", "import time; time.sleep(60)"]
    worker = f"{sys.executable} {crashing} {worker_log} {child} --id {{worker_id}}"
    process = subprocess.Popen(
        [sys.executable, "scripts/with_worker.py", "--worker", worker, "--after-exit", note_id, "--", *web],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: worker_log.exists() and worker_log.read_text() == "started ")
        assert ids.read_text() == f"with_worker-{process.pid}-1 "  # the crashed one, before the restart
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
