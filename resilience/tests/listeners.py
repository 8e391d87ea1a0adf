"""Network peers that fail: a port where nothing listens, a listener that never answers, a proxy that freezes."""

import contextlib
import socket
import threading
import time


def closed_port():
    """A 127.0.0.1 port with nothing listening (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def silent_listener():
    """Yields the port of a 127.0.0.1 listener that accepts connections and never sends a byte.

    What a hung database or Redis looks like to a client. Stopped (and every accepted
    connection closed) when the block ends.
    """
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted = []
    stopping = threading.Event()

    def accept_forever():
        while not stopping.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stopping.set()
        thread.join(timeout=2)
        server.close()
        for connection in accepted:
            connection.close()


class FreezingProxy:
    """A TCP proxy on 127.0.0.1 to `target_port` that can be told to stop passing data (`freeze()`).

    Frozen, it keeps every connection open and accepts new ones, but forwards nothing: what an
    open database connection sees when the server process is stopped or a proxy is stuck (the
    kernel still acknowledges, so TCP keepalives find nothing wrong). Use as a context manager;
    `port` is where clients connect.
    """

    def __init__(self, target_port):
        self.target_port = target_port
        self.frozen = threading.Event()
        self.stopping = threading.Event()
        self.sockets = []
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]

    def freeze(self):
        self.frozen.set()

    def __enter__(self):
        threading.Thread(target=self.accept_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self.server.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def accept_forever(self):
        while not self.stopping.is_set():
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.sockets.append(client)
            if self.frozen.is_set():
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    def pipe(self, source, sink):
        source.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            while self.frozen.is_set() and not self.stopping.is_set():
                time.sleep(0.05)  # hold the bytes: the peer waits for an answer that never comes
            with contextlib.suppress(OSError):
                sink.sendall(data)
