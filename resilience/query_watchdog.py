"""Cut a PostgreSQL query that gets no answer: a frozen server must not hold a request forever.

`statement_timeout` is enforced by the server and `connect_timeout` covers new connections
only; TCP keepalives and `tcp_user_timeout` (settings.py) notice a network that drops
everything, but not a peer whose kernel still acknowledges (a stopped process, a stuck
proxy). Then a read on an open connection waits without limit, and gunicorn's gthread
worker never frees the thread.

During a web request (`watching_queries`, entered by DatabaseOutageMiddleware) every query
of the request's connection is given a deadline; one watchdog thread per process (gthread
runs several request threads, each with its own connection) shuts the socket of a query
past its deadline down. The blocked read then returns, psycopg raises OperationalError
(an outage: the 503 page), and the connection is closed so it is never used again.
Management commands (migrate, imports) are not watched: their statements may rightly run
long, and an operator is there to stop them.
"""

import contextlib
import itertools
import socket
import threading
import time

from django.conf import settings
from django.db import OperationalError

# How often the watchdog looks at the deadlines: a cut comes at most this late (seconds).
TICK_SECONDS = 0.1
# Django's health check (SELECT 1 at a request's first query) answers in milliseconds.
HEALTH_CHECK_SECONDS = 1.0


class QueryWatchdog:
    """Deadlines of the queries running in this process, and the thread that enforces them.

    `arm(fd, seconds)` → a token; `disarm(token)` → True when the query was cut. The thread
    starts on the first `arm` (so in each gunicorn worker, after the fork). `lock` guards
    `running`: a socket is shut down only while its query is still armed, so a descriptor
    number reused after the query ended is never touched.
    """

    def __init__(self, tick=TICK_SECONDS):
        self.tick = tick
        self.lock = threading.Lock()
        self.running = {}  # token -> (deadline on time.monotonic(), socket descriptor)
        self.cut = set()
        self.tokens = itertools.count()
        self.thread = None

    def arm(self, fd, seconds):
        token = next(self.tokens)
        with self.lock:
            self.running[token] = (time.monotonic() + seconds, fd)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.watch, name="query-watchdog", daemon=True)
                self.thread.start()
        return token

    def disarm(self, token):
        with self.lock:
            self.running.pop(token, None)
            if token in self.cut:
                self.cut.discard(token)
                return True
        return False

    def watch(self):
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            with self.lock:
                late = [(token, fd) for token, (deadline, fd) in self.running.items() if deadline <= now]
                for token, fd in late:
                    del self.running[token]
                    self.cut.add(token)
                    shut_down(fd)


def shut_down(fd):
    """Shut the socket with descriptor `fd` down for reading and writing (the descriptor stays open)."""
    try:
        duplicate = socket.socket(fileno=socket.dup(fd))
    except OSError:
        return
    with duplicate, contextlib.suppress(OSError):
        duplicate.shutdown(socket.SHUT_RDWR)


watchdog = QueryWatchdog()


def query_seconds():
    """A watched query's deadline (seconds): the statement timeout plus 0.5 s, so that a live server's
    own cancel (which keeps the connection) comes first, and a frozen one still fails within ~5 s."""
    return settings.DATABASE_STATEMENT_TIMEOUT + 0.5


@contextlib.contextmanager
def deadline(connection, seconds):
    """Run the block with `connection`'s socket cut after `seconds`; raise OperationalError if it was.

    A cut connection is closed (in the thread that owns it) and never reused. Does nothing
    when the connection is not open or not PostgreSQL.
    """
    raw = connection.connection if connection.vendor == "postgresql" else None
    if raw is None or raw.closed:
        yield
        return
    token = watchdog.arm(raw.pgconn.socket, seconds)
    try:
        yield
    finally:
        if watchdog.disarm(token):
            connection.close()
            raise OperationalError(f"the database did not answer within {seconds:g} s; connection closed")


def watched_query(execute, sql, params, many, context):
    """An execute wrapper (`connection.execute_wrapper`) giving each query `query_seconds()`."""
    with deadline(context["connection"], query_seconds()):
        return execute(sql, params, many, context)


@contextlib.contextmanager
def watching_queries(connection):
    """Watch every query `connection` runs in the block, and the health check before the first.

    Django's health check (`CONN_HEALTH_CHECKS`) runs SELECT 1 outside the execute wrappers:
    it is run here, cut after HEALTH_CHECK_SECONDS (a failed check closes the connection and
    the next query reconnects, within `connect_timeout`).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with contextlib.suppress(OperationalError), deadline(connection, HEALTH_CHECK_SECONDS):
        connection.close_if_health_check_failed()
    with connection.execute_wrapper(watched_query):
        yield
