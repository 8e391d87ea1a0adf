"""Run the web server and the task worker side by side, and stop them together.

    python scripts/with_worker.py --worker "python manage.py db_worker --no-reload" -- \\
        python manage.py runserver 127.0.0.1:8000

`make run` and `make serve` start the site this way (README "Mail"): no Procfile runner needed.

- The web server stays in the terminal's process group: Ctrl-C reaches it (and Django's
  autoreloader child) directly, and a debugger in a view can read the terminal.
- The worker runs in a process group of its own, so it hears each stop signal once, from here.
  db_worker finishes the task it is running (an e-mail takes at most EMAIL_TIMEOUT) before it
  exits; a second Ctrl-C makes it abandon the task, which is then stored as failed.
- SIGINT (Ctrl-C), SIGTERM (`kill`, make's own SIGTERM, a service manager) or SIGHUP stops both.
- When the web server exits by itself (the port is taken, a crash), the worker is stopped with SIGTERM.
- When the worker exits by itself (a crash, "database is locked"), it is started again, after
  RESTART_FIRST_SECONDS doubling up to RESTART_MAX_SECONDS while it keeps failing (back to the first
  once it has run RESTART_RESET_SECONDS), each restart told on stderr: the site stays up.
- Each worker started is named: `{worker_id}` in the worker's command (and in `--after-exit`) becomes
  `with_worker-<this pid>-<n>`, the n-th worker started. `--after-exit "COMMAND"` runs once a worker
  has exited by itself, before the next is started: `make run` requeues there the task that a killed
  worker left RUNNING (`manage.py requeue_abandoned_tasks --worker-id {worker_id} --no-age`). Its
  failure is told on stderr and does not stop the site.
- Whatever still runs GRACE_SECONDS after the stop began is killed. On Linux both children also
  get SIGTERM if this process dies without stopping them (PR_SET_PDEATHSIG): no orphans.

Exits with the first non-zero exit status of the two (128 + N for a process ended by signal N).
"""

import argparse
import ctypes
import ctypes.util
import os
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 30
# The web server had the terminal's Ctrl-C itself; it gets one from here only if still running then.
WEB_SIGINT_WAIT_SECONDS = 2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1
RESTART_FIRST_SECONDS = 1
RESTART_MAX_SECONDS = 30
RESTART_RESET_SECONDS = 60


def die_with_parent_function():
    """A function for Popen's preexec_fn that has the child get SIGTERM when this process dies
    (Linux's PR_SET_PDEATHSIG), or None elsewhere. libc is loaded here, before the fork."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    return lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def exit_status(returncode):
    """A Popen return code as a shell reports it: 128 + N for a process ended by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def named(command, worker_id):
    """`command` (a list of arguments) with each `{worker_id}` replaced by `worker_id` (a str)."""
    return [part.replace("{worker_id}", worker_id) for part in command]


def run_after_exit(command, worker_id):
    """Run `command` (a list of arguments, or None) for the worker `worker_id` that exited by itself;
    a failure to start it or a non-zero status is told on stderr."""
    if not command:
        return
    try:
        status = subprocess.run(named(command, worker_id), check=False).returncode
    except OSError as error:
        print(f"with_worker: could not run {command[0]}: {error}", file=sys.stderr)
        return
    if status:
        print(f"with_worker: {' '.join(command[:3])} exited with status {exit_status(status)}", file=sys.stderr)


def supervise(web_command, worker_command, grace=GRACE_SECONDS, after_exit=None):
    """Run both commands (lists of arguments) until the web server has exited or a stop signal came,
    and the worker has stopped; the worker is restarted whenever it exits by itself before that,
    after `after_exit` (a list of arguments, or None) has run for it.
    Returns the exit status (the web server's, else the last worker's)."""
    requests = []
    for number in STOP_SIGNALS:
        signal.signal(number, lambda signum, frame: requests.append(signum))
    # preexec_fn is safe here: this process runs no threads.
    die_with_parent = die_with_parent_function()
    web = subprocess.Popen(web_command, preexec_fn=die_with_parent)

    started = 0
    worker_id = ""

    def start_worker():
        nonlocal started, worker_id
        started += 1
        worker_id = f"with_worker-{os.getpid()}-{started}"
        return subprocess.Popen(named(worker_command, worker_id), process_group=0, preexec_fn=die_with_parent)

    worker = start_worker()
    worker_started = time.monotonic()
    backoff = RESTART_FIRST_SECONDS
    restart_due = None  # monotonic time at which a worker that exited by itself is started again
    stop_began = None
    killed = False
    web_signal_due = None  # (monotonic time, signal) when the web server is to be told to stop

    def stop(signum, *, web_was_told):
        nonlocal stop_began, web_signal_due
        if worker.poll() is None:
            os.killpg(worker.pid, signum)
        if web.poll() is None and web_signal_due is None:
            wait = WEB_SIGINT_WAIT_SECONDS if web_was_told else 0
            web_signal_due = (time.monotonic() + wait, signum)
        stop_began = stop_began or time.monotonic()

    while web.poll() is None or worker.poll() is None:
        if requests:
            signum = requests.pop(0)
            # A Ctrl-C from the terminal reached the web server too; a kill reached only this process.
            stop(signum, web_was_told=signum == signal.SIGINT)
        elif stop_began is None and web.poll() is not None:
            stop(signal.SIGTERM, web_was_told=False)
        now = time.monotonic()
        if stop_began is None and restart_due is None and worker.poll() is not None:
            if now - worker_started > RESTART_RESET_SECONDS:
                backoff = RESTART_FIRST_SECONDS
            print(
                f"with_worker: the worker exited with status {exit_status(worker.returncode)}; "
                f"restarting it in {backoff:g} s",
                file=sys.stderr,
            )
            run_after_exit(after_exit, worker_id)
            restart_due = time.monotonic() + backoff
            backoff = min(backoff * 2, RESTART_MAX_SECONDS)
        elif restart_due is not None and (stop_began is not None or now >= restart_due):
            if stop_began is None:
                print(f"with_worker: restarting the worker: {' '.join(worker_command)}", file=sys.stderr)
                worker = start_worker()
                worker_started = now
            restart_due = None
        if web_signal_due and now >= web_signal_due[0] and web.poll() is None:
            web.send_signal(web_signal_due[1])
            web_signal_due = (float("inf"), web_signal_due[1])
        if stop_began and now - stop_began > grace and not killed:
            killed = True
            for process in (web, worker):
                if process.poll() is None:
                    print(f"with_worker: killing {' '.join(process.args[:3])} after {grace:g} s", file=sys.stderr)
                    process.kill()
        time.sleep(0.1)
    return next((exit_status(code) for code in (web.returncode, worker.returncode) if code), 0)


def main(argv=None):
    """The command line: `--worker "COMMAND"`, then `--` and the web server's command."""
    parser = argparse.ArgumentParser(description="Run a web server and the task worker; stop both together.")
    parser.add_argument("--worker", required=True, help="the worker's command line, split as a shell would")
    parser.add_argument(
        "--after-exit", default="", help="a command to run when the worker exited by itself, before its restart"
    )
    parser.add_argument("--grace", type=float, default=GRACE_SECONDS, help="seconds before what still runs is killed")
    parser.add_argument("web", nargs=argparse.REMAINDER, help="-- then the web server's command")
    args = parser.parse_args(argv)
    web = args.web[1:] if args.web[:1] == ["--"] else args.web
    if not web:
        parser.error("give the web server's command after --")
    after_exit = shlex.split(args.after_exit) or None
    return supervise(web, shlex.split(args.worker), grace=args.grace, after_exit=after_exit)


if __name__ == "__main__":
    sys.exit(main())
